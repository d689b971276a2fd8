"""A buffered byte reader that can rewind to a mark and scan forward for a pattern.

Resynchronising after a broken record needs two things a plain file object lacks: going
back to the start of the broken record (its Content-Length may have swallowed the next
record) and searching for the next record start without holding the whole file. Memory is
bounded by the largest record read whole, which the caller limits.

A truncated or corrupt compressed input raises mid-read (EOFError from gzip, zlib.error,
...); the reader keeps the error, treats it as the end of the input and hands out every
byte decompressed before it, so no record read before the damage is lost.
"""

from __future__ import annotations

import logging
import re
import zlib
from typing import BinaryIO

from cleaner.io.compression import DECOMPRESSION_ERRORS

logger = logging.getLogger(__name__)

#: Errors that mean "the (decompressed) input ends here, damaged".
STREAM_ERRORS: tuple[type[BaseException], ...] = (*DECOMPRESSION_ERRORS, zlib.error)

CHUNK_SIZE = 1 << 16
_BLANK = re.compile(rb"[ \t\r\n]*")
# Compact the buffer once this many consumed bytes sit at its front.
_COMPACT_AT = 1 << 20


class ByteReader:
    """Reads a binary stream through a buffer; `offset` is the position in the stream."""

    def __init__(self, stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> None:
        # read1 returns what one decompression step produced, so data decoded before a
        # truncated gzip member reaches us before the error does.
        self._read = getattr(stream, "read1", None) or stream.read
        self._chunk_size = chunk_size
        self._buf = bytearray()
        self._pos = 0
        self._base = 0  # stream offset of self._buf[0]
        self._mark: int | None = None
        self._eof = False
        self.error: BaseException | None = None

    @property
    def offset(self) -> int:
        """How many bytes of the stream have been consumed."""
        return self._base + self._pos

    def available(self) -> int:
        """Bytes buffered and not yet consumed."""
        return len(self._buf) - self._pos

    def at_eof(self) -> bool:
        """True when every byte of the stream has been consumed."""
        return self.available() == 0 and not self._fill()

    def peek(self, size: int) -> bytes:
        """Up to `size` bytes ahead, without consuming them (fewer only at the end)."""
        while self.available() < size and self._fill():
            pass
        with memoryview(self._buf) as view:  # one copy, not two
            return bytes(view[self._pos : self._pos + size])

    def read(self, size: int) -> bytes:
        """Consume and return up to `size` bytes (fewer only at the end)."""
        data = self.peek(size)
        self._pos += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """Consume one line including its LF; at most `limit` bytes if no LF comes sooner."""
        scanned = 0  # relative to the position: compaction may move the buffer under us
        while True:
            newline = self._buf.find(b"\n", self._pos + scanned, self._pos + limit)
            if newline >= 0:
                return self.read(newline + 1 - self._pos)
            scanned = self.available()
            if scanned >= limit or not self._fill():
                return self.read(limit)

    def skip(self, size: int) -> int:
        """Consume `size` bytes without keeping them; returns how many there were."""
        self._mark = None
        skipped = 0
        while skipped < size:
            if self.available() == 0 and not self._fill():
                break
            step = min(size - skipped, self.available())
            self._pos += step
            skipped += step
        return skipped

    def skip_blank(self) -> int:
        """Consume whitespace ahead (blank lines between records); returns how much."""
        skipped = 0
        while self.available() or self._fill():
            end = _BLANK.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            skipped += end - self._pos
            self._pos = end
            if self.available():
                break
        return skipped

    def set_mark(self) -> None:
        """Remember the current position; `rewind()` returns to it."""
        self._mark = self._pos

    def rewind(self) -> bool:
        """Go back to the mark, un-consuming everything read since; False if there is none.

        `skip()` and `scan()` drop the mark: the bytes they pass over are not kept.
        """
        if self._mark is None:
            return False
        self._pos = self._mark
        return True

    def scan(self, start: re.Pattern[bytes], keep: int) -> bool:
        """Consume bytes up to the next match of `start`; False (all consumed) if none.

        `start` should match zero-width where a record begins (typically a lookahead after a
        newline) and must find a match at least one byte ahead, so scanning always moves on.
        `keep` is the longest a match can be: that much is kept between reads so a match
        cut across two chunks is still found.
        """
        self._mark = None
        while True:
            match = start.search(self._buf, self._pos)
            if match is not None:
                self._pos = match.end()
                return True
            # what cannot hold the start of a match is consumed; the rest waits for more
            self._pos = max(self._pos, len(self._buf) - keep)
            if not self._fill():
                self._pos = len(self._buf)
                return False

    def _fill(self) -> bool:
        """Append one chunk from the stream; False at the end (or on a stream error)."""
        if self._eof:
            return False
        try:
            chunk = self._read(self._chunk_size)
        except STREAM_ERRORS as exc:
            logger.debug("input stream ended with %r", exc)
            self.error = exc
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        self._compact()
        self._buf += chunk
        return True

    def _compact(self) -> None:
        """Drop consumed bytes from the front, keeping everything from the mark on."""
        keep_from = self._pos if self._mark is None else min(self._mark, self._pos)
        if keep_from >= _COMPACT_AT:
            del self._buf[:keep_from]
            self._base += keep_from
            self._pos -= keep_from
            if self._mark is not None:
                self._mark -= keep_from
