"""The records: the document that flows through every stage, and every outcome a reader or
a stage can produce for it.

A `Document` carries its stable id, its text and metadata, and a ledger of what the
pipeline removed from it (`spans`), so that any line missing from the output can be traced
to the stage and rule that removed it. Around it:

- what a stage decides: a transform's `Edit` (new text, removed `Span`s, fields found), a
  filter's `Drop`;
- what a reader yields besides documents: `ReadFailure` (a record that could not be read),
  `ReadSkip` (read, but no usable document), `FileNote` (counts that are not records);
- what becomes of each record in the end: kept (the Document itself), `Removed` (a row of
  removed.parquet, with the stage and reason) or `Errored` (a row of errors.parquet).
  Every record read is exactly one of the three.

This module is the ground floor: it imports nothing of cleaner's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Metadata columns every output row has (null when unknown). `date` is when the page was
#: published (from the page itself or a record field); `crawl_date` is when it was fetched
#: (a WARC-Date or a record field): the two answer different questions and are never mixed.
META_FIELDS = ("url", "title", "date", "crawl_date", "author")
#: The metadata a stage may find in a page (its HTML or its text) and fill in where the
#: record has none; the crawl date is the crawler's, never the page's.
FOUND_FIELDS = tuple(name for name in META_FIELDS if name != "crawl_date")
#: Key of `Document.metadata` (and of the output's metadata JSON): the offset in the text
#: where reader comments kept under the article begin, so that they are not taken for the
#: author's words. Set by the stage that recognises them (`html` with include_comments,
#: `boilerplate`), carried through every later edit.
COMMENTS_OFFSET = "comments_offset"


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text a transform removed from a document.

    `offset` is the character offset of the piece in the text the stage received, so a
    stage's input can be reconstructed from its output plus its spans. `cluster_id` links a
    removed duplicate passage to its row in clusters.parquet. `score` is the evidence of a
    scored decision (a measured share or a model's probability, the higher the surer), so
    that `clean inspect` can say how strong the case for removing the piece was; None for
    rules that simply match.
    """

    stage: str
    rule: str
    offset: int
    text: str
    cluster_id: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Drop:
    """Why a filter (or a dedup decision) removed a whole document."""

    stage: str
    reason: str
    detail: str = ""
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass(slots=True)
class Document:
    """One input record on its way to the output.

    `source` is the path relative to the input root and `record` the 0-based index of the
    record inside that file (0 for one-document files). `html` holds raw HTML still waiting
    for the `html` stage; `text` is empty until then. `extracted` is set once the `html`
    stage has replaced the HTML by its main text: later stages can tell text a DOM-aware
    extractor already cleaned from text scraped with its page chrome.
    """

    id: str
    text: str
    source: str
    record: int = 0
    url: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    crawl_date: str | None = None
    html: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    duplicate_count: int = 1
    extracted: bool = False

    def __reduce__(self):
        """Pickle as the constructor's arguments: batches of documents cross process pipes
        and are parked between passes, and this halves the default protocol's unpickling
        time for slotted classes."""
        return (Document, tuple(getattr(self, name) for name in _DOCUMENT_FIELDS))

    def meta(self) -> dict[str, str | None]:
        """The metadata columns as a dict, for writers and inspection."""
        return {name: getattr(self, name) for name in META_FIELDS}


_DOCUMENT_FIELDS = tuple(Document.__dataclass_fields__)


@dataclass(slots=True)
class Edit:
    """What a transform did to one document.

    `fields` sets metadata columns the transform found in the text (a byline's author and
    date); `counts` reports per-rule counts that have no span (encoding repairs);
    `metadata` adds keys to the document's metadata (`COMMENTS_OFFSET`). `position` maps
    an offset in the text the transform received to the same place in `text`, so that
    offsets kept in metadata follow the edit; None means the transform keeps every line
    break (encoding repairs), and such an offset, always a line start, follows its line.
    """

    text: str
    spans: list[Span] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    position: Callable[[int], int] | None = None


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
