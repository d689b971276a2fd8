"""What the line model sees of each line of a page: its shape, its neighbours, its place.

A scraped page is a sequence of lines (every visible block on its own line); whether a line
is main content or page chrome is decided mostly by evidence that transfers across sites:

- *shape*: length, words, function-word density, terminal punctuation, capitalisation,
  digits, separators (`|` `»` `•`), URL-like tokens, Markdown links, chrome vocabulary;
- *context*: the same measures smoothed over windows of neighbouring lines (jusText and
  boilerpipe showed that a short line between paragraphs is content, a long one inside a
  menu is not), the distance to the nearest paragraph of prose above and below;
- *place*: where the line sits in the page and in its prose, and whether it repeats on the
  page;
- *vocabulary*: what its words say, as learned log-odds of content against chrome over
  many sites (`build_lexicon`), so "Add to cart", "Antworten" or "Mentions légales" weigh
  as chrome in any language the training pages had, without a hand-written list.

A line's counts (words, function words, lexicon odds, capitals, digits, separators) come
from one native pass over the lines (`line_counts` in csrc/native.c, with a bit-identical
Python twin), its markup measures from a few string tests; everything else is NumPy over
the page. Only non-blank lines are described; blank lines carry no decision.
A line's own measures depend on its text alone, so a caller judging the same page again
after some deletions keeps a `LineMeasures` and pays only for the lines it has not seen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import numpy as np

from cleaner.dedup import kernels
from cleaner.lang.profiles import ALL_STOPWORDS
from cleaner.stages.boilerplate.line_vocab import CHROME_LINES, CHROME_WORDS

_PUNCT = "\"'“”‘’«»„()[]{}<>*_.,;:!?¡¿…-–—|/\\•·›‹→←#@&%+=~^`$€£"
_TERMINAL = frozenset(".!?。！？…")
_SEPARATORS = "|»›‹«•·/→←>:–—"
_BULLETS = ("- ", "* ", "+ ", "• ", "· ", "– ", "— ", "o ")
_MD_LINK = re.compile(r"\]\([^)\n]*\)")
_DIGITS = "0123456789"
_COUNT_TAIL = re.compile(r"\(\d[\d,.]*\)\s*$")

#: Word -> log-odds of the word standing in a content line rather than a chrome line.
Lexicon = Mapping[str, float]

#: Window radii (in non-blank lines) for smoothed context.
NEAR, WIDE = 3, 10
#: A line this long, with function words, is prose: the anchor that context is measured from.
PROSE_WORDS = 12
PROSE_STOP_RATIO = 0.15

SHAPE = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "stop_ratio",
    "log_stops",
    "terminal",
    "colon_end",
    "comma_rate",
    "cap_ratio",
    "upper_line",
    "digit_ratio",
    "sep_ratio",
    "url_tokens",
    "bullet",
    "md_heading",
    "md_link_share",
    "md_image",
    "chrome_ratio",
    "chrome_line",
    "count_tail",
    "copyright",
    "no_letters",
    "blank_before",
    "blank_after",
    "repeats",
    "lex_mean",
    "lex_min",
    "lex_max",
    "lex_known",
)
CONTEXT = (
    "prose",
    "near_words",
    "near_stop",
    "near_terminal",
    "near_prose",
    "wide_words",
    "wide_prose",
    "wide_chrome",
    "near_lex",
    "wide_lex",
    "prev_words",
    "next_words",
    "prev_terminal",
    "next_terminal",
    "prev_chrome",
    "next_chrome",
    "dist_prose_above",
    "dist_prose_below",
    "rel_line",
    "rel_chars",
    "prose_before",
    "prose_after",
    "inside_prose",
    "density",
    "page_log_lines",
    "page_log_words",
    "page_prose_share",
)
NAMES: tuple[str, ...] = SHAPE + CONTEXT


def nonblank(lines: list[str]) -> list[int]:
    """Indices of the lines that carry text (the lines the model decides)."""
    return [i for i, line in enumerate(lines) if line.strip()]


def _core(stripped: str) -> str:
    """A line lowercased with decoration and Markdown markers stripped (chrome lookups)."""
    core = stripped.lower().strip(" \t*#>-–—•·|»«›‹:.…!()[]")
    return " ".join(core.split())


_CAP_WORD = re.compile(r"(?:^|\s)[\"'“‘(\[]?[^\W\d_a-z]", re.UNICODE)


#: Characters `rstrip`ped before a line's last character is read (closing quotes, brackets,
#: emphasis), and the quotes that may open a capitalised word.
_CLOSERS = "\"'”’»)]*_ "
_OPENING_QUOTES = "\"'“‘(["


def _raw_rows(lines: list[str], lexicon: Lexicon) -> np.ndarray:
    """Raw measures of lines (counts and flags, one row each, `_RAW_COLUMNS` wide) from
    their text alone; `_shape` turns them, with the blank lines around, into features.

    The counts every line needs (`_counts_reference`) come from the native kernel where it
    is built (bit-identical); the markup measures, rarely non-zero, from `_markup`."""
    stripped = [line.strip() for line in lines]
    lowered = [s.lower() for s in stripped]
    counts = _counts(stripped, lowered, lexicon)
    markup = np.array([_markup(s, lower) for s, lower in zip(stripped, lowered)], dtype=np.float64)
    out = np.empty((len(lines), _RAW_COLUMNS))
    out[:, _COUNT_COLUMNS] = counts
    out[:, _MARKUP_COLUMNS] = markup.reshape(len(lines), len(_MARKUP_COLUMNS))
    return out


def _counts(stripped: list[str], lowered: list[str], lexicon: Lexicon) -> np.ndarray:
    """`_counts_reference` of every line as one float64 array (rows in line order), from the
    native kernel when it is built and the lexicon is a plain dict (it looks words up in
    it directly); the character sets are passed as strings, so they live here only."""
    native = kernels.native_function("line_counts")
    if native is None or not isinstance(lexicon, dict):
        return np.array([_counts_reference(s, lower, lexicon) for s, lower in zip(stripped, lowered)],
                        dtype=np.float64).reshape(len(stripped), len(_COUNT_COLUMNS))
    out = native(stripped, lowered, lexicon, ALL_STOPWORDS, CHROME_WORDS, _PUNCT, _CLOSERS, "".join(_TERMINAL),
                 _SEPARATORS, _OPENING_QUOTES)
    return np.frombuffer(out, dtype=np.float64).reshape(len(stripped), len(_COUNT_COLUMNS))


def _counts_reference(s: str, lower: str, lexicon: Lexicon) -> tuple[float, ...]:
    """The counts of a stripped line `s` (and `lower`, its lowercase) that every line needs,
    in the order of `_COUNT_COLUMNS`; csrc/native.c `line_counts` is its bit-identical twin."""
    toks = lower.split()
    plain = [w.strip(_PUNCT) for w in toks]
    odds = [v for v in map(lexicon.get, plain) if v is not None]
    total = 0.0
    for value in odds:  # left to right, as the kernel adds (sum() compensates from 3.12)
        total += value
    tail = s.rstrip(_CLOSERS)
    last = tail[-1] if tail else " "
    return (
        len(s),
        len(toks),
        sum(map(len, plain)),
        sum(map(ALL_STOPWORDS.__contains__, plain)),
        last in _TERMINAL,
        last == ":",
        s.count(","),
        len(_CAP_WORD.findall(s)),
        s.isupper(),
        sum(map(s.count, _DIGITS)),
        sum(map(s.count, _SEPARATORS)),
        sum(1 for w in toks if "://" in w or w.startswith("www.") or w.endswith(".com")),
        sum(map(CHROME_WORDS.__contains__, plain)),
        total / len(odds) if odds else 0.0,
        min(odds, default=0.0),
        max(odds, default=0.0),
        len(odds),
    )


def _markup(s: str, lower: str) -> tuple[float, ...]:
    """The measures of a stripped line that look at its markup and furniture, in the order of
    `_MARKUP_COLUMNS`: list bullets, Markdown headings, links and images, whole chrome
    lines, category counts, copyright notices."""
    link_chars = images = 0
    if "](" in s:
        images = s.count("![")
        link_chars = sum(m.end() - m.start() for m in _MD_LINK.finditer(s)) + s.count("[") + s.count("]")
    return (
        s.startswith(_BULLETS) or (s[:1].isdigit() and s[1:3] in (". ", ") ")),
        s[:1] == "#",
        link_chars,
        images,
        _core(s) in CHROME_LINES,
        s.endswith(")") and _COUNT_TAIL.search(s) is not None,
        "©" in s or "copyright" in lower or "all rights reserved" in lower,
    )


#: Columns of `_raw_rows` (`_shape` unpacks them in this order); the first 12 and the last
#: 5 are `_counts_reference`, the rest `_markup`.
_RAW_COLUMNS = 24
_COUNT_COLUMNS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 20, 21, 22, 23]
_MARKUP_COLUMNS = [12, 13, 14, 15, 17, 18, 19]


def _shape(raw: np.ndarray, blank_before: np.ndarray, blank_after: np.ndarray, repeats: np.ndarray) -> np.ndarray:
    """Features of the lines from their raw measures (see `_raw_rows` for the columns)."""
    (chars, words, letters, stops, terminal, colon, commas, caps, upper, digits, seps, urls,
     bullet, heading, link_chars, images, chrome, chrome_line, count_tail, copyright,
     lex_mean, lex_min, lex_max, lex_known) = raw.T
    per_word = np.maximum(words, 1)
    per_char = np.maximum(chars, 1)
    return np.column_stack((
        np.log1p(chars),
        np.log1p(words),
        letters / per_word,
        stops / per_word,
        np.log1p(stops),
        terminal,
        colon,
        commas / per_word,
        caps / per_word,
        upper,
        digits / per_char,
        seps / per_word,
        urls,
        bullet,
        heading,
        link_chars / per_char,
        images,
        chrome / per_word,
        chrome_line,
        count_tail,
        copyright,
        letters == 0,
        blank_before,
        blank_after,
        np.log(repeats),
        lex_mean,
        lex_min,
        lex_max,
        lex_known / per_word,
    ))


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `values` over a window of `radius` lines on each side (edges shrink)."""
    n = len(values)
    csum = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    idx = np.arange(n)
    lo = np.maximum(idx - radius, 0)
    hi = np.minimum(idx + radius + 1, n)
    return (csum[hi] - csum[lo]) / (hi - lo)


def _shifted(values: np.ndarray, by: int, fill: float) -> np.ndarray:
    out = np.full_like(values, fill)
    if by > 0:
        out[by:] = values[:-by]
    elif by < 0:
        out[:by] = values[-by:]
    else:
        out[:] = values
    return out


def _distance_to(flags: np.ndarray, forward: bool) -> np.ndarray:
    """Lines from each line to the nearest flagged line above (or below); n+1 when none."""
    n = len(flags)
    idx = np.arange(n)
    if forward:
        last = np.where(flags, idx, -1)
        last = np.maximum.accumulate(last)
        dist = np.where(last >= 0, idx - last, n + 1)
    else:
        rev = flags[::-1]
        last = np.where(rev, idx, -1)
        last = np.maximum.accumulate(last)
        dist = np.where(last >= 0, idx - last, n + 1)[::-1]
    return dist.astype(np.float64)


class LineMeasures:
    """The raw measures (`_raw_rows`) and the core of every line seen, for one lexicon:
    kept across the pages a caller judges when they share most of their lines."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._row: dict[str, int] = {}
        self._table = np.zeros((0, _RAW_COLUMNS))
        self._cores: list[str] = []

    def of(self, texts: list[str]) -> tuple[np.ndarray, list[str]]:
        """The raw measures (one row per line) and the cores of `texts`."""
        index = []
        new = []
        for text in texts:
            row = self._row.get(text)
            if row is None:
                row = self._row[text] = len(self._row)
                new.append(text)
            index.append(row)
        if new:
            self._table = np.vstack((self._table, _raw_rows(new, self.lexicon)))
            self._cores.extend(" ".join(text.split()).lower() for text in new)
        return self._table[index], [self._cores[row] for row in index]


def page_features(lines: list[str], lexicon: Lexicon, measures: LineMeasures | None = None) -> tuple[list[int], np.ndarray]:
    """The non-blank line indices of a page and their feature matrix (rows in line order).

    `lexicon` maps words to their learned log-odds of standing in content rather than in
    chrome (`build_lexicon`); it ships with the model. `measures` (for the same lexicon)
    keeps what it works out of each line for the next call."""
    keep = nonblank(lines)
    n = len(keep)
    if not n:
        return keep, np.zeros((0, len(NAMES)), dtype=np.float32)
    if measures is None:
        measures = LineMeasures(lexicon)
    raw, cores = measures.of([lines[i] for i in keep])
    blank_before, blank_after = _blank_around(keep, len(lines))
    seen: dict[str, int] = {}
    for core in cores:
        seen[core] = seen.get(core, 0) + 1
    shape = _shape(raw, blank_before, blank_after, np.array([seen[c] for c in cores], dtype=np.float64))
    context = _context(shape, keep, lines)
    return keep, np.hstack((shape, context)).astype(np.float32)


def _blank_around(keep: list[int], total: int) -> tuple[np.ndarray, np.ndarray]:
    """For each non-blank line (indices `keep` of `total` lines), whether the line before it
    and the line after it are blank (a page's edges are not)."""
    index = np.array(keep)
    blank = np.ones(total + 2, dtype=bool)
    blank[index + 1] = False
    blank[0] = blank[-1] = False
    return blank[index].astype(np.float64), blank[index + 2].astype(np.float64)


def _context(shape: np.ndarray, keep: list[int], lines: list[str]) -> np.ndarray:
    col = {name: shape[:, k] for k, name in enumerate(SHAPE)}
    n = len(keep)
    log_words = col["log_words"]
    words = np.expm1(log_words)
    terminal = col["terminal"]
    chrome = np.maximum(col["chrome_ratio"], col["chrome_line"])
    prose = ((words >= PROSE_WORDS) & (col["stop_ratio"] >= PROSE_STOP_RATIO)).astype(np.float64)
    prose_words = words * prose
    cum = np.cumsum(prose_words)
    total_prose = cum[-1] if n else 0.0
    before = (cum - prose_words) / (total_prose or 1.0)
    after = (total_prose - cum) / (total_prose or 1.0)
    first = np.argmax(prose) if prose.any() else n
    last = n - 1 - np.argmax(prose[::-1]) if prose.any() else -1
    idx = np.arange(n)
    inside = ((idx >= first) & (idx <= last)).astype(np.float64)
    density = _window_mean(words, 5)
    density = density / (density.max() or 1.0)
    lengths = np.array([len(lines[i]) + 1 for i in keep], dtype=np.float64)
    chars_before = (np.cumsum(lengths) - lengths) / (lengths.sum() or 1.0)
    page_words = words.sum()
    return np.column_stack((
        prose,
        _window_mean(log_words, NEAR),
        _window_mean(col["stop_ratio"], NEAR),
        _window_mean(terminal, NEAR),
        _window_mean(prose, NEAR),
        _window_mean(log_words, WIDE),
        _window_mean(prose, WIDE),
        _window_mean(chrome, WIDE),
        _window_mean(col["lex_mean"], NEAR),
        _window_mean(col["lex_mean"], WIDE),
        _shifted(log_words, 1, 0.0),
        _shifted(log_words, -1, 0.0),
        _shifted(terminal, 1, 0.0),
        _shifted(terminal, -1, 0.0),
        _shifted(chrome, 1, 0.0),
        _shifted(chrome, -1, 0.0),
        np.log1p(_distance_to(prose > 0, True)),
        np.log1p(_distance_to(prose > 0, False)),
        idx / max(n - 1, 1),
        chars_before,
        before,
        after,
        inside,
        density,
        np.full(n, np.log1p(n)),
        np.full(n, np.log1p(page_words)),
        np.full(n, prose.mean()),
    ))



def words(line: str) -> list[str]:
    """A line's words as the lexicon keys them: lowercased, decoration stripped."""
    return [w for w in (t.strip(_PUNCT) for t in line.lower().split()) if w]


def build_lexicon(pages: Iterable[tuple[str, list[tuple[str, bool]]]], min_pages: int = 10,
                  min_sites: int = 5, limit: int = 50000, clip: float = 5.0) -> dict[str, float]:
    """Log-odds of each word standing in content rather than in chrome, from labelled pages.

    `pages` yields (site, [(line, is_content), ...]). A word counts once per page and class
    (so one long menu does not decide a word), must occur on `min_pages` pages of at least
    `min_sites` sites (site-specific names are not learned), and gets add-one smoothed,
    clipped log-odds; the `limit` most frequent words are kept.
    """
    content: dict[str, int] = {}
    chrome: dict[str, int] = {}
    sites: dict[str, set[str]] = {}
    n_content = n_chrome = 0
    for site, labelled in pages:
        seen_content: set[str] = set()
        seen_chrome: set[str] = set()
        for line, is_content in labelled:
            (seen_content if is_content else seen_chrome).update(words(line))
        n_content += bool(seen_content)
        n_chrome += bool(seen_chrome)
        for word in seen_content:
            content[word] = content.get(word, 0) + 1
        for word in seen_chrome:
            chrome[word] = chrome.get(word, 0) + 1
        for word in seen_content | seen_chrome:
            sites.setdefault(word, set()).add(site)
    frequent = [
        w for w in sites
        if content.get(w, 0) + chrome.get(w, 0) >= min_pages and len(sites[w]) >= min_sites
    ]
    frequent.sort(key=lambda w: (-(content.get(w, 0) + chrome.get(w, 0)), w))
    out = {}
    for word in frequent[:limit]:
        odds = math.log((content.get(word, 0) + 1) / (n_content + 2)) - math.log((chrome.get(word, 0) + 1) / (n_chrome + 2))
        out[word] = round(max(-clip, min(clip, odds)), 4)
    return out
