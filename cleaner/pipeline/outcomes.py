"""What happens to each input record: kept, removed (with stage and reason) or errored.

These are the rows of removed.parquet and errors.parquet; a kept record stays a Document.
The runner counts all three to check that every record read ends up exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cleaner.document import Document, Drop
from cleaner.io.items import ReadFailure, ReadSkip


@dataclass(frozen=True, slots=True)
class Removed:
    """A document dropped by a stage (or skipped by a reader: stage `read`)."""

    id: str
    source: str
    record: int
    stage: str
    reason: str
    detail: str
    text: str
    duplicate_of: str | None = None
    similarity: float | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Errored:
    """A record that could not be read or processed."""

    source: str
    record: int | None
    stage: str
    error: str

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


Outcome = Document | Removed | Errored


def removed_from_drop(doc: Document, drop: Drop) -> Removed:
    return Removed(doc.id, doc.source, doc.record, drop.stage, drop.reason, drop.detail, doc.text, drop.duplicate_of, drop.similarity)


def removed_from_skip(skip: ReadSkip) -> Removed:
    return Removed(skip.id, skip.source, skip.record, "read", skip.reason, skip.detail, skip.text, skip.duplicate_of)


def errored_from_failure(failure: ReadFailure) -> Errored:
    return Errored(failure.source, failure.record, failure.stage, failure.error)
