"""Readers: turn each input file into an ordered stream of documents, skips and failures.

`read_file` is the one entry point. It opens the file (decompressing by magic bytes), picks
the reader by content and extension (`cleaner.io.formats`) among `READERS` and the plugins
(`registry`), and guarantees that a broken file never ends the run: whatever goes wrong
becomes a `ReadFailure` row naming the file and the record where reading stopped, after
every record read before it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from cleaner.document import ReadFailure, ReadSkip
from cleaner.io.compression import DECOMPRESSION_ERRORS, open_stream
from cleaner.io.discover import InputFile
from cleaner.io.formats import detect_format
from cleaner.io.items import Item, ItemStream
from cleaner.io.readers.jsonl import read_jsonl
from cleaner.io.readers.parquet import read_parquet
from cleaner.io.readers.registry import OpenFile, Reader, with_plugins
from cleaner.io.readers.text import read_html_file, read_text_file
from cleaner.options import Settings

__all__ = ["READERS", "Item", "ItemStream", "OpenFile", "ReadFailure", "ReadSkip", "Reader", "file_format", "read_file", "readers_for"]

log = logging.getLogger(__name__)


def _text(file: OpenFile, settings: Settings) -> ItemStream:
    return read_text_file(file.stream, file.source, settings)


def _html(file: OpenFile, settings: Settings) -> ItemStream:
    return read_html_file(file.stream, file.source, settings)


def _jsonl(file: OpenFile, settings: Settings) -> ItemStream:
    return read_jsonl(file.stream, file.source, settings, file.defer)


def _parquet(file: OpenFile, settings: Settings) -> ItemStream:
    """Parquet needs random access: a compressed one is first inflated to a temporary file."""
    if not file.compressed:
        yield from read_parquet(file.path, file.source, settings, file.defer)
        return
    with tempfile.NamedTemporaryFile(suffix=".parquet") as tmp:
        shutil.copyfileobj(file.stream, tmp, 1 << 20)
        tmp.flush()
        yield from read_parquet(Path(tmp.name), file.source, settings, file.defer)


def _web_archive(file: OpenFile, settings: Settings) -> ItemStream:
    from cleaner.io.readers.webarchive import read_web_archive  # the WARC parser loads only for WARC input

    return read_web_archive(file.stream, file.source, settings)


#: The built-in readers: a new format is one module plus one line here.
READERS: tuple[Reader, ...] = (
    Reader("text", (".txt", ".text", ".md", ".markdown"), _text),
    Reader("html", (".html", ".htm", ".xhtml", ".shtml"), _html),
    Reader("jsonl", (".jsonl", ".ndjson", ".json"), _jsonl),
    Reader("parquet", (".parquet", ".pq"), _parquet, container=True),
    Reader("webarchive", (".warc", ".wet", ".wat", ".arc"), _web_archive, container=True),
)


@lru_cache(maxsize=8)
def readers_for(plugins: tuple[str, ...] = ()) -> tuple[Reader, ...]:
    """The built-in readers plus the plugins (entry points, then `readers.plugins`)."""
    return with_plugins(READERS, plugins)


def _readers(settings: Settings) -> tuple[Reader, ...]:
    return readers_for(tuple(settings["plugins"]))


def file_format(file: InputFile, settings: Settings | None = None) -> str:
    """The reader name for `file` (used by the summary and by tests)."""
    readers = READERS if settings is None else _readers(settings)
    stream, _ = open_stream(file.path)
    with stream:
        return detect_format(file.source, _peek(stream), readers).name


def read_file(file: InputFile, settings: Settings, defer: bool = False) -> ItemStream:
    """Every record of `file`, in order; never raises for bad content. With `defer`, records
    that are costly to decode may come out as `Deferred` items (see there)."""
    last = -1
    count = 0
    try:
        for item in _read(file, settings, defer):
            if item.record is not None:
                last = item.record
            count += 1
            yield item
    except DECOMPRESSION_ERRORS as exc:
        yield ReadFailure(file.source, last + 1, _describe(exc, last))
        return
    except Exception as exc:  # a reader bug must not sink the run; it is reported per file
        log.exception("reading %s failed", file.source)
        yield ReadFailure(file.source, last + 1, f"internal error while reading: {type(exc).__name__}: {exc}")
        return
    if count == 0:
        yield ReadSkip(file.source, file.source, 0, "empty", "the file holds no records")


def _read(file: InputFile, settings: Settings, defer: bool) -> ItemStream:
    try:
        stream, codec = open_stream(file.path)
    except OSError as exc:
        yield ReadFailure(file.source, None, f"cannot open file: {exc.strerror or exc}")
        return
    with stream:
        if file.size == 0:
            yield ReadSkip(file.source, file.source, 0, "empty", "the file is empty")
            return
        reader = detect_format(file.source, _peek(stream), _readers(settings))
        yield from reader.read(OpenFile(stream, file.source, file.path, codec is not None, defer), settings)


def _peek(stream) -> bytes:
    peek = getattr(stream, "peek", None)
    return peek(4096)[:4096] if peek else b""


def _describe(exc: BaseException, last: int) -> str:
    where = f"after record {last}" if last >= 0 else "before the first record"
    if isinstance(exc, OSError) and exc.errno is not None:  # the operating system's, not a decoder's
        return f"cannot read the file {where}: {exc.strerror or exc}"
    text = str(exc) or type(exc).__name__
    return f"truncated or corrupt compressed stream {where}: {text}"
