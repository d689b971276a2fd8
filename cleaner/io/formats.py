"""Which reader handles a file: by extension, overridden by content where the name lies."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cleaner.io.compression import strip_compression_suffix

if TYPE_CHECKING:
    from cleaner.io.readers.registry import Reader

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_JSON_OBJECT_START = re.compile(rb"^\s*\{\s*(\"|\})")


def detect_format(name: str, head: bytes, readers: Sequence[Reader]) -> Reader:
    """The reader among `readers` for a file named `name` whose (decompressed) content
    starts with `head`; `readers` holds the built-in `text`, `html`, `jsonl`, `parquet` and
    `webarchive` readers.

    Unmistakable content wins over the name: Parquet and web-archive magic, an HTML document
    in a `.txt`. Weak signals (a line starting with `{`) only decide for unknown extensions.
    """
    by_format = {reader.name: reader for reader in readers}
    head = head.removeprefix(b"\xef\xbb\xbf")
    strong = _strong_signal(head)
    if strong:
        return by_format[strong]
    suffix = _suffix(strip_compression_suffix(name))
    by_name = next((reader for reader in readers if suffix in reader.extensions), None)
    if by_name is not None and by_name.container and head:
        return by_format["text"]  # the name promises a binary container the bytes do not hold
    if by_name is not None:
        return by_name
    if _JSON_OBJECT_START.match(head):
        return by_format["jsonl"]
    return by_format["text"]


def _strong_signal(head: bytes) -> str | None:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"WARC/") or head.startswith(b"filedesc://"):
        return "webarchive"
    if _HTML_START.match(head[:4096]):
        return "html"
    return None


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
