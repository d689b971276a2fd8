"""Passage units: the pieces of a document that passage dedup compares and removes.

A unit never crosses a line break (a line is a paragraph in extracted text). Each line is
cut into sentences after `.`, `!`, `?` or `…` (plus closing quotes or brackets) followed by
white space (`kernels.pieces`, in C). Every sentence of at least `min_words` words starts a
unit; shorter sentences ("Thanks!", the "Dr." of an abbreviation split) join the unit
before them on the same line, or the first unit of the line when they lead it; a line without any long sentence is one
unit when it has `min_words` words in total (a footer of short sentences). A sentence
longer than `max_words` words is cut into chunks of `max_words` words, which keeps
verification cost bounded. So units partition the text that matters without overlapping:
a sentence repeated inside a longer paragraph is a unit of its own, and a paragraph
repeated whole is a run of repeated units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleaner.dedup import kernels


@dataclass(slots=True)
class Units:
    """The units of a batch of texts, in text order, then position order.

    Unit u lies at `text[start[u]:end[u]]` of text `doc[u]` and its word hashes (uint64)
    are `words[word_start[u]:word_start[u] + word_count[u]]`.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    word_start: np.ndarray
    word_count: np.ndarray
    words: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)


def split_units(texts: list[str], min_words: int, max_words: int) -> Units:
    """Units of every text (see the module docstring), with their word hashes."""
    p = kernels.pieces(texts, max_words)
    return _group(p.doc, p.start, p.end, p.line_first, p.offsets, p.words, min_words)


def _group(doc: np.ndarray, start: np.ndarray, end: np.ndarray, line_first: np.ndarray, offsets: np.ndarray,
           words: np.ndarray, min_words: int) -> Units:
    """Merge sentence pieces into units, vectorised over the batch."""
    count = np.diff(offsets)
    if len(count) == 0:
        e = np.zeros(0, np.int64)
        return Units(e, e, e, e, e, np.zeros(0, np.uint64))
    line = np.cumsum(line_first) - 1
    long = count >= min_words
    longs_so_far = np.cumsum(long)
    line_base = np.concatenate(([0], longs_so_far))[np.flatnonzero(line_first)][line]
    unit_first = line_first | (long & (longs_so_far - line_base > 1))
    unit = np.cumsum(unit_first) - 1
    firsts = np.flatnonzero(unit_first)
    lasts = np.concatenate((firsts[1:], [len(count)])) - 1
    total = np.bincount(unit, weights=count, minlength=len(firsts)).astype(np.int64)
    keep = total >= min_words
    firsts, lasts, total = firsts[keep], lasts[keep], total[keep]
    return Units(doc=doc[firsts], start=start[firsts], end=end[lasts], word_start=offsets[firsts],
                 word_count=total, words=words)
