"""Text fields made valid Unicode at the reader boundary.

Python strings can hold lone UTF-16 surrogates (U+D800-U+DFFF) that no UTF-8 can encode:
JSON escapes them (`"\\udc80"`, which is what `json.dumps` writes for text decoded with
`surrogateescape`), and `json.loads` hands them back as they are. Arrow refuses such a
string when the row is written, whichever field holds it, so the whole run would fail at
the end. They are replaced by U+FFFD when the record is read, everywhere in the record
(text, id, url, title, author, every extra field and key), and counted; nothing else in
the record changes.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a JSON line must contain to hold a surrogate at all: a \u escape of D800-DFFF
#: (strict UTF-8 decoding of the line refuses surrogates spelt as bytes).
_JSON_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")

REPLACEMENT = "\ufffd"


def json_may_hold_surrogates(line: str) -> bool:
    """Whether the JSON text `line` could decode to a string with a surrogate (cheap test)."""
    return "\\u" in line and _JSON_SURROGATE_ESCAPE.search(line) is not None


def replace_surrogates(value: Any) -> tuple[Any, int]:
    """`value` (a str, or lists and dicts of them as JSON decodes) with every lone surrogate
    replaced by U+FFFD, and how many were replaced. Containers are rebuilt only when one of
    their strings changed; nesting is walked with a stack, never by recursion (JSON may nest
    as deep as the parser allowed)."""
    if isinstance(value, str):
        return _SURROGATE.subn(REPLACEMENT, value)
    if not isinstance(value, (list, dict)):
        return value, 0
    root = [value]
    replaced = 0
    stack: list[tuple[list | dict, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            fixed, n = _SURROGATE.subn(REPLACEMENT, item)
            if n:
                container[key] = fixed
                replaced += n
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            replaced += _fix_keys(item)
            stack.extend((item, k) for k in item)
    return root[0], replaced


def _fix_keys(mapping: dict) -> int:
    """Replace surrogates in the keys of `mapping` in place (keeping the order of keys)."""
    if not any(isinstance(k, str) and _SURROGATE.search(k) for k in mapping):
        return 0
    replaced = 0
    items = list(mapping.items())
    mapping.clear()
    for key, item in items:
        if isinstance(key, str):
            key, n = _SURROGATE.subn(REPLACEMENT, key)
            replaced += n
        mapping[key] = item
    return replaced


def printable(text: str) -> str:
    """`text` that UTF-8 can encode, for messages: surrogates become `\\udcxx` escapes."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
