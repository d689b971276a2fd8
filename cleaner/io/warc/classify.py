"""Deciding what one archive record is: a page, a skipped document, broken, or no document.

Documents are HTTP responses with an HTML body, WET conversion records and text/plain or
HTML resources. Other responses (images, PDFs, error pages, redirects) are document-like
but unusable: Skipped with a reason. Records about the crawl (warcinfo, request, metadata,
DNS lookups, wget's log kept as a `metadata://` resource) are not documents at all.
"""

from __future__ import annotations

import re

from cleaner.io.warc.framing import RawRecord, RecordHeader
from cleaner.io.warc.http import (
    HttpError,
    HttpResponse,
    decode_body,
    media_type,
    parse_content_type,
    parse_response,
)
from cleaner.io.warc.items import Malformed, Skipped, WarcItem, WebPage

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
#: Record types that may hold a document; every other type is about the crawl itself.
DOCUMENT_RECORD_TYPES = frozenset({"response", "resource", "conversion", "revisit", "continuation"})
#: URL schemes of records that describe the crawl rather than capture a page.
CRAWL_SCHEMES = frozenset({"dns", "metadata", "filedesc", "whois"})

_UNTYPED = frozenset({None, "application/octet-stream", "unknown/unknown", "application/unknown"})
_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


def not_document_kind(header: RecordHeader) -> str | None:
    """For a record that is not a document at all, the kind to count it as; else None."""
    if header.record_type not in DOCUMENT_RECORD_TYPES:
        return header.record_type
    scheme = (header.url or "").partition(":")[0].lower()
    if scheme in CRAWL_SCHEMES:
        return f"{header.record_type} ({scheme})"
    return None


def classify(raw: RawRecord, limit: int) -> WarcItem:
    """The item for a document-like record (see `not_document_kind` for the others)."""
    header = raw.header
    if header.record_type == "revisit":
        return _skip(raw, "revisit record: the payload is stored with an earlier capture", "revisit")
    if header.record_type == "continuation" or "warc-segment-number" in header.fields:
        return _skip(raw, "segmented record (WARC-Segment-Number): not supported", "segmented")
    if _is_http(raw):
        return _classify_http(raw, limit)
    return _classify_direct(raw, limit)


def _classify_http(raw: RawRecord, limit: int) -> WarcItem:
    """A page from an archived HTTP response, or why there is none."""
    try:
        response = parse_response(raw.head if raw.block is None else raw.block)
    except HttpError as exc:
        return _too_large(raw, limit) if raw.block is None else _malformed(raw, str(exc))
    if not 200 <= response.status < 300:
        return _skip(raw, f"HTTP {response.status} response", "http-status")
    essence, charset = _response_type(response, raw.header)
    if essence not in HTML_TYPES and not (essence is None and _HTML_START.match(response.body[:1024])):
        shown = essence or media_type(response.get_all("content-type"))[0] or "no Content-Type"
        return _skip(raw, f"non-HTML response ({shown})", "non-html")
    if raw.block is None:
        return _too_large(raw, limit)
    try:
        body = decode_body(response, limit)
    except HttpError as exc:
        return _malformed(raw, str(exc))
    return _page(raw, body.data, essence or "text/html", charset, "html", body.truncated)


def _classify_direct(raw: RawRecord, limit: int) -> WarcItem:
    """A page from a record whose block is the document itself (WET, resource, bare ARC)."""
    header = raw.header
    essence, charset = parse_content_type(header.content_type)
    if essence is None and header.record_type == "conversion":
        essence = "text/plain"  # WET conversions are plain text, typed or not
    if essence in HTML_TYPES:
        kind = "html"
    elif essence in TEXT_TYPES:
        kind = "text"
    else:
        return _skip(raw, f"non-text {header.record_type} ({essence or 'no Content-Type'})", "non-text")
    if raw.block is None:
        return _too_large(raw, limit)
    return _page(raw, raw.block, essence, charset, kind, False)


def _response_type(response: HttpResponse, header: RecordHeader) -> tuple[str | None, str | None]:
    """(media type, charset) of a response; the archive's payload type when HTTP gives none."""
    essence, charset = media_type(response.get_all("content-type"))
    if essence in _UNTYPED and header.payload_type:
        identified, _ = parse_content_type(header.payload_type)
        essence = identified or essence
    return (None if essence in _UNTYPED else essence), charset


def _is_http(raw: RawRecord) -> bool:
    """Whether the block is an HTTP message: by the WARC Content-Type, or by its first bytes.

    ARC records carry the payload's media type, not `application/http`, yet their blocks
    start with the HTTP status line.
    """
    if (raw.header.content_type or "").lower().startswith("application/http"):
        return True
    return raw.header.record_type == "response" and raw.head[:64].lstrip(b"\r\n").startswith(b"HTTP/")


def _page(
    raw: RawRecord, payload: bytes, essence: str, charset: str | None, kind: str, cut: bool
) -> WarcItem:
    """The WebPage, or Skipped when the payload is empty."""
    if not payload.strip():
        return _skip(raw, "empty payload", "empty")
    header = raw.header
    return WebPage(
        index=raw.index,
        url=header.url,
        date=header.date,
        payload=payload,
        content_type=essence,
        charset=charset,
        kind=kind,
        record_id=_record_id(header),
        truncated=cut or "warc-truncated" in header.fields,
    )


def _too_large(raw: RawRecord, limit: int) -> Malformed:
    size, most = raw.header.length / 2**20, limit / 2**20
    return _malformed(raw, f"record of {size:.1f} MB is above max_record_bytes ({most:g} MB); not loaded")


def _skip(raw: RawRecord, reason: str, key: str) -> Skipped:
    return Skipped(raw.index, reason, key, raw.header.url, _record_id(raw.header))


def _record_id(header: RecordHeader) -> str | None:
    """The record's WARC-Record-ID without its angle brackets; None in ARC files."""
    return header.fields.get("warc-record-id", "").strip().strip("<>") or None


def _malformed(raw: RawRecord, message: str) -> Malformed:
    return Malformed(raw.index, message, raw.header.url)
