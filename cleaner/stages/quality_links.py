"""Link lists and link farms: pages whose text is mostly links, for the `quality` filter.

Real dumps hold pages that are nothing but links: directories of `| name | url |` table
rows, link farms of `[keyword](url)` lines, lists of addresses. Every line of such a page
is a *link line*: a line with a link or an address and hardly a word of its own beside the
link's. Articles link too, but inside sentences, and even a page whose menu survived
cleaning has paragraphs of prose. So a page is a link list when

- it has at least `MIN_LINK_LINES` link lines,
- link lines hold more than `max_link_lines` of its words, and
- prose lines (enough words, sentence punctuation, no link) hold less than
  `MIN_PROSE_SHARE` of them.

A table with a links column inside documentation, a reference list under an article and a
menu above it all pass: the prose around them keeps the page. How many real pages of each
type it drops, on extracted and on flattened text: `benchmarks/quality_pages.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from cleaner.stages.quality_patterns import LINK_HINT, MD_LINK, SENTENCE_MARK, URL, WORD_TOKEN

#: Fewer link lines than this are a list inside a page, never a link list.
MIN_LINK_LINES = 10
#: A link line has at most this many words of its own besides link texts and addresses ...
MAX_OWN_WORDS = 6
#: ... and at most this many words in all (a long link text is a teaser sentence).
MAX_LINK_LINE_WORDS = 12
#: A line of prose has at least this many words and sentence punctuation.
PROSE_LINE_WORDS = 8
#: A page with this share of its words in prose lines is not a link list.
MIN_PROSE_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class LinkProfile:
    """Word counts of a text by kind of line."""

    words: int = 0
    link_lines: int = 0
    link_words: int = 0
    prose_words: int = 0


def link_profile(text: str) -> LinkProfile:
    """How many of the words of `text` are in link lines and in prose lines."""
    words = link_lines = link_words = prose_words = 0
    for line in text.splitlines():
        count = word_count(line)
        if not count:
            continue
        words += count
        kind = _line_kind(line, count)
        if kind == "link":
            link_lines += 1
            link_words += count
        elif kind == "prose":
            prose_words += count
    return LinkProfile(words, link_lines, link_words, prose_words)


def word_count(line: str) -> int:
    """The tokens of `line` (split at whitespace) that hold a word character."""
    return len(WORD_TOKEN.findall(line))


def _line_kind(line: str, count: int) -> str:
    """'link' for a link line, 'prose' for a sentence line, '' for anything else."""
    if not LINK_HINT.search(line):
        return "prose" if count >= PROSE_LINE_WORDS and SENTENCE_MARK.search(line) else ""
    own = URL.sub(" ", MD_LINK.sub(" ", line))
    own_words = word_count(own)
    if own_words <= MAX_OWN_WORDS and count <= MAX_LINK_LINE_WORDS:
        return "link"
    return ""


def link_list(text: str, max_share: float) -> str | None:
    """A human sentence saying why `text` is a link list, or None when it is not one."""
    hints = sum(1 for _ in islice(LINK_HINT.finditer(text), MIN_LINK_LINES))
    if hints < MIN_LINK_LINES:
        return None  # every link line holds a hint: fewer hints, fewer link lines
    profile = link_profile(text)
    if profile.link_lines < MIN_LINK_LINES or not profile.words:
        return None
    share = profile.link_words / profile.words
    prose = profile.prose_words / profile.words
    if share <= max_share or prose >= MIN_PROSE_SHARE:
        return None
    return (
        f"{profile.link_lines} lines of links hold {share:.0%} of the words > max_link_lines "
        f"{max_share}, prose only {prose:.0%}"
    )
