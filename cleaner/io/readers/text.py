"""Plain-text pages (`.txt`, `.md`) and HTML pages (`.html`, `.htm`): one document per file."""

from __future__ import annotations

from typing import BinaryIO

from cleaner.document import Document, ReadFailure, ReadSkip
from cleaner.errors import NotText, RecordError
from cleaner.io.decode import decode_bytes
from cleaner.io.items import ItemStream
from cleaner.options import Settings


def read_limited(stream: BinaryIO, max_mb: float) -> bytes:
    """Read at most `max_mb` megabytes; raise RecordError if the stream holds more."""
    limit = int(max_mb * 2**20)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RecordError(f"file is larger than readers.max_record_mb ({max_mb:g} MB); not loaded")
    return data


def read_text_file(stream: BinaryIO, source: str, settings: Settings) -> ItemStream:
    """One plain-text document per file."""
    yield from _read_single(stream, source, settings, html=False)


def read_html_file(stream: BinaryIO, source: str, settings: Settings) -> ItemStream:
    """One HTML document per file; its text comes from the html stage."""
    yield from _read_single(stream, source, settings, html=True)


def _read_single(stream: BinaryIO, source: str, settings: Settings, html: bool) -> ItemStream:
    try:
        data = read_limited(stream, settings.max_record_mb)
        decoded = decode_bytes(data, html=html)
    except NotText as exc:
        yield ReadSkip(source, source, 0, "non_text", str(exc))
        return
    except RecordError as exc:
        yield ReadFailure(source, 0, str(exc))
        return
    if not decoded.text.strip():
        yield ReadSkip(source, source, 0, "empty", "the file holds no text")
        return
    meta = {"encoding": decoded.encoding} if decoded.encoding not in ("utf-8", "ascii") else {}
    if html:
        yield Document(id=source, text="", source=source, html=decoded.text, metadata=meta)
    else:
        yield Document(id=source, text=decoded.text, source=source, metadata=meta)
