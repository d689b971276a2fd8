"""Streaming parser for web archives: WARC (with WET and WAT) and ARC files.

Our own parser rather than warcio/fastwarc, for full control over malformed input: a
broken record yields one `Malformed` item and the parser resynchronises on the next record
start, so one bad length does not lose the rest of the file. Usage:

    stats = RecordStats()
    for item in iter_records(stream, stats=stats):   # stream: decompressed bytes
        ...  # WebPage, Skipped or Malformed, one per document-like record, in order
    log.info("%s", stats.describe_not_documents())  # "120 request, 1 warcinfo records ..."

The stream is read incrementally; a record larger than `max_record_bytes` is never held
in memory (it becomes a Malformed item, or Skipped when its HTTP headers already show it is
not HTML). A compressed input that breaks off (truncated .gz) ends the iteration with a
Malformed item after every record decoded before the damage.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from cleaner.io.compression import sniff_codec
from cleaner.io.warc.byte_reader import ByteReader
from cleaner.io.warc.classify import classify, not_document_kind
from cleaner.io.warc.formats import sniff_framing
from cleaner.io.warc.framing import HEAD_BYTES, iter_raw_records
from cleaner.io.warc.items import Malformed, RecordStats, Skipped, WarcItem, WebPage

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "Malformed",
    "RecordStats",
    "Skipped",
    "WarcItem",
    "WebPage",
    "iter_records",
]

logger = logging.getLogger(__name__)

#: The default of `readers.max_record_mb` (32 MB).
DEFAULT_MAX_RECORD_BYTES = 32 * 2**20


def iter_records(
    stream: BinaryIO,
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    stats: RecordStats | None = None,
) -> Iterator[WarcItem]:
    """One item per document-like record of a WARC/WET/WAT/ARC stream, in file order.

    `stream` holds the decompressed bytes (Python's gzip module reads the multi-member
    gzip of .warc.gz files). Records that are not documents are only counted, in `stats`
    when given. Item indexes count every record of the file, so they are stable and
    identify the record. A stream that is neither WARC nor ARC yields one Malformed item.
    """
    if max_record_bytes < 1:
        raise ValueError(f"max_record_bytes must be positive, not {max_record_bytes}")
    stats = stats if stats is not None else RecordStats()
    reader = ByteReader(stream)
    framing = sniff_framing(reader.peek(HEAD_BYTES))
    if framing is None:
        yield from _not_an_archive(reader, stats)
        return
    stats.format = framing.name
    for raw in iter_raw_records(reader, framing, max_record_bytes):
        stats.records += 1
        if isinstance(raw, Malformed):
            item: WarcItem = raw
        else:
            stats.by_type[raw.header.record_type] += 1
            kind = not_document_kind(raw.header)
            if kind is not None:
                stats.not_documents[kind] += 1
                continue
            item = classify(raw, max_record_bytes)
        stats.count(item)
        yield item


def _not_an_archive(reader: ByteReader, stats: RecordStats) -> Iterator[WarcItem]:
    """Nothing for an empty stream; one Malformed item for anything else."""
    head = reader.peek(64)
    if not head.strip() and reader.error is None:
        return
    stats.records += 1
    message = f"not a WARC or ARC file: it starts with {head[:40]!r}"
    codec = sniff_codec(head)
    if codec is not None:
        message += f" ({codec} data: decompress it first)"
    if reader.error is not None:
        message += f" (reading failed: {type(reader.error).__name__}: {reader.error})"
    item = Malformed(0, message)
    stats.count(item)
    yield item
