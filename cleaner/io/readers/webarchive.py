"""WARC, WET and ARC files: one document per HTML response or text conversion record.

The parsing (framing, HTTP, resynchronisation after broken records) lives in
`cleaner.io.warc`; this module maps its items onto the pipeline's: a page becomes a
Document (HTML still to be extracted, or text), a skipped record a removed row with its
reason, a malformed one an error row. Records that are not documents at all (requests,
warcinfo, metadata) are counted in a `FileNote`, which ends up in stats.json.
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO

from cleaner.document import Document, FileNote, ReadFailure, ReadSkip
from cleaner.errors import NotText, RecordError
from cleaner.io.decode import decode_bytes
from cleaner.io.items import ItemStream, record_id
from cleaner.io.warc import Malformed, RecordStats, Skipped, WebPage, iter_records
from cleaner.options import Settings

log = logging.getLogger(__name__)


def read_web_archive(stream: BinaryIO, source: str, settings: Settings) -> ItemStream:
    stats = RecordStats()
    limit = int(settings.max_record_mb * 2**20)
    for item in iter_records(stream, max_record_bytes=limit, stats=stats):
        doc_id = getattr(item, "record_id", None) or record_id(source, item.index, multi=True)
        if isinstance(item, WebPage):
            yield _page(item, doc_id, source)
        elif isinstance(item, Skipped):
            yield ReadSkip(doc_id, source, item.index, item.key.replace("-", "_"), item.reason)
        else:
            assert isinstance(item, Malformed)
            yield ReadFailure(source, item.index, item.message)
    if stats.not_documents:
        log.info("%s: %s", source, stats.describe_not_documents())
        yield FileNote(source, {f"warc_{_key(kind)}_records": n for kind, n in stats.not_documents.items()})


def _key(kind: str) -> str:
    """`resource (metadata)` -> `resource_metadata`, a stable stats key."""
    return re.sub(r"\W+", "_", kind).strip("_")


def _page(page: WebPage, doc_id: str, source: str) -> Document | ReadSkip | ReadFailure:
    html = page.kind == "html"
    try:
        decoded = decode_bytes(page.payload, page.charset, html=html)
    except NotText as exc:  # a page typed text/html whose bytes are an image: what a file would be
        return ReadSkip(doc_id, source, page.index, "non_text", str(exc))
    except RecordError as exc:
        return ReadFailure(source, page.index, str(exc))
    metadata: dict = {"content_type": page.content_type}
    if page.truncated:
        metadata["truncated"] = True
    doc = Document(id=doc_id, text="" if html else decoded.text, source=source, record=page.index,
                   url=page.url, crawl_date=page.date, metadata=metadata)
    doc.html = decoded.text if html else None
    return doc
