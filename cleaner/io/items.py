"""What readers yield besides documents: the items of a file's stream.

A reader turns one input file into an ordered stream of items: `Document`s, `ReadFailure`s
(a record that could not be read: a row of errors.parquet) and `ReadSkip`s (a record that was
read but is not a document we can use, such as an image in a WARC: a row of removed.parquet).
Nothing is dropped silently: every record of the file is one of the three.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.document import Document


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A record (or a whole file, record None) that could not be read."""

    source: str
    record: int | None
    error: str
    stage: str = "read"


@dataclass(frozen=True, slots=True)
class ReadSkip:
    """A record that was read but holds no usable document; `reason` is a stable key;
    `duplicate_of` is the id of the record it repeats (reason `duplicate_id`)."""

    id: str
    source: str
    record: int
    reason: str
    detail: str = ""
    text: str = ""
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class FileNote:
    """Counts about a file that are not records (e.g. WARC request records), for stats.json."""

    source: str
    counts: dict[str, int]
    record = None


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
