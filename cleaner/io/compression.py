"""Transparent decompression, chosen by magic bytes rather than by file name.

Scraped dumps lie about their names (`page.html` that is gzip'd, `.gz` that is plain), so the
codec is sniffed from the first bytes; the extension is only a fallback hint. zstd goes
through pyarrow (already a dependency) instead of adding the `zstandard` package.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}

#: Extensions stripped to find a file's real format: `pages.jsonl.gz` is JSONL.
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}


def sniff_codec(head: bytes) -> str | None:
    """The compression codec announced by `head`, or None for uncompressed bytes."""
    for magic, codec in MAGIC.items():
        if head.startswith(magic):
            return codec
    return None


def open_stream(path: Path) -> tuple[BinaryIO, str | None]:
    """Open `path` for reading, decompressing if its bytes say so; returns (stream, codec)."""
    with open(path, "rb") as probe:
        head = probe.read(8)
    codec = sniff_codec(head)
    return open_with_codec(path, codec), codec


#: Read buffer: every refill releases and re-takes the GIL, and while the main process also
#: hands batches to workers and takes results back, each re-take can wait for another
#: thread's switch interval. With the default 8 KB buffer, reading JSON lines in a parallel
#: run cost the main thread about ten times what it costs alone; 1 MB refills rarely enough.
#: Plain files only: a decompressor raises on a truncated stream when a refill reaches the
#: cut, so a large buffer over one would lose the records decoded just before the cut.
BUFFER = 1 << 20


def open_with_codec(path: Path, codec: str | None) -> BinaryIO:
    """A buffered binary stream over `path` decoded with `codec` (None: raw bytes)."""
    if codec is None:
        return open(path, "rb", buffering=BUFFER)
    if codec == "gzip":
        return io.BufferedReader(SalvagingGzipReader(path), buffer_size=BUFFER)
    if codec == "bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if codec == "xz":
        return lzma.open(path, "rb")  # type: ignore[return-value]
    import pyarrow as pa

    raw = pa.CompressedInputStream(pa.OSFile(str(path)), "zstd")
    return io.BufferedReader(raw, buffer_size=1 << 20)


def strip_compression_suffix(name: str) -> str:
    """`a.jsonl.gz` -> `a.jsonl`; names without a compression suffix are unchanged."""
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


#: Errors a truncated or corrupt compressed stream raises mid-read (zlib's "invalid distance
#: too far back" is a `zlib.error`, which is none of the others).
DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    lzma.LZMAError,
    ValueError,
    zlib.error,
)

#: Compressed bytes inflated per step, and the most output one step may produce (a
#: deflate stream expands at most ~1032:1, so the salvage of one damaged step stays small).
_GZIP_STEP = 1 << 16
_GZIP_MAX_OUT = 1 << 20


class SalvagingGzipReader(io.RawIOBase):
    """Multi-member gzip (`.warc.gz` is one member per record) that hands out every byte
    decoded before a damaged spot, and raises only on the read after them.

    Python's `gzip` module inflates 128 KB of compressed input per step and loses that
    step's whole output when zlib fails inside it ("invalid distance too far back", a
    truncated member): hundreds of good JSON lines just before the damage. Here the step
    that fails is replayed byte by byte from a copy of the inflater taken before it, so
    what comes out is everything zlib can decode, and the error follows.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = open(path, "rb")
        self._pending = b""  # compressed bytes read from the file and not yet fed
        self._inflater = zlib.decompressobj(31)  # 16 + 15: gzip header and trailer, checked
        self._fed = False  # whether the current member has had input
        self._output = memoryview(b"")
        self._error: BaseException | None = None
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._output and not self._done and self._error is None:
            self._output = memoryview(self._step())
        if self._output:
            size = min(len(buffer), len(self._output))
            buffer[:size] = self._output[:size]
            self._output = self._output[size:]
            return size
        if self._error is not None:
            error, self._error = self._error, None
            self._done = True
            raise error
        return 0

    def close(self) -> None:
        self._file.close()
        super().close()

    def _step(self) -> bytes:
        """Inflate the next piece of input; its output (possibly empty)."""
        data = self._next_input()
        if not data:
            self._done = True
            if self._fed and not self._inflater.eof:
                self._error = EOFError("compressed file ended before the end-of-stream marker was reached")
            return b""
        self._fed = True
        before = self._inflater.copy()
        try:
            out = self._inflater.decompress(data, _GZIP_MAX_OUT)
        except zlib.error as exc:
            self._error = exc
            return _salvage(before, data)
        if self._inflater.eof:
            self._start_next_member(self._inflater.unused_data)
        return out

    def _next_input(self) -> bytes:
        if self._inflater.unconsumed_tail:
            return self._inflater.unconsumed_tail
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return self._file.read(_GZIP_STEP)

    def _start_next_member(self, rest: bytes) -> None:
        """Get ready for the member that follows; gzip allows zero padding between members
        (anything else that follows is fed to a new inflater, which refuses it)."""
        rest = rest.lstrip(b"\x00")
        while not rest:
            rest = self._file.read(_GZIP_STEP)
            if not rest:
                self._done = True
                return
            rest = rest.lstrip(b"\x00")
        self._inflater = zlib.decompressobj(31)
        self._fed = False
        self._pending = rest


def _salvage(inflater, data: bytes) -> bytes:
    """What `inflater` outputs for `data` fed one byte at a time, up to the byte it fails on."""
    out = bytearray()
    for i in range(len(data)):
        try:
            out += inflater.decompress(data[i : i + 1])
        except zlib.error:
            break
    return bytes(out)
