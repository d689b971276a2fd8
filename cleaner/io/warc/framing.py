"""Cutting a WARC or ARC stream into records, and finding the next one after a broken one.

Both formats are a header giving the block's length, the block, and a separator. A record
is only trusted when its block is followed by a separator and then the next record's start
(or the end): a wrong length is caught at once, not two records later. After any problem
the reader goes back to the start of the broken record and scans for the next record start
after it, so a length that swallowed the following records loses only the broken one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from cleaner.io.warc.byte_reader import ByteReader
from cleaner.io.warc.items import Malformed

logger = logging.getLogger(__name__)

#: How much of a record too large to load is still looked at (to classify it).
HEAD_BYTES = 1 << 16


class FramingError(Exception):
    """A record's header or length is broken; the message says how."""


@dataclass(frozen=True, slots=True)
class RecordHeader:
    """What a record header says: type, target URL, normalised date, block length.

    `payload_type` is the archive's own idea of the payload's media type (ARC's mime field,
    Common Crawl's WARC-Identified-Payload-Type), used when the HTTP headers give none.
    """

    record_type: str
    url: str | None
    date: str | None
    content_type: str | None
    length: int
    payload_type: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record cut out of the stream; `block` is None when it was too large to load.

    `head` is the block's start (the whole block when it was loaded), enough to read the
    HTTP headers of a record that was skipped for its size.
    """

    index: int
    header: RecordHeader
    block: bytes | None
    head: bytes


@dataclass(frozen=True, slots=True)
class Framing:
    """One archive format: how a record starts, and how its header is read.

    `start` matches zero-width at a record start that follows a newline (for scanning);
    `start_here` matches a record start at a given position; `keep` bounds the length of a
    record start, so a scan keeps that much between reads. `separator` is what follows a
    block, when it is distinctive enough to prove the block's length right (None: prove it
    by the next record start).
    """

    name: str
    start: re.Pattern[bytes]
    start_here: re.Pattern[bytes]
    keep: int
    read_header: Callable[[ByteReader], RecordHeader]
    separator: bytes | None = None


def iter_raw_records(
    reader: ByteReader, framing: Framing, max_record_bytes: int
) -> Iterator[RawRecord | Malformed]:
    """Every record of the stream in order, each a RawRecord or exactly one Malformed.

    Indexes count every record, broken ones and runs of garbage between records included.
    A stream that breaks off (truncated gzip) ends the iteration with a Malformed that says
    so, after everything read before the damage.
    """
    index = 0
    error_reported = False
    while True:
        reader.skip_blank()
        if reader.at_eof():
            break
        reader.set_mark()
        header: RecordHeader | None = None
        item: RawRecord | Malformed
        try:
            header = framing.read_header(reader)
            item = _read_block(reader, framing, header, index, max_record_bytes)
        except FramingError as exc:
            message = str(exc)
            if reader.error is not None and reader.at_eof():
                message += f"; the input breaks off: {_describe(reader.error)}"
                error_reported = True
            item = Malformed(index, message, header.url if header else None)
            _resync(reader, framing)
        yield item
        index += 1
    if reader.error is not None and not error_reported:
        yield Malformed(index, f"the input breaks off after {index} records: {_describe(reader.error)}")


def _read_block(
    reader: ByteReader, framing: Framing, header: RecordHeader, index: int, limit: int
) -> RawRecord:
    """The block after `header`, checked against the separator and the next record start."""
    length = header.length
    if length > limit:
        head = reader.peek(min(length, HEAD_BYTES))
        got = reader.skip(length)
        block: bytes | None = None
    else:
        block = head = reader.read(length)
        got = len(block)
    if got < length:
        raise FramingError(
            f"truncated record: block of {length} bytes, only {got} before the end of the input"
        )
    _expect_boundary(reader, framing, length)
    return RawRecord(index, header, block, head)


def _expect_boundary(reader: ByteReader, framing: Framing, length: int) -> None:
    """Raise unless the block is followed by its separator, or by blank lines and a record
    start (or the end).

    A distinctive separator (WARC's CRLF CRLF) is trusted even when garbage follows it: the
    garbage is then the next record's problem, and this record is good.
    """
    ahead = reader.peek(framing.keep)
    if framing.separator and ahead.startswith(framing.separator):
        return
    rest = ahead.lstrip(b" \t\r\n")
    if not rest or framing.start_here.match(rest):
        return
    raise FramingError(
        f"the block length ({length} bytes) does not match the record: it is followed by "
        f"{ahead[:24]!r}, not by the next record"
    )


def _resync(reader: ByteReader, framing: Framing) -> None:
    """Move to the next record start after the broken record's start (or to the end)."""
    start = reader.offset
    rewound = reader.rewind()
    found = reader.scan(framing.start, framing.keep)
    logger.debug(
        "resynchronised %s stream from byte %d (%s) to byte %d%s",
        framing.name, start, "rewound" if rewound else "forward", reader.offset, "" if found else " (end)",
    )


def _describe(error: BaseException) -> str:
    """`EOFError: Compressed file ended ...` for a stream error."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
