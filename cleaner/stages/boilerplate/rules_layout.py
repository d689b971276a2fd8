"""Layout leftovers of images: captions, alt text, and sentences an image cut in two.

Extractors drop the image and keep its caption or alt text as a paragraph of its own, often
in the middle of the sentence the image interrupted:

    ... has been shown to reduce neuropathic          <- block ends mid-sentence
    A relaxing magnesium footsoak will boost ...      <- caption(s)
    symptoms and help people ...                      <- continuation, lowercase

Deleting the captions and the blank lines around them rejoins the sentence; the deletion
keeps one newline of its own (see `guard.py`), the only separator a deletion can leave.
"""

from __future__ import annotations

import re
from itertools import pairwise

from cleaner.lang.profiles import ALL_STOPWORDS as STOPWORDS
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import (
    Block,
    block_deletion,
    blocks,
    ends_mid_sentence,
    is_heading,
    is_prose,
    letter_words,
    starts_lowercase,
)
from cleaner.stages.edits import Deletion

MAX_CAPTION_WORDS = 30
MIN_RESTATED_WORDS = 8
MAX_CAPTIONS = 3
#: Share of a caption's word pairs that must occur elsewhere for it to count as a restatement.
RESTATED = 0.6
_QUOTES = "\"“”„«»"
_OPENING = "“„«"
_CLOSING = "”»"
_URL_START = re.compile(r"https?:|www\.|ftp:")
_LOWER_PHRASE = re.compile(r"[^\W\d_]+(?:[ -][^\W\d_]+){1,7}")


def _is_caption(block: Block) -> bool:
    """One line of plain words that starts with a capital (not a table row or a list)."""
    first = block.lines[0].stripped
    opening = first.lstrip(_QUOTES)[:1]
    words = first.split()
    if len(block.lines) != 1 or not opening.isupper() or len(words) > MAX_CAPTION_WORDS:
        return False
    if "\t" in first or "  " in first or "\u00a0" in first:
        return False
    return sum(1 for w in words if any(ch.isalpha() for ch in w)) * 10 >= len(words) * 8


def _rejoin_after(found: tuple[Block, ...], i: int) -> int | None:
    """Index of the block that continues block i's cut sentence, if one follows soon."""
    if not ends_mid_sentence(found[i].lines[-1].text):
        return None
    for j in range(i + 1, min(i + 2 + MAX_CAPTIONS, len(found))):
        text = found[j].text
        if starts_lowercase(text) and is_prose(text) and not _URL_START.match(text):
            return j
        if not _is_caption(found[j]):
            return None
    return None


def rejoin(text: str, opts: RuleOptions) -> list[Deletion]:
    """Sentences cut by an image: the captions in between go and the two halves meet again."""
    found = blocks(text)
    out: list[Deletion] = []
    for i in range(len(found) - 1):
        j = _rejoin_after(found, i)
        if j is not None:
            out.append((found[i].end, found[j].start, "rejoin"))
    return out


def _pairs(text: str) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs, except those of two function words ("of the")."""
    words = [w.lower() for w in letter_words(text)]
    return frozenset(p for p in pairwise(words) if p[0] not in STOPWORDS or p[1] not in STOPWORDS)


class _RecentPairs:
    """`_pairs` of the blocks of the last page asked about, kept for the next one.

    The rules run again on a text that differs from the last by a few deletions, so most of
    its blocks are the same; only one page's blocks are kept, so the memory is one page's.
    """

    def __init__(self) -> None:
        self._last: dict[str, frozenset[tuple[str, str]]] = {}

    def of(self, found: tuple[Block, ...]) -> list[frozenset[tuple[str, str]]]:
        """The word pairs of each block."""
        last = self._last
        current: dict[str, frozenset[tuple[str, str]]] = {}
        out = []
        for block in found:
            pairs = current.get(block.text)
            if pairs is None:
                pairs = last.get(block.text)
                if pairs is None:
                    pairs = _pairs(block.text)
                current[block.text] = pairs
            out.append(pairs)
        self._last = current
        return out


_RECENT_PAIRS = _RecentPairs()

#: Word pair -> (index, word count) of each block it occurs in, in block order.
PairIndex = dict[tuple[str, str], list[tuple[int, int]]]


def _pair_index(found: tuple[Block, ...], wanted: frozenset[tuple[str, str]]) -> PairIndex:
    """Where each of the `wanted` word pairs occurs: worked out once per page, not once for
    each caption (a page of many blocks has many captions to check)."""
    index: PairIndex = {}
    for k, pairs in enumerate(_RECENT_PAIRS.of(found)):
        shared = pairs & wanted
        if shared:
            words = len(found[k].text.split())
            for pair in shared:
                index.setdefault(pair, []).append((k, words))
    return index


def _restated(index: PairIndex, i: int, line: str) -> bool:
    """Most of the line's word pairs occur in earlier or longer blocks than block i.

    Comparing only with those keeps the source: of two blocks restating each other, the
    longer (or, at equal length, the first) stays.
    """
    own = _pairs(line)
    size = len(line.split())
    shared = sum(
        1 for pair in own if any(k < i or (k > i and words > size) for k, words in index.get(pair, ()))
    )
    return bool(own) and shared / len(own) >= RESTATED


def _is_quotation(line: str) -> bool:
    """A whole line in quotation marks, or one whose opening mark was split off by the layout."""
    marks = sum(line.count(q) for q in _QUOTES)
    if (line[0] in _OPENING and line[-1] in _CLOSING) or (line[0] == line[-1] == '"'):
        return marks == 2
    return line[-1] in _CLOSING + '"' and marks == 1


def _is_attribution(block: Block) -> bool:
    """A source line under a pull quote: "National Library of Medicine study", "— Jane Doe"."""
    line = block.text.strip()
    return len(block.lines) == 1 and len(line.split()) <= 8 and line[-1] not in ".!?:;"


def _caption_candidates(found: tuple[Block, ...]) -> list[tuple[int, str, bool]]:
    """(index, text without quotation marks, quoted) of each block that has the shape of a
    caption set apart, or of a pull quote, and so must be checked for a restatement."""
    airy = sorted(b.gap_before for b in found[1:])[(len(found) - 1) // 2] <= 1
    out = []
    for i, block in enumerate(found[1:], start=1):
        line = block.text.strip()
        bare = line.strip(_QUOTES)
        if not bare or bare[-1] not in ".!" or not _is_caption(block):
            continue
        if len(bare.split()) < MIN_RESTATED_WORDS:
            continue
        quoted = _is_quotation(line)
        apart = airy and max(block.gap_before, block.gap_after) >= 2
        if not quoted and (not apart or any(q in line for q in _QUOTES)):
            continue
        out.append((i, bare, quoted))
    return out


def captions(text: str, opts: RuleOptions) -> list[Deletion]:
    """Captions and pull quotes that restate a sentence of the article.

    A caption must be set apart by extra blank lines (in a page whose paragraphs are
    separated by one) and contain no quotation; a pull quote is in quotation marks and may
    carry an attribution line, which goes with it.
    """
    found = blocks(text)
    if len(found) < 3:
        return []
    candidates = _caption_candidates(found)
    if not candidates:
        return []
    index = _pair_index(found, frozenset().union(*(_pairs(bare) for _, bare, _ in candidates)))
    out: list[Deletion] = []
    for i, bare, quoted in candidates:
        if _restated(index, i, bare):
            out.append(block_deletion(text, found[i], "captions"))
            if quoted and i + 1 < len(found) and _is_attribution(found[i + 1]):
                out.append(block_deletion(text, found[i + 1], "captions"))
    return out


def alt_text(text: str, opts: RuleOptions) -> list[Deletion]:
    """Keyword lines left by image alt text: "magnesium chloride neuropathy pain".

    A lowercase phrase of 3-8 words standing alone between a heading or paragraph and a
    paragraph, with most of its words used elsewhere in the page (alt text is stuffed with
    the page's keywords); an ingredient or list line sits among other short lines instead.
    """
    found = blocks(text)
    if len(found) < 3:
        return []
    out: list[Deletion] = []
    for i in range(1, len(found) - 1):
        block, before, after = found[i], found[i - 1].text.strip(), found[i + 1].text
        line = block.text
        if len(block.lines) != 1 or not _LOWER_PHRASE.fullmatch(line) or not line.islower():
            continue
        if len(line.split()) < 3 or not is_prose(after) or before.endswith(":"):
            continue
        if ends_mid_sentence(before) or not (is_prose(before) or is_heading(before)):
            continue
        words = line.split()
        rest = " ".join(b.text for k, b in enumerate(found) if k != i).lower()
        if sum(w in rest for w in words) * 2 >= len(words):
            out.append(block_deletion(text, block, "alt_text"))
    return out
