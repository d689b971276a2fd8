"""Structural leftovers: tables of contents, lists of related pages, runs of headings without
body, empty reference lists and site-wide disclaimers.

A heading that introduces body text is content and stays; a heading with nothing under it
(because the extractor kept a table of contents, or a "References" list whose entries were
links) is a leftover and goes. A reference list with real entries is content and stays,
URLs included: citations are what a reader checks a claim against, and a bare URL is text
a reader sees (only markup around it is residue).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import groupby

from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate.phrases import (
    DISCLAIMER_HEADINGS,
    REFERENCE_HEADINGS,
    RELATED_HEADING_OPENINGS,
    RELATED_HEADINGS,
    TOC_LABELS,
)
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import (
    SHORT_LINE,
    Block,
    Line,
    approx_words,
    block_deletion,
    blocks,
    core,
    is_heading,
    line_deletion,
    lines,
    nonblank_lines,
    short_lines,
)
from cleaner.stages.edits import Deletion

_BULLETS = " \t•·*-–—▪►▸◦0123456789.)"
#: A run of headings must leave at least this many orphans before it is removed.
MIN_ORPHAN_HEADINGS = 3
_DISCLAIMER_HINTS = (
    "purpose", "substitut", "replace", "advice", "amazon", "commission", "drug administration",
    "informati", "ersetzt", "remplace", "sustituye", "sostituisce", "substitui", "vervangt",
    "zastępuje", "informatyw", "informacyjn",
)


def _entry(line: Line) -> str:
    """A table-of-contents entry without its bullet or number."""
    return line.stripped.lstrip(_BULLETS)


def is_toc_label(line: str) -> bool:
    """Whether `line` is a table-of-contents label ("In This Article"): `toc` finds nothing
    in a text without one (`registry.Rule.trigger`)."""
    stripped = line.strip()
    return bool(stripped) and len(line) <= SHORT_LINE and len(stripped) <= 40 and core(line) in TOC_LABELS


def toc(text: str, opts: RuleOptions) -> list[Deletion]:
    """A table-of-contents label ("In This Article") and the entries listed under it."""
    labels = [ln for ln in short_lines(text) if len(ln.stripped) <= 40 and core(ln.text) in TOC_LABELS]
    if not labels:
        return []
    rows = [ln for ln in lines(text) if ln.text.strip()]
    index = {ln.start: i for i, ln in enumerate(rows)}
    out: list[Deletion] = []
    for label in labels:
        i = index[label.start] + 1
        if i >= len(rows) or not is_heading(_entry(rows[i])):
            continue
        out.append(line_deletion(text, label, "toc"))
        while i + 1 < len(rows) and is_heading(_entry(rows[i])) and is_heading(_entry(rows[i + 1])):
            out.append(line_deletion(text, rows[i], "toc"))
            i += 1
    return out


#: A related-pages list has at least this many entries under its heading.
MIN_RELATED_ENTRIES = 2
#: An entry is a headline or a teaser: at most this many words, and a line of at least
#: RELATED_PROSE_WORDS ending a sentence is the page's prose again, which ends the list.
RELATED_ENTRY_WORDS = 25
RELATED_PROSE_WORDS = 12
#: The openings of a related-pages heading, each with the space after it ("more from ").
_OPENINGS = tuple(opening + " " for opening in RELATED_HEADING_OPENINGS)
_SENTENCE_END = (".", "!", "?", "…", '."', ".”", ".’", ".)")


def is_related_heading(line: str) -> bool:
    """Whether `line` heads a list of other pages ("More news", "More from The Verge"):
    `related` finds nothing in a text without one (`registry.Rule.trigger`)."""
    stripped = line.strip()
    if len(line) > 60 or not stripped or stripped.endswith(":"):
        return False  # "Recommended:" labels a value (a game's system requirements)
    name = core(line)
    if name in RELATED_HEADINGS:
        return True
    if not name.startswith(_OPENINGS):
        return False
    words = len(name.split())
    return any(name.startswith(opening) and words <= len(opening.split()) + 3 for opening in _OPENINGS)


def related(text: str, opts: RuleOptions) -> list[Deletion]:
    """A heading of related pages ("Most read", "More news") and the headlines under it.

    The list runs over the non-blank lines after the heading until a line of prose (at least
    RELATED_PROSE_WORDS words ending a sentence, or more than RELATED_ENTRY_WORDS words):
    headlines, teasers, dates and bylines of other articles. Such a list accompanies a page
    of prose, so a heading with no prose above it is left alone: at the top of a shop or a
    listing, "Trending" heads the site's menu or the page's own list. With fewer than
    MIN_RELATED_ENTRIES entries the heading is left to `nav`, which knows it alone.
    """
    rows = nonblank_lines(text)
    out: list[Deletion] = []
    prose_seen = False
    i = 0
    while i < len(rows):
        if not is_related_heading(rows[i].text) or not prose_seen:
            prose_seen = prose_seen or _is_sentence_prose(rows[i].stripped)
            i += 1
            continue
        end = i + 1
        while end < len(rows) and not _related_list_ends(rows[end].stripped):
            end += 1
        if end - i - 1 >= MIN_RELATED_ENTRIES:
            out.append((rows[i].start, min(rows[end - 1].end + 1, len(text)), "related"))
            i = end
        else:
            i += 1
    return out


def _related_list_ends(line: str) -> bool:
    return len(line.split()) > RELATED_ENTRY_WORDS or _is_sentence_prose(line)


def _is_sentence_prose(line: str) -> bool:
    return len(line.split()) >= RELATED_PROSE_WORDS and line.endswith(_SENTENCE_END)


def _heading_block(block: Block) -> bool:
    """A one-line block of 2-15 words that reads as a heading."""
    first = block.lines[0].stripped
    return len(block.lines) == 1 and first[0].isalpha() and len(first.split()) >= 2 and is_heading(first)


def _title_case(line: str) -> bool:
    """Most longer words capitalised, as in a table of contents ("The Role of Magnesium")."""
    words = [w for w in line.split()[1:] if len(w) >= 4 and w[0].isalpha()]
    return not words or sum(w[0].isupper() for w in words) * 10 >= len(words) * 6


def _is_toc_run(counts: Counter[str], orphans: tuple[Block, ...], text_length: int) -> bool:
    """Orphan headings that look like a table of contents rather than a list or a Q&A.

    Entries are title-cased, none is a "Q:"/"A:" line or recurs through the page like the
    labels of a schedule (`counts`: how often each block's text occurs in the page), and the
    run sits in the first or last third of the page, where tables of contents and "in this
    article" lists go.
    """
    entries = [b.text.strip() for b in orphans]
    if any(e[:2] in ("Q:", "A:", "F:") for e in entries):
        return False
    if len(set(entries)) < len(entries) or any(counts[e] > 2 for e in entries):
        return False
    if sum(_title_case(e) for e in entries) * 4 < len(entries) * 3:
        return False
    return orphans[0].start < text_length / 3 or orphans[-1].end > text_length * 2 / 3


def heading_run(text: str, opts: RuleOptions) -> list[Deletion]:
    """Runs of headings with no body under them (a table of contents repeated at the end).

    The last heading of a run that is followed by body introduces it and stays; the title
    (first block) never counts; lists of short lines are told apart by `_is_toc_run`.
    """
    found = blocks(text)
    if len(found) < MIN_ORPHAN_HEADINGS + 1:
        return []
    flags = [i > 0 and _heading_block(b) for i, b in enumerate(found)]
    out: list[Deletion] = []
    counts: Counter[str] | None = None  # counted once per text, and only for a long run
    for i, j in _true_runs(flags):
        orphans = found[i : j - 1] if j < len(found) else found[i:j]
        if len(orphans) < MIN_ORPHAN_HEADINGS:
            continue
        if counts is None:
            counts = Counter(b.text.strip() for b in found)
        if _is_toc_run(counts, orphans, len(text)):
            out.extend(block_deletion(text, b, "heading_run") for b in orphans)
    return out


def may_be_empty_reference(line: str) -> bool:
    """Whether `line` is a numbered list item with nothing but its number: `empty_refs`
    finds nothing in a text without such a line (`registry.Rule.trigger`)."""
    stripped = line.strip()
    return bool(stripped) and len(line) <= SHORT_LINE and pat.EMPTY_REFERENCE.fullmatch(stripped) is not None


def empty_refs(text: str, opts: RuleOptions) -> list[Deletion]:
    """Numbered reference lists with no references in them ("References 1. 1 2. 2 …")."""
    rows = [ln for ln in short_lines(text)]
    if not rows:
        return []
    empty = [bool(pat.EMPTY_REFERENCE.fullmatch(ln.stripped)) for ln in rows]
    out: list[Deletion] = []
    for i, j in _true_runs(empty):
        if j - i >= 2:
            out.extend(line_deletion(text, ln, "empty_refs") for ln in rows[i:j])
            ends_section = j == len(rows) or is_heading(rows[j].stripped)
            if i > 0 and ends_section and core(rows[i - 1].text) in REFERENCE_HEADINGS:
                out.append(line_deletion(text, rows[i - 1], "empty_refs"))
    return out


def disclaimer(text: str, opts: RuleOptions) -> list[Deletion]:
    """Site-wide disclaimers ("This content is for informational purposes only …") and their heading.

    Works on paragraphs as lines; a one-paragraph document is never a disclaimer to remove.
    """
    rows = nonblank_lines(text)
    if len(rows) < 2:
        return []
    out: list[Deletion] = []
    for i, line in enumerate(rows):
        if not is_disclaimer(line.text):
            continue
        out.append(line_deletion(text, line, "disclaimer"))
        if i > 0 and core(rows[i - 1].text) in DISCLAIMER_HEADINGS:
            out.append(line_deletion(text, rows[i - 1], "disclaimer"))
    return out


def is_disclaimer(line: str) -> bool:
    """A paragraph of a disclaimer: short, with a hint word and the disclaimer pattern;
    `disclaimer` finds nothing in a text without such a line (`registry.Rule.trigger`)."""
    return len(line) <= 1000 and _short_disclaimer(line)


@lru_cache(maxsize=1 << 14)
def _short_disclaimer(line: str) -> bool:
    """`is_disclaimer` of a line short enough to be one. A line is asked again in every
    cycle of the rules, hence the cache (of short lines only, so it stays small)."""
    if approx_words(line) > 100:
        return False
    low = line.lower()
    return any(h in low for h in _DISCLAIMER_HINTS) and pat.DISCLAIMER.search(low) is not None


def _true_runs(flags: list[bool]) -> Iterator[tuple[int, int]]:
    """(start, end) of each maximal run of True values in `flags`."""
    start = 0
    for flag, group in groupby(flags):
        end = start + sum(1 for _ in group)
        if flag:
            yield start, end
        start = end
