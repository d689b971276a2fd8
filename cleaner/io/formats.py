"""Which reader handles a file: by extension, overridden by content where the name lies."""

from __future__ import annotations

import re

from cleaner.io.compression import strip_compression_suffix

EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".warc": "webarchive", ".wet": "webarchive", ".wat": "webarchive", ".arc": "webarchive",
}  # fmt: skip

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_JSON_OBJECT_START = re.compile(rb"^\s*\{\s*(\"|\})")


def detect_format(name: str, head: bytes) -> str:
    """The reader for a file named `name` whose (decompressed) content starts with `head`.

    Unmistakable content wins over the name: Parquet and web-archive magic, an HTML document
    in a `.txt`. Weak signals (a line starting with `{`) only decide for unknown extensions.
    """
    head = head.removeprefix(b"\xef\xbb\xbf")
    strong = _strong_signal(head)
    if strong:
        return strong
    suffix = _suffix(strip_compression_suffix(name))
    by_name = EXTENSIONS.get(suffix)
    if by_name in ("text", "html", "jsonl"):
        return by_name
    if by_name in ("parquet", "webarchive") and head:
        return "text"  # the name promises a binary container the bytes do not hold
    if by_name:
        return by_name
    if _JSON_OBJECT_START.match(head):
        return "jsonl"
    return "text"


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
