"""File names that are not valid UTF-8, written reversibly.

Linux file names are bytes; scraped dumps hold names in latin-1 (`latin1_\\xe9\\xe8.txt`) and
worse. Python hands such a name over with each undecodable byte as a surrogate code point
(`surrogateescape`), which Parquet cannot store, and the name is the `source` column and
part of every positional id. So a name with undecodable bytes is written with each such
byte as `\\xHH` and each backslash as `\\\\`: valid UTF-8, readable, and reversible with
`unescape_name`. Names that are valid UTF-8, the normal case, are written as they are.

Only a valid name that is itself spelt like an escape (a literal `\\xe9` in it) can be
confused with one, so `input_path` looks for the literal name first.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The code points `surrogateescape` gives undecodable bytes 0x80-0xFF.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_ESCAPE = re.compile(r"\\(\\|x[89a-f][0-9a-f])")


def escape_name(name: str) -> str:
    """`name` (as `os` gives it) in valid UTF-8; unchanged unless it has undecodable bytes."""
    if _ESCAPED_BYTE.search(name) is None:
        return name
    return _ESCAPED_BYTE.sub(_byte_escape, name.replace("\\", "\\\\"))


def unescape_name(source: str) -> str:
    """The name `escape_name` was given (undecodable bytes back as surrogate escapes)."""
    return _ESCAPE.sub(_unescape, source)


def input_path(root: Path, source: str) -> Path:
    """The input file a `source` column names, below the input folder `root`."""
    literal = root / source
    if literal.exists() or "\\" not in source:
        return literal
    return root / unescape_name(source)


def _byte_escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()) - 0xDC00:02x}"


def _unescape(match: re.Match[str]) -> str:
    body = match.group(1)
    return "\\" if body == "\\" else chr(0xDC00 + int(body[1:], 16))
