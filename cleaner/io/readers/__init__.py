"""Readers: turn each input file into an ordered stream of documents, skips and failures.

`read_file` is the one entry point. It opens the file (decompressing by magic bytes), picks
the reader by extension and content, and guarantees that a broken file never ends the run:
whatever goes wrong becomes a `ReadFailure` row naming the file and the record where
reading stopped, after every record read before it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from cleaner.document import ReadFailure, ReadSkip
from cleaner.io.compression import DECOMPRESSION_ERRORS, open_stream
from cleaner.io.discover import InputFile
from cleaner.io.formats import detect_format
from cleaner.io.items import Item, ItemStream
from cleaner.io.readers.jsonl import read_jsonl
from cleaner.io.readers.parquet import read_parquet
from cleaner.io.readers.text import read_html_file, read_text_file
from cleaner.options import Settings

__all__ = ["Item", "ItemStream", "ReadFailure", "ReadSkip", "read_file", "file_format"]

log = logging.getLogger(__name__)

StreamReader = Callable[[BinaryIO, str, Settings], ItemStream]


def _web_archive(stream: BinaryIO, source: str, settings: Settings) -> ItemStream:
    from cleaner.io.readers.webarchive import read_web_archive

    return read_web_archive(stream, source, settings)


STREAM_READERS: dict[str, StreamReader] = {
    "text": read_text_file,
    "html": read_html_file,
    "jsonl": read_jsonl,
    "webarchive": _web_archive,
}


def file_format(file: InputFile) -> str:
    """The reader name for `file` (used by the summary and by tests)."""
    stream, _ = open_stream(file.path)
    with stream:
        return detect_format(file.source, _peek(stream))


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
        fmt = detect_format(file.source, _peek(stream))
        if fmt == "parquet":
            yield from _read_parquet(file, stream, codec, settings, defer)
        elif fmt == "jsonl":
            yield from read_jsonl(stream, file.source, settings, defer)
        else:
            yield from STREAM_READERS[fmt](stream, file.source, settings)


def _read_parquet(file: InputFile, stream: BinaryIO, codec: str | None, settings: Settings, defer: bool) -> ItemStream:
    """Parquet needs random access: a compressed one is first inflated to a temporary file."""
    if codec is None:
        yield from read_parquet(file.path, file.source, settings, defer)
        return
    with tempfile.NamedTemporaryFile(suffix=".parquet") as tmp:
        shutil.copyfileobj(stream, tmp, 1 << 20)
        tmp.flush()
        yield from read_parquet(Path(tmp.name), file.source, settings, defer)


def _peek(stream: BinaryIO) -> bytes:
    peek = getattr(stream, "peek", None)
    return peek(4096)[:4096] if peek else b""


def _describe(exc: BaseException, last: int) -> str:
    where = f"after record {last}" if last >= 0 else "before the first record"
    if isinstance(exc, OSError) and exc.errno is not None:  # the operating system's, not a decoder's
        return f"cannot read the file {where}: {exc.strerror or exc}"
    text = str(exc) or type(exc).__name__
    return f"truncated or corrupt compressed stream {where}: {text}"
