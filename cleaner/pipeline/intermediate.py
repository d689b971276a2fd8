"""Documents waiting between two passes, on disk, written by the workers themselves.

A global stage needs every document sketched before any can be decided, so the survivors of
a pass are parked on disk rather than in memory. Each worker pickles its batch's survivors
straight into a file of the run's work folder and hands the main process only a `Parcel`:
the file's path and the ids of its documents (the main process needs them to attach
decisions). The main process never touches the documents themselves, so parking costs one
write and one read in the workers, and no text crosses a process pipe twice: on a
dedup-only run that halves what the main process receives, and the main process is the
bottleneck (it reads the input and writes the output).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.document import Document
from cleaner.pipeline import rows


@dataclass(frozen=True, slots=True)
class Parcel:
    """A batch of parked documents: their ids and the file that holds them."""

    ids: list[str]
    path: str

    def documents(self) -> list[Document]:
        """Load the documents (the file stays until `discard`)."""
        return self.load()

    def load(self) -> Any:
        """What `pack` parked (documents, or output rows).

        The file is not deleted here: a worker that dies while running this parcel's
        batch must leave it for the batch's second attempt. The main process deletes it
        (`discard`) once the batch's result is in.
        """
        with open(self.path, "rb") as source:
            return pickle.load(source)

    def discard(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def pack(docs: list[Document], path: str, as_rows: bool = False) -> Parcel:
    """Park `docs` in a new file at `path`: as Documents, or (`as_rows`) as the data and
    spans output rows they will become when the next pass only filters them."""
    parked = (rows.data_batch(docs), rows.spans_batch(docs)) if as_rows else docs
    with open(path, "wb") as sink:
        pickle.dump(parked, sink, protocol=pickle.HIGHEST_PROTOCOL)
    return Parcel([d.id for d in docs], path)


class IntermediateWriter:
    """The parcels of one pass, in input order: a folder of parcel files plus an index.

    `path_for(n)` names the file the worker of batch n writes; the index (ids and paths,
    appended as results arrive in order) is what the next pass reads back. `close()`
    returns how many documents were parked.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "index.pkl"
        self.count = 0
        self._index = open(self.path, "wb")

    def path_for(self, batch: int) -> str:
        return str(self.folder / f"batch-{batch:07d}.pkl")

    def write(self, parcel: Parcel) -> None:
        if parcel.ids:
            pickle.dump(parcel, self._index, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(parcel.ids)
        else:
            Path(parcel.path).unlink(missing_ok=True)  # (gone already when a resumed run replays it)

    def close(self) -> int:
        self._index.close()
        return self.count


def read_parcels(index: Path) -> Iterator[Parcel]:
    """The parcels of a pass's index file, in the order they were written."""
    with open(index, "rb") as source:
        while True:
            try:
                yield pickle.load(source)
            except EOFError:
                return
