"""Listings and furniture that real pages repeat around content, whatever the site.

- `taxonomy`: a post's category and tag lines ("Posted in Health | Tagged a, b, c");
- `count_lists`: category and archive counts ("Sexual Health (179)" in a run of such lines,
  "Archives Select Month February 2020 (4) January 2020 (4) ...");
- `stats_rows`: rows of forum or product statistics ("• Risposte: 0 • Visite: 1,318");
- `follow_calls`: calls to follow the site on social networks;
- `edit_markers`: Wikipedia's "[edit]" markers after headings (the heading stays);
- `nav_rows`: one-line navigation rows of short items ("Physics · Chemistry · Biology").

Each decides on the shape of a whole line (or a marker), so a sentence that mentions a
category or a count is never touched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleaner.lang.profiles import ALL_STOPWORDS
from cleaner.stages.boilerplate import patterns_listing as pl
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import SHORT_LINE, Line, line_deletion, short_lines
from cleaner.stages.edits import Deletion

_TERMINAL = (".", "!", "?", "…")
_DECOR = " \t\u00a0•·*-–—|>»:"
#: A run of this many label-and-count lines is a category or archive list.
MIN_COUNT_RUN = 3
#: A single line with this many counts is an archive or category widget flattened.
MIN_COUNTS_IN_LINE = 3
#: What every "Label: number" pair (`patterns_listing.STAT_PAIR`) holds: a cheap test first.
_COLON_NUMBER = re.compile(r":\s?\d")


def _stripped(line: Line) -> str:
    return line.text.strip(_DECOR)


def taxonomy(text: str, opts: RuleOptions) -> list[Deletion]:
    """Category and tag lines: a taxonomy label, then a list (no sentence).

    A one-word label must be followed by a colon or by a list ("Tags: a", "Tags a, b"), so
    a heading such as "Category 5 Hurricanes" stays.
    """
    out = []
    for line in short_lines(text):
        body = _stripped(line)
        match = pl.TAXONOMY_START.match(body)
        if match is None or body.endswith(_TERMINAL) or len(body.split()) > 40:
            continue
        if match.group(2) or " " in match.group(1) or "," in body or "|" in body:
            out.append(line_deletion(text, line, "taxonomy"))
    return out


@lru_cache(maxsize=1 << 14)
def _is_label_count(body: str) -> bool:
    """A short "Label (count)" line. `count_lists` asks again in every cycle of the rules
    (it is not a per-line rule: it looks for runs), hence the cache."""
    match = pl.LABEL_COUNT.fullmatch(body)
    return match is not None and len(body.split()) <= 8 and not body.endswith(_TERMINAL)


def count_lists(text: str, opts: RuleOptions) -> list[Deletion]:
    """Runs of "Label (count)" lines, and single lines holding many counts."""
    out: list[Deletion] = []
    run: list[Line] = []
    for line in [*short_lines(text), None]:
        body = _stripped(line) if line is not None else ""
        if line is not None and _is_label_count(body):
            run.append(line)
            continue
        if len(run) >= MIN_COUNT_RUN and not all(pl.YEAR_COUNT.search(r.text) for r in run):
            out.extend(line_deletion(text, r, "count_lists") for r in run)
        run = []
        if line is not None and _many_counts(body):
            out.append(line_deletion(text, line, "count_lists"))
    return out


@lru_cache(maxsize=1 << 14)
def _many_counts(body: str) -> bool:
    """A line holding many counts that are not years (cached as `_is_label_count`)."""
    counts = pl.COUNT.findall(body)
    if len(counts) < MIN_COUNTS_IN_LINE or body.endswith(_TERMINAL):
        return False
    if all(pl.YEAR_COUNT.fullmatch(c) for c in counts):
        return False
    return len(body.split()) <= 6 * len(counts)


def may_count(line: str) -> bool:
    """Whether `line` is a "Label (count)" line or holds many counts: `count_lists` finds
    nothing in a text without such a line (`registry.Rule.trigger`)."""
    if "(" not in line or len(line) > SHORT_LINE or not line.strip():
        return False  # every count is in parentheses (`patterns_listing.COUNT`)
    body = line.strip(_DECOR)
    return _is_label_count(body) or _many_counts(body)


def stats_rows(text: str, opts: RuleOptions) -> list[Deletion]:
    """Lines made only of two or more "Label: number" pairs."""
    if not _COLON_NUMBER.search(text):
        return []
    out = []
    for line in short_lines(text):
        if len(_COLON_NUMBER.findall(line.text)) < 2:
            continue
        body = _stripped(line)
        pairs = list(pl.STAT_PAIR.finditer(body))
        if len(pairs) < 2:
            continue
        covered = sum(m.end() - m.start() for m in pairs)
        rest = len(body) - covered - sum(1 for ch in body if ch in _DECOR)
        if rest <= len(pairs):
            out.append(line_deletion(text, line, "stats_rows"))
    return out


def follow_calls(text: str, opts: RuleOptions) -> list[Deletion]:
    """Short lines that only ask to follow or like the site on named networks."""
    out = []
    for line in short_lines(text):
        words = [w.strip("!.,:;()[]|•·-–—").lower() for w in line.text.split()]
        words = [w for w in words if w]
        if not words or len(words) > 20 or not any(w in pl.NETWORKS for w in words):
            continue
        if all(w in pl.NETWORKS or w in pl.FOLLOW_WORDS or w in ALL_STOPWORDS for w in words):
            if any(w in pl.FOLLOW_WORDS and w not in ALL_STOPWORDS for w in words):
                out.append(line_deletion(text, line, "follow_calls"))
    return out


def edit_markers(text: str, opts: RuleOptions) -> list[Deletion]:
    """"[edit]" markers at the end of a heading line."""
    if "[" not in text:
        return []
    out = []
    for line in short_lines(text):
        if "[" not in line.text:
            continue
        for match in pl.EDIT_MARKER.finditer(line.text):
            after = line.text[match.end() :].strip()
            if not after or after.startswith("["):
                out.append((line.start + match.start(), line.start + match.end(), "edit_markers"))
    return out


def nav_rows(text: str, opts: RuleOptions) -> list[Deletion]:
    """One-line rows of four or more short items between " · ", " • " or " | "."""
    out = []
    for line in short_lines(text):
        body = line.text.strip()
        if body.startswith("|") or not pl.ROW_SEPARATOR.search(body):
            continue
        items = [i.strip() for i in pl.ROW_SEPARATOR.split(body) if i.strip()]
        if len(items) < 4:
            continue
        if all(len(i.split()) <= 4 and "," not in i and not i.endswith(_TERMINAL) for i in items):
            out.append(line_deletion(text, line, "nav_rows"))
    return out
