"""The two archive formats: WARC (0.18 to 1.1, including WET and WAT) and ARC (v1 and v2).

A WARC record is a `WARC/x.y` line, `Name: value` header lines, a blank line, a block of
Content-Length bytes and CRLF CRLF. An ARC record is one line `URL IP date mime length`
(version 2 has five more fields before the length), a block of that length and LF; the
first record (`filedesc://`) describes the file.
"""

from __future__ import annotations

import re

from cleaner.io.warc.byte_reader import ByteReader
from cleaner.io.warc.dates import normalize_arc_date, normalize_warc_date
from cleaner.io.warc.framing import Framing, FramingError, RecordHeader

#: Longest header line accepted; longer means garbage, not a header.
MAX_LINE_BYTES = 1 << 16
#: Longest WARC header block accepted.
MAX_HEADER_BYTES = 1 << 18

_WARC_VERSION = rb"WARC/\d+\.\d+\r?\n"
_WARC_VERSION_LINE = re.compile(_WARC_VERSION)
# An ARC header line up to its date: a URL with a scheme (spaces happen), an address, 14 digits.
_ARC_START = rb"[A-Za-z][A-Za-z0-9+.-]*:[^\r\n]*? \S+ \d{14} "
_ARC_DATE = re.compile(rb"\d{14}")


def read_warc_header(reader: ByteReader) -> RecordHeader:
    """Read a WARC record header; FramingError if the bytes ahead are not one."""
    offset = reader.offset
    first = reader.readline(MAX_LINE_BYTES)
    if not _WARC_VERSION_LINE.fullmatch(first):
        raise FramingError(f"expected a WARC record at byte {offset}, found {first[:40]!r}")
    fields = _read_fields(reader, len(first))
    length = _content_length(fields)
    return RecordHeader(
        record_type=fields.get("warc-type", "").lower() or "unknown",
        url=_target_uri(fields.get("warc-target-uri")),
        date=normalize_warc_date(fields.get("warc-date")),
        content_type=fields.get("content-type"),
        length=length,
        payload_type=fields.get("warc-identified-payload-type") or None,
        fields=fields,
    )


def read_arc_header(reader: ByteReader) -> RecordHeader:
    """Read an ARC record header line; FramingError if the line ahead is not one.

    The date is found as the first 14-digit field after the URL and the address, so v1 and
    v2 lines both parse, and so do URLs with unescaped spaces; the length is the last field.
    """
    offset = reader.offset
    line = reader.readline(MAX_LINE_BYTES)
    parts = line.rstrip(b"\r\n").split(b" ")
    date_at = next((i for i, part in enumerate(parts) if i >= 2 and _ARC_DATE.fullmatch(part)), None)
    if not line.endswith(b"\n") or date_at is None or len(parts) < date_at + 3 or not parts[-1].isdigit():
        raise FramingError(f"expected an ARC record header at byte {offset}, found {line[:60]!r}")
    url = _text(b" ".join(parts[: date_at - 1]))
    scheme = url.partition(":")[0].lower()
    return RecordHeader(
        record_type={"filedesc": "filedesc", "dns": "dns"}.get(scheme, "response"),
        url=url,
        date=normalize_arc_date(_text(parts[date_at])),
        content_type=_text(parts[date_at + 1]) or None,
        length=int(parts[-1]),
        payload_type=_text(parts[date_at + 1]) or None,
        fields={"ip-address": _text(parts[date_at - 1])},
    )


WARC = Framing(
    name="warc",
    start=re.compile(rb"\n(?=" + _WARC_VERSION + rb")"),
    start_here=re.compile(_WARC_VERSION),
    keep=64,
    read_header=read_warc_header,
    separator=b"\r\n\r\n",
)
# ARC's separator is a lone LF, which any line of a block could end with: not trusted.
ARC = Framing(
    name="arc",
    start=re.compile(rb"\n(?=" + _ARC_START + rb")"),
    start_here=re.compile(_ARC_START),
    keep=8192,  # URLs longer than this are not found when scanning, but still read
    read_header=read_arc_header,
)


def sniff_framing(head: bytes) -> Framing | None:
    """WARC or ARC by the first bytes (blank lines allowed first); None if neither.

    A file that starts with garbage but holds a WARC record start further on is WARC: the
    garbage becomes one Malformed item.
    """
    text = head.lstrip(b" \t\r\n")
    if WARC.start_here.match(text):
        return WARC
    if ARC.start_here.match(text):
        return ARC
    if WARC.start.search(head):
        return WARC
    return None


def _read_fields(reader: ByteReader, consumed: int) -> dict[str, str]:
    """`Name: value` lines up to the blank line; names lowercased, the first value wins."""
    fields: dict[str, str] = {}
    last: str | None = None
    while True:
        line = reader.readline(MAX_LINE_BYTES)
        consumed += len(line)
        if not line.endswith(b"\n"):
            if len(line) >= MAX_LINE_BYTES:
                raise FramingError(f"record header line longer than {MAX_LINE_BYTES} bytes")
            raise FramingError("record header cut off by the end of the input")
        if consumed > MAX_HEADER_BYTES:
            raise FramingError(f"record header longer than {MAX_HEADER_BYTES} bytes")
        line = line.rstrip(b"\r\n")
        if not line:
            return fields
        if line[:1] in (b" ", b"\t") and last is not None:  # folded continuation line
            fields[last] = f"{fields[last]} {_text(line.strip())}"
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise FramingError(f"record header line without a name and colon: {line[:60]!r}")
        key = _text(name).strip().lower()
        last = key if key not in fields else None  # a repeated field is ignored, folds too
        fields.setdefault(key, _text(value).strip())


def _content_length(fields: dict[str, str]) -> int:
    """The Content-Length field, which every WARC record must have."""
    value = fields.get("content-length")
    if value is None:
        raise FramingError("record header has no Content-Length")
    if not (value.isascii() and value.isdigit()):
        raise FramingError(f"bad Content-Length {value!r}")
    return int(value)


def _target_uri(value: str | None) -> str | None:
    """WARC-Target-URI without the angle brackets that WARC 1.0 drafts (and wget) add."""
    if not value:
        return None
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    return value.strip() or None


def _text(raw: bytes) -> str:
    """Header bytes as text: UTF-8 (WARC 1.1 allows it in headers), else latin-1."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
