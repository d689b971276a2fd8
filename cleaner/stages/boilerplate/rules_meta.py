"""Bylines and datelines: they leave the text and become the `author` and `date` fields.

`byline` deletes the line; the stage then reads the deleted spans back with `find_byline`
(see `fields.py`), so the rule stays a pure `(text, options) -> deletions` function and the
metadata comes from exactly what was removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import blocks, line_deletion
from cleaner.stages.edits import Deletion

#: Weak bylines (a bare date, "By Kelly") are trusted only in the first blocks of a page.
TOP_BLOCKS = 5
MAX_BYLINE_CHARS = 140


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline says: an author, a raw date, or both."""

    author: str | None
    date: str | None


def _valid_name(name: str) -> str | None:
    """The name with trailing punctuation trimmed, if it reads as a person's name."""
    name = name.strip(" ,;:|-–—")
    main, _, credentials = name.partition(",")
    words = main.split()
    if not 1 <= len(words) <= 6 or not words[0][0].isupper():
        return None
    for word in words:
        if word.lower() not in pat.NAME_PARTICLES and not word[0].isupper():
            return None
    if words[-1].lower() in pat.NAME_PARTICLES:
        return None
    for cred in (c.strip() for c in credentials.split(",") if credentials):
        if not pat.CREDENTIAL.fullmatch(cred):
            return None
    return name


#: Each byline pattern, and whether it has a date in it: a date has digits, so a line without
#: one is not tried against such a pattern (every `date` group of the patterns is required).
_STRONG = tuple((r, "(?P<date>" in r.pattern) for r in pat.BYLINE_STRONG)
_ALL = _STRONG + tuple((r, "(?P<date>" in r.pattern) for r in pat.BYLINE_WEAK)
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1 << 14)
def _match(line: str, top: bool) -> Byline | None:
    """The byline a stripped line is, if any (weak patterns only near the top). A line is
    asked again in every cycle of the rules, hence the cache."""
    undated = _DIGIT.search(line) is None
    for regex, dated in _ALL if top else _STRONG:
        if dated and undated:
            continue
        found = regex.fullmatch(line)
        if not found:
            continue
        groups = found.groupdict()
        name = _valid_name(groups["name"]) if groups.get("name") else None
        if groups.get("name") and name is None:
            continue
        return Byline(name, groups.get("date"))
    return None


def find_byline(text: str, top: bool = True) -> Byline | None:
    """The first byline line in `text` (searching only its first blocks unless top=False)."""
    for i, block in enumerate(blocks(text)):
        for line in block.lines:
            stripped = line.stripped
            if len(stripped) <= MAX_BYLINE_CHARS:
                found = _match(stripped, top and i < TOP_BLOCKS)
                if found:
                    return found
    return None


def may_be_byline(line: str) -> bool:
    """Whether `line` reads as a byline at the top of a page (which any byline further down
    does too): `byline` finds nothing in a text without such a line (`registry.Rule.trigger`)."""
    stripped = line.strip()
    return len(stripped) <= MAX_BYLINE_CHARS and _match(stripped, True) is not None


def byline(text: str, opts: RuleOptions) -> list[Deletion]:
    """Byline and dateline lines ("March 1, 2019 by Kelly"); their content goes to the fields."""
    out: list[Deletion] = []
    for i, block in enumerate(blocks(text)):
        if i >= TOP_BLOCKS and len(block.lines) > 3:
            continue
        for line in block.lines:
            stripped = line.stripped
            if len(stripped) <= MAX_BYLINE_CHARS and _match(stripped, i < TOP_BLOCKS):
                out.append(line_deletion(text, line, "byline"))
    return out
