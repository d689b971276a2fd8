"""Word-level differences between two texts, for highlighting in the terminal."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of text and what happened to it: `same`, `removed` (only in a) or `added` (only in b)."""

    kind: str
    text: str


def word_diff(a: str, b: str) -> list[Piece]:
    """The pieces of `a` and `b` in reading order, whitespace kept."""
    ta, tb = _TOKENS.findall(a), _TOKENS.findall(b)
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(ta[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(tb[j1:j2])))
    return pieces


def elide(pieces: list[Piece], context: int = 120) -> list[Piece]:
    """Shorten long unchanged runs to their ends, so differences in long texts stand out."""
    out: list[Piece] = []
    for index, piece in enumerate(pieces):
        if piece.kind != "same" or len(piece.text) <= 2 * context + 5:
            out.append(piece)
            continue
        first, last = index == 0, index == len(pieces) - 1
        # keep the text next to a difference; an identical text (one piece) keeps its start
        head = piece.text[:context] if not first or last else ""
        tail = piece.text[-context:] if not last else ""
        # no strip(): the whitespace at the ends separates this run from the changed words
        out.append(Piece("same", (f"{head} " if head else "") + "…" + (f" {tail}" if tail else "")))
    return out
