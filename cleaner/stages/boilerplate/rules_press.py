"""Press-release furniture: wire datelines, media-contact blocks, wire footers.

A wire dateline ("BRISBANE, QUEENSLAND, AUSTRALIA, October 17, 2022 /EINPresswire.com/ --")
is cut from the sentence it prefixes and the sentence stays; its date becomes the document's
date (see `fields.py`). News datelines without a wire ("WASHINGTON (AP) —") are prose and stay.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate.phrases import SHARE_WORDS
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import (
    block_deletion,
    blocks,
    core,
    is_prose,
    lines,
)
from cleaner.stages.edits import Deletion

_WIRE_HINTS = (
    "wire", "presswire", "prweb", "prlog", "openpr", "cision", "newsfile", "cnw",
    "marketwired", "(ots)", "/ots/", "send2press", "przen", "7pressrelease", "pressepor",
)
_LINK_ONLY = re.compile(r"\[[^\]\n]+\]\([^)\n]*\)")
_DATELINE_BLOCKS = 8
_NAME_LINES = 3
#: A contact block's lines (phone, e-mail, label, name) are at most this long.
MAX_CONTACT_CHARS = 120


#: A run of blank lines: what separates two blocks (`text.blocks`).
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_HEAD = 260


def _heads_hold_a_wire(text: str) -> bool:
    """Whether the text where the first blocks' heads can lie holds a wire's name and a
    dateline's punctuation: a cheap test over that stretch alone (the rule runs again on
    every text a deletion leaves, and building the blocks of a long page costs more)."""
    # Where the last of the first blocks starts, or later: a run of blank lines before the
    # first block counts as a separator too, which can only move `last` further on.
    last = 0
    for run in islice(_BLANK_RUN.finditer(text), _DATELINE_BLOCKS):
        last = run.end()
    return _holds_a_wire(text[: last + _HEAD])


def _holds_a_wire(head: str) -> bool:
    """Whether `head` has a dateline's punctuation and a wire's name (the cheap test before
    the dateline pattern, of one block's head or of the stretch all of them lie in)."""
    if "/" not in head and "(" not in head and "--" not in head:
        return False
    head = head.lower()
    return any(hint in head for hint in _WIRE_HINTS)


def wire_dateline(text: str, opts: RuleOptions) -> list[Deletion]:
    """Wire-service datelines at the start of a paragraph (the rest of the sentence stays)."""
    if not _heads_hold_a_wire(text):
        return []
    out = []
    for block in blocks(text)[:_DATELINE_BLOCKS]:
        if not _holds_a_wire(text[block.start : block.start + _HEAD]):
            continue
        found = pat.WIRE_DATELINE.match(text, block.start, block.end)
        if found and found.end() < block.end:
            out.append((found.start(), found.end(), "wire_dateline"))
    return out


def _contact_kind(stripped: str) -> str | None:
    """'anchor' (phone, e-mail, contact label), 'link' (social/link-only line), 'name' or None,
    for a stripped line."""
    return None if len(stripped) > MAX_CONTACT_CHARS else _short_contact_kind(stripped)


@lru_cache(maxsize=1 << 14)
def _short_contact_kind(stripped: str) -> str | None:
    """`_contact_kind` of a line short enough to be one. A line is asked again in every
    cycle of the rules, hence the cache (of short lines only, so it stays small)."""
    if _is_anchor(stripped):
        return "anchor"
    key = core(stripped)
    if _LINK_ONLY.fullmatch(stripped) or pat.URL.fullmatch(stripped):
        return "link"
    if key and all(word in SHARE_WORDS for word in key.split()):
        return "link"
    return "name" if _is_name_line(stripped) else None


@lru_cache(maxsize=1 << 14)
def _is_anchor(stripped: str) -> bool:
    """Whether a stripped line of at most MAX_CONTACT_CHARS is a phone number, an e-mail address
    or a contact label (the `anchor` kind, tested alone by the trigger: most lines are not)."""
    if pat.EMAIL.fullmatch(stripped):
        return True
    if pat.PHONE.fullmatch(stripped) and sum(ch.isdigit() for ch in stripped) >= 7:
        return True
    return pat.CONTACT_LABELS.fullmatch(core(stripped)) is not None


def _is_name_line(stripped: str) -> bool:
    """A short line that can be a contact's name or company ("Elektra Magnesium", "Acme Corp.")."""
    words = stripped.split()
    if not 0 < len(words) <= 8 or is_prose(stripped) or stripped[0] in "-•*–—":
        return False
    return stripped[-1] not in ".!?:;" or words[-1].lower() in pat.COMPANY_SUFFIXES


def _contact_runs(kinds: list[str | None]) -> list[tuple[int, int]]:
    """[start, end) index ranges of contact blocks.

    A block is a stretch of contact lines with no more than _NAME_LINES name lines in a row,
    at least one anchor and two non-name lines; it reaches back over at most _NAME_LINES
    name lines before its first anchor or link, and ends on its last anchor or link.
    """
    runs = []
    solid: list[int] = []
    names = 0
    for k, kind in enumerate([*kinds, None]):
        if kind in ("anchor", "link"):
            solid.append(k)
            names = 0
            continue
        if kind == "name" and solid and names < _NAME_LINES:
            names += 1
            continue
        if len(solid) >= 2 and any(kinds[i] == "anchor" for i in solid):
            start = solid[0]
            while start > 0 and solid[0] - start < _NAME_LINES and kinds[start - 1] == "name":
                start -= 1
            runs.append((start, solid[-1] + 1))
        solid = []
        names = 0
    return runs


def may_anchor_contact(line: str) -> bool:
    """Whether `line` is a phone number, an e-mail address or a contact label: a contact
    block has one, so `press_contact` finds nothing in a text without such a line
    (`registry.Rule.trigger`)."""
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= MAX_CONTACT_CHARS and _is_anchor(stripped)


def press_contact(text: str, opts: RuleOptions) -> list[Deletion]:
    """Media-contact blocks: name, company, phone, e-mail, "Visit us on social media:", links."""
    if "@" not in text and "ontact" not in text and "ocial" not in text:
        return []
    rows = [ln for ln in lines(text) if ln.text.strip()]
    kinds = [_contact_kind(ln.stripped) for ln in rows]
    out: list[Deletion] = []
    for start, end in _contact_runs(kinds):
        out.extend((ln.start, min(ln.end + 1, len(text)), "press_contact") for ln in rows[start:end])
    return out


def may_open_wire_footer(line: str) -> bool:
    """Whether `line` can open a wire footer paragraph (it starts as one of the footers of
    `patterns.WIRE_FOOTER` does, or is a SOURCE line): `wire_footer` finds nothing in a text
    without such a line (`registry.Rule.trigger`)."""
    return pat.WIRE_FOOTER_OPENING.match(line.lower()) is not None or pat.WIRE_SOURCE_LINE.fullmatch(line.strip()) is not None


def wire_footer(text: str, opts: RuleOptions) -> list[Deletion]:
    """Wire boilerplate paragraphs: "This press release can be viewed online at", disclaimers."""
    out = []
    for block in blocks(text):
        head = text[block.start : block.start + 200].lower()
        first = block.lines[0].stripped
        if pat.WIRE_FOOTER.match(head) or pat.WIRE_SOURCE_LINE.fullmatch(first):
            out.append(block_deletion(text, block, "wire_footer"))
    return out
