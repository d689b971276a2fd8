"""Documents waiting between two passes, on disk, exactly as the workers packed them.

A global stage needs every document sketched before any can be decided, so the survivors of
a pass are parked here rather than in memory. Each entry is one batch: the ids of its
documents (the main process needs them to attach decisions) and the documents themselves as
an opaque pickled blob that the main process never unpickles: it only forwards the blob to a
worker in the next pass, so parking costs a write and a read, not a conversion.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.document import Document


@dataclass(frozen=True, slots=True)
class Parcel:
    """A batch of documents in transit: their ids and their pickled form."""

    ids: list[str]
    blob: bytes

    def documents(self) -> list[Document]:
        return pickle.loads(self.blob)


def pack(docs: list[Document]) -> Parcel:
    return Parcel([d.id for d in docs], pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))


class IntermediateWriter:
    """Appends parcels; `close()` returns how many documents were written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file = open(path, "wb")

    def write(self, parcel: Parcel) -> None:
        if parcel.ids:
            pickle.dump(parcel, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(parcel.ids)

    def close(self) -> int:
        self._file.close()
        return self.count


def read_parcels(path: Path) -> Iterator[Parcel]:
    """The parcels of an intermediate file, in the order they were written."""
    with open(path, "rb") as source:
        while True:
            try:
                yield pickle.load(source)
            except EOFError:
                return
