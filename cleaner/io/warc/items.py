"""What the WARC/ARC parser yields for each record, and the counts it keeps.

Every record of the file is accounted for: a `WebPage` (a document to clean), a `Skipped`
(a document-like record with nothing usable in it), a `Malformed` (a record that could not
be read), or, for records that are not documents at all (warcinfo, request, metadata, the
ARC file header), one count in `RecordStats.not_documents`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WebPage:
    """One document: the payload bytes, still encoded, and what the archive says about them.

    `kind` is `"html"` (an HTML/XHTML HTTP response, or an ARC text/html record) or
    `"text"` (a WET conversion record, a text/plain resource). `content_type` is the media
    type without parameters; `charset` the label declared by the HTTP header or the record's
    Content-Type, lowercased, for `decode_bytes(payload, charset, html=...)`. `date` is the
    capture date as `YYYY-MM-DDTHH:MM:SSZ`, or None when the archive's date is missing or
    malformed (ClueWeb09 writes days like `294`): a half-parsed date would be wrong data.
    `truncated` is True when the archive or the transfer cut the payload short.
    """

    index: int
    url: str | None
    date: str | None
    payload: bytes
    content_type: str | None
    charset: str | None
    kind: str
    record_id: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A document-like record that was read but holds no usable document.

    `reason` is for people (`non-HTML response (image/jpeg)`); `key` is stable, for
    counting and filtering (`non-html`, `http-status`, `revisit`, `empty`, ...).
    `record_id` is the WARC-Record-ID, as for a page: a skipped record keeps its own id.
    """

    index: int
    reason: str
    key: str
    url: str | None = None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class Malformed:
    """A record that could not be read (bad header or length, truncated, broken HTTP)."""

    index: int
    message: str
    url: str | None = None


WarcItem = WebPage | Skipped | Malformed


@dataclass(slots=True)
class RecordStats:
    """Counts over one file, filled in while its records are iterated.

    `records` is the number of records seen (the next `index`); `by_type` counts every
    record whose header could be read by its WARC-Type (`filedesc` / `response` for ARC);
    `not_documents` the ones that are not documents and were therefore not yielded.
    """

    format: str | None = None
    records: int = 0
    pages: int = 0
    skipped: int = 0
    malformed: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    not_documents: Counter[str] = field(default_factory=Counter)

    def count(self, item: WarcItem) -> None:
        """Count one yielded item."""
        if isinstance(item, WebPage):
            self.pages += 1
        elif isinstance(item, Skipped):
            self.skipped += 1
        else:
            self.malformed += 1

    def describe_not_documents(self) -> str:
        """`120 request, 1 warcinfo records (not documents)`, or "" when there were none."""
        if not self.not_documents:
            return ""
        parts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.not_documents.items()))
        return f"{parts} records (not documents)"
