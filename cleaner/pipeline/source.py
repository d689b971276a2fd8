"""The first pass's input: every record of every input file, in order, then batched.

Ids must be unique (dedup decisions, spans and clusters are keyed by them), so a record whose
own id was already used becomes an error row here. Batches close at a document count or a
text size, whichever comes first, and depend only on the input, never on the worker count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import Document
from cleaner.io.discover import InputFile
from cleaner.io.readers import read_file
from collections import Counter

from cleaner.io.readers.base import FileNote, Item, ReadFailure
from cleaner.options import Settings


@dataclass(slots=True)
class ReadCounts:
    """What the first pass read: records, files, and bytes of input consumed so far."""

    records: int = 0
    files: int = 0
    bytes_done: int = 0
    notes: Counter[str] = field(default_factory=Counter)


def read_items(files: list[InputFile], refused: list[ReadFailure], settings: Settings, limit: int | None,
               counts: ReadCounts, on_file_done: Callable[[int], None] | None = None) -> Iterator[Item]:
    """All records of `files` (after the refused links' error rows), at most `limit` records."""
    seen: set[bytes] = set()
    for failure in refused:
        counts.records += 1
        yield failure
    for file in files:
        for item in read_file(file, settings):
            if isinstance(item, FileNote):
                counts.notes.update(item.counts)
                continue
            if limit is not None and counts.records >= limit:
                return
            counts.records += 1
            yield _unique(item, seen)
        counts.files += 1
        counts.bytes_done += file.size
        if on_file_done is not None:
            on_file_done(file.size)


def _unique(item: Item, seen: set[bytes]) -> Item:
    if not isinstance(item, Document):
        return item
    key = hashlib.blake2b(item.id.encode("utf-8", "surrogatepass"), digest_size=12).digest()
    if key in seen:
        return ReadFailure(item.source, item.record, f"duplicate id {item.id!r}: an earlier record has the same id; "
                           "ids must be unique (set readers.id_field to a unique field, or to null for positional ids)")
    seen.add(key)
    return item


def batched(items: Iterable[Any], max_docs: int, max_chars: int) -> Iterator[list[Any]]:
    """Consecutive batches of at most `max_docs` items and about `max_chars` characters."""
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Document):
            size += len(item.text) + len(item.html or "")
        if len(batch) >= max_docs or size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
