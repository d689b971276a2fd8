r"""The one invariant every rule relies on: a deletion never creates a word.

Rules delete; `TextEditor` keeps the ledger. Deleting a piece can still make a word that was
not in the input: "un<b>believ</b>able" without its tags is "unbelievable", and a cut that
starts inside a word leaves a fragment. `safe_deletions` adjusts each range before it is
applied: a range that would cut a word is dropped, and a range whose neighbours would touch
keeps one whitespace character of its own (a newline if it spans lines), so "pain.<br />The"
becomes "pain. The" and a caption cut out of a sentence leaves "neuropathic\nsymptoms".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import pairwise

from cleaner.stages.edits import Deletion, merge_sorted

_WHITESPACE = re.compile(r"\s")
_SPACE_ABSORBERS = frozenset(" .,;:!?)")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def safe_deletions(text: str, deletions: Iterable[Deletion]) -> list[Deletion]:
    """The ranges adjusted so that applying them never joins, splits or truncates a word.

    The check runs on the union of all ranges (two harmless neighbours can together join
    words); the surviving pieces are then labelled again with the rule that asked for them,
    so touching deletions of different rules stay separate spans.
    """
    asked = _clip(text, deletions)
    safe: list[Deletion] = []
    for start, end, rule in merge_sorted(asked):
        safe.extend(_adjust(text, start, end, rule))
    first = asked[0][2] if asked else ""
    if all(item[2] == first for item in asked):
        return safe
    return _relabel(safe, asked)


def _clip(text: str, deletions: Iterable[Deletion]) -> list[Deletion]:
    """Ranges clipped to the text and sorted; an inline deletion takes the space before it
    when a space or punctuation follows ("See ![chart](c.png) the chart" must not become
    "See  the chart")."""
    limit = len(text)
    out = []
    for start, end, rule in deletions:
        start = max(start, 0)
        end = min(end, limit)
        if end <= start:
            continue
        if start and text[start - 1] == " " and (end == limit or text[end] in _SPACE_ABSORBERS):
            start -= 1
        out.append((start, end, rule))
    out.sort()
    return out


def _relabel(safe: list[Deletion], asked: list[Deletion]) -> list[Deletion]:
    """Cut each safe range by the requested ranges that cover it, keeping their labels."""
    out: list[Deletion] = []
    k = 0
    for start, end, _ in safe:
        pos = start
        while k < len(asked) and asked[k][1] <= pos:
            k += 1
        i = k
        while pos < end and i < len(asked) and asked[i][0] < end:
            s, e, rule = asked[i]
            if e > pos:
                piece_start = max(pos, s)
                if out and out[-1][1] == piece_start and out[-1][2] == rule:
                    out[-1] = (out[-1][0], min(end, e), rule)
                else:
                    out.append((piece_start, min(end, e), rule))
                pos = min(end, e)
            i += 1
    return out


def label_runs(deletions: list[Deletion]) -> list[list[Deletion]]:
    """Sorted deletions grouped into batches for `TextEditor.delete`, last batch first.

    The editor merges touching ranges into one span under the first rule's name, so a batch
    holds one label and no two touching ranges. Applying the batches from the end of the
    text keeps every earlier batch's offsets valid (deleting only shifts what follows).
    """
    if all(a[2] == b[2] and a[1] < b[0] for a, b in pairwise(deletions)):
        return [deletions] if deletions else []
    batches: list[list[Deletion]] = []
    for item in deletions:
        last = batches[-1][-1] if batches else None
        if last is not None and last[2] == item[2] and last[1] < item[0]:
            batches[-1].append(item)
        else:
            batches.append([item])
    batches.reverse()
    return batches


def contiguous_pieces(
    deletions: list[Deletion], original_offset: Callable[[int], int]
) -> list[Deletion]:
    """Each range cut where it spans text an earlier round already deleted.

    A span must be a contiguous piece of the stage's input; "*Caption*" with its asterisks
    gone, deleted later as one line, is two pieces of the input ("Caption" and the newline).
    """
    out: list[Deletion] = []
    for start, end, rule in deletions:
        out.extend((s, e, rule) for s, e in _split(start, end, original_offset))
    return out


def _split(start: int, end: int, original_offset: Callable[[int], int]) -> list[tuple[int, int]]:
    """`start:end` cut into runs that are contiguous in the original text, by bisection
    for each cut (a loop, not recursion: a deletion can cross thousands of earlier ones)."""
    pieces: list[tuple[int, int]] = []
    while end - start > 1 and original_offset(end - 1) - original_offset(start) != end - 1 - start:
        low, high = start, end - 1
        while high - low > 1:
            mid = (low + high) // 2
            if original_offset(mid) - original_offset(start) == mid - start:
                low = mid
            else:
                high = mid
        pieces.append((start, high))
        start = high
    pieces.append((start, end))
    return pieces


def _adjust(text: str, start: int, end: int, rule: str) -> list[Deletion]:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if _is_word(before) and _is_word(text[start]):
        return []
    if _is_word(after) and _is_word(text[end - 1]):
        return []
    if before.isspace() or after.isspace():
        return [(start, end, rule)]
    keep = _whitespace_to_keep(text, start, end)
    if keep is None:
        return [] if _is_word(before) and _is_word(after) else [(start, end, rule)]
    return [(s, e, rule) for s, e in ((start, keep), (keep + 1, end)) if e > s]


def _whitespace_to_keep(text: str, start: int, end: int) -> int | None:
    """Offset of the whitespace character to leave between the neighbours, if any."""
    newline = text.find("\n", start, end)
    if newline >= 0:
        return newline
    found = _WHITESPACE.search(text, start, end)
    return found.start() if found else None
