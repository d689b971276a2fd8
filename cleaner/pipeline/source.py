"""The first pass's input: every record of every input file, in order, then batched.

Records may still be undecoded (`Deferred`): the workers parse them, and check that ids are
unique (`cleaner.pipeline.ids`). Batches close at a record count or a payload size,
whichever comes first, and depend only on the input, never on the worker count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import Document, FileNote, ReadFailure, ReadSkip
from cleaner.io.discover import InputFile
from cleaner.io.items import Deferred, Item
from cleaner.io.readers import read_file
from cleaner.options import Settings


@dataclass(slots=True)
class ReadCounts:
    """What the first pass read: records, files, and bytes of input consumed so far."""

    records: int = 0
    files: int = 0
    notes: Counter[str] = field(default_factory=Counter)


def read_items(files: list[InputFile], refused: list[ReadFailure | ReadSkip], settings: Settings, limit: int | None,
               counts: ReadCounts, on_file_done: Callable[[int], None] | None = None) -> Iterator[Item]:
    """All records of `files` (after the rows of the entries discovery refused), at most
    `limit` records."""
    for entry in refused:
        counts.records += 1
        yield entry
    for file in files:
        for item in read_file(file, settings, defer=True):
            if isinstance(item, FileNote):
                counts.notes.update(item.counts)
                continue
            if limit is not None and counts.records >= limit:
                return
            counts.records += 1
            yield item
        counts.files += 1
        if on_file_done is not None:
            on_file_done(file.size)


def batched(items: Iterable[Any], max_docs: int, max_chars: int) -> Iterator[list[Any]]:
    """Consecutive batches of at most `max_docs` items and about `max_chars` characters."""
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Document):
            size += len(item.text) + len(item.html or "")
        elif isinstance(item, Deferred):
            size += item.size
        if len(batch) >= max_docs or size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
