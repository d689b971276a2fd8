"""Read-only views of a text that the rules share: lines, blocks and line shapes.

Rules are pure functions of the current text, and most of them look at the same lines and
blank-line separated blocks. The views are cached by text (`lru_cache`; a `str` caches its
own hash), so ten rules asking for the lines of one text split it once, and a text of one
long line (a typical review or comment) costs the line rules almost nothing: they only ever
look at `short_lines`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

from cleaner.stages.edits import Deletion

#: Lines longer than this are prose: no chrome, byline or header rule looks at them.
SHORT_LINE = 200

_LETTER_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_DECOR = " \t\u00a0»«›‹→←|•·*-–—>:.…!()[]{}#"
_MD_LINK_LINE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_TERMINAL = ".!,;:…"


class Line(NamedTuple):
    """One line: `start` is its first character, `end` the offset of its newline.

    A named tuple rather than a frozen dataclass (so is `Block`): every text a deletion
    leaves is split into all its lines and blocks again, and a tuple is built faster.
    """

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        """The line without surrounding whitespace."""
        return self.text.strip()


class Block(NamedTuple):
    """Consecutive non-blank lines; `gap_before`/`gap_after` count the blank lines around;
    `text` is the lines joined by newlines (the block's slice of the page)."""

    start: int
    end: int
    lines: tuple[Line, ...]
    gap_before: int
    gap_after: int
    text: str


@lru_cache(maxsize=16)
def lines(text: str) -> tuple[Line, ...]:
    """All lines of `text` with their offsets.

    Built without a Python-level call per line (`tuple.__new__` is what `Line._make` does):
    every text a deletion leaves is split again, all of it.
    """
    pieces = text.split("\n")
    lengths = list(map(len, pieces))
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    return tuple(map(tuple.__new__, repeat(Line), zip(starts, map(add, starts, lengths), pieces)))


@lru_cache(maxsize=16)
def short_lines(text: str) -> tuple[Line, ...]:
    """Non-blank lines of at most SHORT_LINE characters: the only candidates for chrome."""
    if "\n" not in text and len(text) > SHORT_LINE:
        return ()
    return tuple(ln for ln in lines(text) if ln.text.strip() and len(ln.text) <= SHORT_LINE)


def has_short_line(text: str) -> bool:
    """Whether `short_lines(text)` is not empty, found without building it: the stage asks
    of every text a deletion leaves, and the first line of most pages already answers."""
    pos, size = 0, len(text)
    while pos <= size:
        end = text.find("\n", pos)
        if end < 0:
            end = size
        if 0 < end - pos <= SHORT_LINE and not text[pos:end].isspace():
            return True
        pos = end + 1
    return False


@lru_cache(maxsize=16)
def nonblank_lines(text: str) -> tuple[Line, ...]:
    """Every line with some text on it: the paragraphs of a page that uses single newlines."""
    if "\n" not in text:
        return (Line(0, len(text), text),) if text.strip() else ()
    return tuple(ln for ln in lines(text) if ln.text.strip())


@lru_cache(maxsize=16)
def blocks(text: str) -> tuple[Block, ...]:
    """Blank-line separated blocks, each with the size of the gaps around it."""
    if "\n" not in text:
        return (Block(0, len(text), (Line(0, len(text), text),), 0, 0, text),) if text.strip() else ()
    runs: list[tuple[list[Line], int]] = []  # each block's lines and the blank lines before it
    blank = 0
    for line in lines(text):
        if not line.text.strip():
            blank += 1
        elif blank or not runs:
            runs.append(([line], blank))
            blank = 0
        else:
            runs[-1][0].append(line)
    out = []
    for k, (group, gap) in enumerate(runs):
        after = runs[k + 1][1] if k + 1 < len(runs) else blank
        start, end = group[0].start, group[-1].end
        out.append(Block(start, end, tuple(group), gap, after, text[start:end]))
    return tuple(out)


def line_deletion(text: str, line: Line, rule: str) -> Deletion:
    """Delete a whole line with its newline, so no blank line is left in its place."""
    return (line.start, min(line.end + 1, len(text)), rule)


def block_deletion(text: str, block: Block, rule: str) -> Deletion:
    """Delete a whole block with its trailing newline."""
    return (block.start, min(block.end + 1, len(text)), rule)


@lru_cache(maxsize=1 << 16)
def core(line: str) -> str:
    """A line reduced to its words: decoration and a wrapping markdown link stripped, lowercased.

    "» Read more …", "[Read more](https://x)" and "Read more:" all become "read more".
    """
    text = line.strip()
    if text.startswith("[") or text.startswith("!["):
        text = _MD_LINK_LINE.sub(r"\1", text)
    return " ".join(text.strip(_DECOR).lower().split())


def approx_words(text: str) -> int:
    """Word count estimated from separators: cheap enough for size limits on every block."""
    return text.count(" ") + text.count("\n") + 1


def is_heading(text: str, max_words: int = 15) -> bool:
    """Looks like a heading: one short line that starts with a capital or digit, no full stop."""
    text = text.strip()
    if not text or "\n" in text or len(text) > 120 or text[-1] in _TERMINAL:
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    return 1 <= len(text.split()) <= max_words


def is_prose(text: str) -> bool:
    """Running text rather than a label: many words, or several with a sentence break inside."""
    count = len(text.split())
    return count >= 15 or (count >= 8 and any(p in text for p in ".,;:"))


def ends_mid_sentence(text: str) -> bool:
    """The block stops on a word after ten words or more, as when an image cut a sentence."""
    text = text.rstrip()
    return bool(text) and text[-1].isalpha() and (is_prose(text) or len(text.split()) >= 10)


def starts_lowercase(text: str) -> bool:
    """Begins with an all-lowercase word: the continuation of a sentence, not a new one."""
    found = _LETTER_WORD.match(text.lstrip())
    return found is not None and found.group(0).islower()


def letter_words(text: str) -> list[str]:
    """Words made of letters (digits and underscores excluded)."""
    return _LETTER_WORD.findall(text)
