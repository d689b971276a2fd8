"""HTTP responses as archived in WARC and ARC records: status, headers, decoded body.

Archives store the bytes as received, so the body may still be chunked and compressed;
but many crawlers (Common Crawl's ARCs, ClueWeb09) stored it already decoded while keeping
the original `Transfer-Encoding: chunked` / `Content-Encoding: gzip` headers. Each coding
is therefore undone only when the bytes actually carry it (a chunk-size line, the gzip
magic number, compressed-looking data); otherwise the body is taken as already decoded.
"""

from __future__ import annotations

import importlib
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.io.decode import looks_binary

logger = logging.getLogger(__name__)

_STATUS_LINE = re.compile(rb"[\r\n]*HTTP/\d+(?:\.\d+)?[ \t]+(\d{3})(?:[ \t][^\r\n]*)?\r?\n?")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]+)[ \t]*(?:;[^\r\n]*)?\r?\n")
_GZIP_MAGIC = b"\x1f\x8b"


class HttpError(Exception):
    """The HTTP message cannot be parsed or its body cannot be decoded."""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A parsed response: status, headers in order (names lowercased), raw body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def get_all(self, name: str) -> list[str]:
        """Every value of header `name` (case-insensitive), in order."""
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    def codings(self, name: str) -> list[str]:
        """The comma-separated codings of a Transfer-/Content-Encoding header, lowercased."""
        return [c.strip().lower() for value in self.get_all(name) for c in value.split(",") if c.strip()]


@dataclass(frozen=True, slots=True)
class Body:
    """A decoded body; `truncated` when the transfer stopped before its declared end."""

    data: bytes
    truncated: bool = False


def parse_response(block: bytes) -> HttpResponse:
    """Split an archived HTTP response into status, headers and body.

    Headers end at the first empty line (CRLF or bare LF, both seen in archives); folded
    continuation lines join the header before them; lines without a colon are ignored. A
    block that ends inside the headers has an empty body. An interim `100 Continue` stored
    before the real response is passed over.
    """
    status = _STATUS_LINE.match(block)
    if status is None:
        raise HttpError(f"unparsable HTTP status line {block.lstrip()[:60]!r}")
    headers: list[tuple[str, str]] = []
    pos = status.end()
    while pos < len(block):
        newline = block.find(b"\n", pos)
        end = len(block) if newline < 0 else newline
        line = block[pos:end].rstrip(b"\r")
        pos = end + 1
        if not line:
            break
        _add_header_line(headers, line.decode("latin-1"))
    body = block[pos:] if pos <= len(block) else b""
    code = int(status.group(1))
    if 100 <= code < 200 and _STATUS_LINE.match(body):
        return parse_response(body)
    return HttpResponse(code, tuple(headers), body)


def media_type(values: list[str]) -> tuple[str | None, str | None]:
    """(essence, charset) of Content-Type header values, as browsers combine duplicates.

    Per the Fetch standard the last valid type wins, and a charset given for the same type
    earlier survives a later value without one (`text/html; charset=utf-8` then `text/html`).
    """
    essence: str | None = None
    charset: str | None = None
    for part in (piece for value in values for piece in value.split(",")):
        kind, params = parse_content_type(part)
        if kind is None or kind == "*/*":
            continue
        if kind != essence:
            essence, charset = kind, params
        elif params is not None:
            charset = params
    return essence, charset


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(`type/subtype` lowercased, charset label lowercased) of one Content-Type value."""
    if not value:
        return None, None
    essence, *params = value.split(";")
    essence = essence.strip().lower()
    if "/" not in essence or any(c.isspace() for c in essence):
        return None, None
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").strip().lower() or None
    return essence, charset


def decode_body(response: HttpResponse, limit: int) -> Body:
    """The body with its transfer and content codings undone; at most `limit` bytes.

    Raises HttpError for broken chunking, corrupt compressed data, an unsupported coding
    on data that is not already decoded, or a body that decompresses beyond `limit`.
    """
    data, truncated = response.body, False
    for coding in reversed(response.codings("transfer-encoding")):
        if coding == "chunked":
            data, cut = dechunk(data)
        else:
            data, cut = _undo_coding(data, coding, limit)
        truncated |= cut
    for coding in reversed(response.codings("content-encoding")):
        data, cut = _undo_coding(data, coding, limit)
        truncated |= cut
    return Body(data, truncated)


def dechunk(data: bytes) -> tuple[bytes, bool]:
    """(payload, truncated) of a chunked body; a body without a chunk-size line is returned as is.

    A body that ends early (no final zero-size chunk, or a last chunk cut short) is a
    truncated capture: what arrived is kept and flagged. Garbage where a chunk-size line
    must be is an error.
    """
    first = _CHUNK_SIZE.match(data)
    if first is None:
        logger.debug("Transfer-Encoding chunked, but the body is not chunked; taken as decoded")
        return data, False
    parts: list[bytes] = []
    pos = 0
    while pos < len(data):
        size_line = _CHUNK_SIZE.match(data, pos)
        if size_line is None:
            raise HttpError(f"broken chunked encoding at body byte {pos}: {data[pos:pos + 20]!r}")
        size = int(size_line.group(1), 16)
        if size == 0:
            return b"".join(parts), False
        start = size_line.end()
        parts.append(data[start : start + size])
        if start + size > len(data):
            return b"".join(parts), True
        pos = _skip_line_end(data, start + size)
    return b"".join(parts), True


def _add_header_line(headers: list[tuple[str, str]], line: str) -> None:
    """Append `Name: value`, or continue the previous header for a folded line."""
    if line[0] in " \t" and headers:
        name, value = headers[-1]
        headers[-1] = (name, f"{value} {line.strip()}")
        return
    name, colon, value = line.partition(":")
    if not colon or not name.strip():
        logger.debug("HTTP header line without a colon ignored: %r", line[:80])
        return
    headers.append((name.strip().lower(), value.strip()))


def _skip_line_end(data: bytes, pos: int) -> int:
    """The position after the CRLF (or LF) that ends a chunk's data."""
    if data.startswith(b"\r\n", pos):
        return pos + 2
    if data.startswith(b"\n", pos):
        return pos + 1
    raise HttpError(f"broken chunked encoding: chunk data not followed by CRLF at body byte {pos}")


def _undo_coding(data: bytes, coding: str, limit: int) -> tuple[bytes, bool]:
    """Undo one content coding, or keep `data` when it evidently is already decoded."""
    if coding in ("identity", "none", ""):
        return data, False
    if not data:
        return data, False
    if coding in ("gzip", "x-gzip") and data.startswith(_GZIP_MAGIC):
        return _inflate(data, zlib.MAX_WBITS | 16, coding, limit)
    if looks_binary(data[:4096]) is None:
        logger.debug("Content-Encoding %s, but the body is already decoded", coding)
        return data, False
    if coding in ("gzip", "x-gzip"):
        raise HttpError(f"Content-Encoding {coding}, but the body is neither gzip data nor text")
    if coding == "deflate":
        try:
            return _inflate(data, zlib.MAX_WBITS, coding, limit)
        except HttpError:
            return _inflate(data, -zlib.MAX_WBITS, coding, limit)  # raw deflate, as some servers send
    if coding == "br":
        return _unbrotli(data, limit), False
    raise HttpError(f"unsupported Content-Encoding {coding!r}")


def _inflate(data: bytes, wbits: int, coding: str, limit: int) -> tuple[bytes, bool]:
    """zlib/gzip/raw-deflate decompression with an output cap; (data, truncated)."""
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise HttpError(f"corrupt {coding} body: {exc}") from exc
    if len(out) > limit:
        raise HttpError(f"{coding} body decompresses to more than {limit} bytes (max_record_bytes)")
    return out, not decompressor.eof


def _unbrotli(data: bytes, limit: int) -> bytes:
    """Brotli decompression when a brotli module is installed (it is optional)."""
    decompress = _brotli_decompress()
    if decompress is None:
        raise HttpError("cannot decode Content-Encoding br: no brotli module is installed")
    try:
        out = decompress(data)
    except Exception as exc:  # brotli.error and brotlicffi.error share no base class
        raise HttpError(f"corrupt br body: {exc}") from exc
    if len(out) > limit:
        raise HttpError(f"br body decompresses to more than {limit} bytes (max_record_bytes)")
    return out


def _brotli_decompress() -> Callable[[bytes], bytes] | None:
    """`brotli.decompress` or `brotlicffi.decompress`, whichever is importable; else None."""
    for module in ("brotli", "brotlicffi"):
        try:
            return importlib.import_module(module).decompress
        except ImportError:
            continue
    return None
