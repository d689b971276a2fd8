"""Deletion bookkeeping for transforms.

Transforms in this project only ever delete text (a replacement such as `[text](#)` ->
`text` is two deletions), which guarantees they never add a word. `TextEditor` applies
successive rounds of deletions and maps each deleted piece back to its offset in the text the
stage received, which is what spans.parquet reports.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from cleaner.document import Span

#: A deletion request: (start, end, rule) in the editor's *current* text.
Deletion = tuple[int, int, str]

#: A match starts only where a run of blanks starts (the lookbehind after the first blank).
#: Without that, a long run followed by text, not a newline, is tried from every position
#: inside it, each try scanning to the run's end: quadratic in the run's length (the
#: pathological-line tests feed such runs). The blank comes first so that the regex engine
#: can still skip to candidate positions quickly, which a leading lookbehind prevents.
_TRAILING_SPACE = re.compile(r"[ \t\u00a0](?<![ \t\u00a0]{2})[ \t\u00a0]*(?=\n|$)")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


class TextEditor:
    """A text plus the ledger of what was deleted from it, in original coordinates.

    `segments` maps the current text onto the original: each entry is
    (current_start, original_start, length) for a run of surviving characters.
    """

    def __init__(self, text: str, stage: str) -> None:
        self.original = text
        self.text = text
        self.stage = stage
        self.spans: list[Span] = []
        self._cur_starts = [0]
        self._segments = [(0, 0, len(text))]

    def original_offset(self, pos: int) -> int:
        """Offset in the original text of current position `pos`."""
        i = bisect.bisect_right(self._cur_starts, pos) - 1
        cur, orig, length = self._segments[max(i, 0)]
        if pos - cur > length and i + 1 < len(self._segments):
            return self._segments[i + 1][1]
        return orig + (pos - cur)

    def current_offset(self, original: int) -> int:
        """Where original offset `original` is in the current text: the position of its
        character, or, when that was deleted, of the first surviving one after it."""
        for cur, orig, length in self._segments:
            if original < orig + length:
                return cur + max(0, original - orig)
        return len(self.text)

    def surviving(self, start: int, end: int) -> str:
        """What is left in the current text of the original range [start, end).

        Lets a caller read a line of the input as the deletions left it (a Markdown heading
        without its `#` markers, a line without its link markup).
        """
        return "".join(self.text[lo:hi] for lo, hi in self.surviving_ranges([(start, end)])[0])

    def delete(self, deletions: Iterable[Deletion], record: bool = True) -> int:
        """Delete the given ranges of the current text; return how many characters went.

        Overlapping or adjacent ranges are merged (the first rule named wins). With
        `record=False` the deletion is not reported as a span (whitespace tidying).
        """
        merged = _merge(deletions, len(self.text))
        if not merged:
            return 0
        if record:
            self._record(merged)
        self._rebuild(merged)
        return sum(end - start for start, end, _ in merged)

    def delete_batches(self, batches: Iterable[list[Deletion]]) -> int:
        """`delete` of each batch in turn, with one rebuild of the text at the end.

        Each batch must lie wholly before the batches given ahead of it (touching allowed),
        as `guard.label_runs` orders them: deleting those first would not move its offsets,
        so recording its spans before anything is deleted gives the same spans, in the same
        order, as one `delete` per batch, while the text and its segment map are rebuilt
        once instead of once per batch (a line whose link markup went earlier is many
        touching pieces of the input, each a batch of its own).
        """
        merged_all: list[Deletion] = []
        for batch in batches:
            merged = _merge(batch, len(self.text))
            self._record(merged)
            merged_all.extend(merged)
        if merged_all:
            self._rebuild(merge_sorted(sorted(merged_all)))
        return sum(end - start for start, end, _ in merged_all)

    def _record(self, merged: list[Deletion]) -> None:
        """Report each merged range of the current text as a span, at its original offset."""
        for start, end, rule in merged:
            self.spans.append(Span(self.stage, rule, self.original_offset(start), self.text[start:end]))

    def delete_scored(self, ranges: Iterable[tuple[int, int, str, float]]) -> int:
        """Delete ranges of the current text, each reported as a span carrying its score.

        For scored decisions (the line model): ranges must not overlap; touching ranges stay
        separate spans, each with its own score.
        """
        ordered = sorted((s, e, rule, score) for s, e, rule, score in ranges if e > s)
        if not ordered:
            return 0
        for (_, end, _, _), (start, _, _, _) in zip(ordered, ordered[1:]):
            if start < end:
                raise ValueError("scored deletions overlap")
        for start, end, rule, score in ordered:
            span = Span(self.stage, rule, self.original_offset(start), self.text[start:end], score=score)
            self.spans.append(span)
        self._rebuild(merge_sorted([(s, e, rule) for s, e, rule, _ in ordered]))
        return sum(e - s for s, e, _, _ in ordered)

    def surviving_ranges(self, ranges: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        """For each sorted, disjoint range of the original text, the ranges of the current
        text that came from it (one sweep over both)."""
        out: list[list[tuple[int, int]]] = []
        segments = self._segments
        k = max(bisect.bisect_right(segments, ranges[0][0], key=lambda seg: seg[1]) - 1, 0) if ranges else 0
        for start, end in ranges:
            pieces = []
            while k < len(segments) and segments[k][1] + segments[k][2] <= start:
                k += 1
            j = k
            while j < len(segments) and segments[j][1] < end:
                cur, orig, length = segments[j]
                lo, hi = max(orig, start), min(orig + length, end)
                if lo < hi:
                    pieces.append((cur + lo - orig, cur + hi - orig))
                j += 1
            out.append(pieces)
        return out

    def tidy(self) -> None:
        """Remove trailing spaces and collapse runs of blank lines left by deletions.

        Whitespace is not content, so these deletions are not reported as spans.
        """
        dels = [(m.start(), m.end(), "whitespace") for m in _TRAILING_SPACE.finditer(self.text)]
        self.delete(dels, record=False)
        dels = [(m.start() + 2, m.end(), "whitespace") for m in _EXTRA_BLANK_LINES.finditer(self.text)]
        self.delete(dels, record=False)
        lead = len(self.text) - len(self.text.lstrip())
        trail = len(self.text.rstrip())
        self.delete([(0, lead, "whitespace"), (trail, len(self.text), "whitespace")], record=False)

    def _rebuild(self, merged: list[Deletion]) -> None:
        keep: list[tuple[int, int]] = []
        pos = 0
        for start, end, _ in merged:
            if start > pos:
                keep.append((pos, start))
            pos = end
        if pos < len(self.text):
            keep.append((pos, len(self.text)))
        segments: list[tuple[int, int, int]] = []
        cur = 0
        for start, end in keep:
            segments.extend(self._map_range(start, end, cur))
            cur += end - start
        self.text = "".join(self.text[s:e] for s, e in keep)
        self._segments = segments or [(0, len(self.original), 0)]
        self._cur_starts = [seg[0] for seg in self._segments]

    def _map_range(self, start: int, end: int, new_cur: int) -> list[tuple[int, int, int]]:
        """Original-coordinate segments covering current range [start, end), from `new_cur` on.

        Only the first and the last segment can stick out of the range; those in between are
        moved whole, in one comprehension (after many small deletions a page has thousands
        of segments, and every deletion maps them all again).
        """
        first = max(bisect.bisect_right(self._cur_starts, start) - 1, 0)
        stop = bisect.bisect_left(self._cur_starts, end, lo=first)
        inside = self._segments[first:stop]
        shift = new_cur - start

        def clipped(cur: int, orig: int, length: int) -> list[tuple[int, int, int]]:
            lo, hi = max(cur, start), min(cur + length, end)
            return [(lo + shift, orig + lo - cur, hi - lo)] if hi > lo else []

        if len(inside) == 1:
            return clipped(*inside[0])
        middle = [(cur + shift, orig, length) for cur, orig, length in inside[1:-1] if length]
        return clipped(*inside[0]) + middle + clipped(*inside[-1])


def _merge(deletions: Iterable[Deletion], limit: int) -> list[Deletion]:
    """Sort, clip and merge overlapping deletion ranges."""
    clipped = ((max(0, s), min(limit, e), r) for s, e, r in deletions if e > s)
    return merge_sorted(sorted(d for d in clipped if d[0] < d[1]))


def merge_sorted(items: list[Deletion]) -> list[Deletion]:
    """Merge sorted, overlapping or touching ranges (the first rule named wins)."""
    merged: list[Deletion] = []
    for start, end, rule in items:
        if merged and start <= merged[-1][1]:
            prev_start, prev_end, prev_rule = merged[-1]
            merged[-1] = (prev_start, max(prev_end, end), prev_rule)
        else:
            merged.append((start, end, rule))
    return merged
