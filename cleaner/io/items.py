"""What readers yield: the items of a file's stream (the records are in `cleaner.document`).

A reader turns one input file into an ordered stream of items: `Document`s, `ReadFailure`s
(a record that could not be read: a row of errors.parquet) and `ReadSkip`s (a record that was
read but is not a document we can use, such as an image in a WARC: a row of removed.parquet).
Nothing is dropped silently: every record of the file is one of the three.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from cleaner.document import Document, FileNote, ReadFailure, ReadSkip


class Deferred:
    """A record the reader has found but not yet decoded; `parse()` turns it into an item.

    The main process reads the input alone, so readers whose per-record decoding is costly
    (JSON lines, Parquet rows) hand the raw record to the worker that processes the batch,
    which parses and maps it there, in parallel. Subclasses carry `source` and `record` like every other item.
    """

    __slots__ = ()
    source: str
    record: int

    def parse(self, found: Counter[str] | None = None, notes: Counter[str] | None = None) -> Document | ReadFailure | ReadSkip:
        """The item; a structured record also adds what it holds to `found`
        (`FieldMap.count`), and what decoding repaired (`lone_surrogates`) to `notes`."""
        raise NotImplementedError

    @property
    def size(self) -> int:
        """Bytes of payload, for batching."""
        raise NotImplementedError


Item = Document | ReadFailure | ReadSkip | FileNote | Deferred
ItemStream = Iterator[Item]


def record_id(source: str, record: int, multi: bool) -> str:
    """The positional id of a record: its source path, plus `:N` in multi-record files."""
    return f"{source}:{record}" if multi else source
