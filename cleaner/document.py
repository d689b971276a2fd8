"""The one record that flows through every stage.

A `Document` carries its stable id, its text and metadata, and a ledger of what the
pipeline removed from it (`spans`), so that any line missing from the output can be traced
to the stage and rule that removed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Metadata columns every output row has (null when unknown). `date` is when the page was
#: published (from the page itself or a record field); `crawl_date` is when it was fetched
#: (a WARC-Date or a record field): the two answer different questions and are never mixed.
META_FIELDS = ("url", "title", "date", "crawl_date", "author")
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
