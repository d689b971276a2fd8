"""The `quality` filter: drops documents that are not prose worth training on.

Checks, cheapest first, each with a stable reason key and a lenient default so that real
articles (including the five sample pages in raw/) always pass:

- `too_few_words`: fewer than `min_words` words, where a word is a whitespace-separated
  token, or one character of a script written without spaces (Chinese, Japanese, Thai...),
  so a Chinese article is not mistaken for a one-word page. The default keeps short real
  pages (a 30-word notice, a micro post) and drops fragments: at 50, the default pipeline
  lost real pages that the html stage alone keeps (`benchmarks/html_quality.py`);
- `too_many_symbols` / `too_many_digits`: ASCII punctuation and symbols (or digits) above
  a share of all non-space characters: tables of numbers, code, link farms. Counting is
  done on the UTF-8 bytes with `bytes.translate`, much faster than a Unicode regex; non-ASCII symbols (curly quotes, dashes) are not counted, which only errs on the
  lenient side;
- `repeated_lines`: a large share of the words sit in lines that repeat an earlier line
  (spam, a page's text pasted several times). Words, not lines, are counted, and a short
  line (fewer than `REPEAT_MIN_WORDS` words: a table cell, a heading, a label, a photo
  credit) never counts as a repeat: real pages repeat those by design (a meal plan's
  "Pre-Workout Meal" on every day, a price table's "buch" in every row), and counted as
  lines they made real articles look like spam (`benchmarks/html_quality.py`);
- `link_list`: most of the words are in lines that are only links or addresses and there is
  hardly any prose (`| name | url |` directories, link farms; see `quality_links`);
- `lorem_ipsum`: filler text;
- `placeholder`: a short page with a line that is (nearly) only "Coming soon", "Page not
  found", "This domain is for sale" (a review saying a sequel is "coming soon" stays);
- `language`: the detected language is not in `languages` (an empty list, the default,
  filters nothing; an undetermined language is kept).

All measurements are C-level string operations (split, encode, translate), so the filter
costs about fifteen microseconds per review-sized document.
"""

from __future__ import annotations

import re
import string
from typing import ClassVar

from cleaner.document import Document, Drop
from cleaner.lang.detect import UNDETERMINED, detect
from cleaner.options import Option
from cleaner.stages.base import Filter
from cleaner.stages.quality_links import link_list
from cleaner.stages.quality_patterns import LOREM, PLACEHOLDER

#: Below this many non-blank lines, repetition is not measured (a title repeated is fine).
MIN_LINES_FOR_REPEATS = 6
#: A line of fewer words is a label, a cell or a heading: repeating it is not spam.
REPEAT_MIN_WORDS = 8
#: A placeholder phrase counts when it (nearly) fills a line of at most this many words.
PLACEHOLDER_LINE_WORDS = 10
_ASCII_SYMBOLS = string.punctuation.encode()
_ASCII_DIGITS = string.digits.encode()
#: Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def count_words(text: str, words: list[str]) -> int:
    """Whitespace tokens, plus one per character of scripts written without spaces."""
    if text.isascii():
        return len(words)
    unspaced = _UNSPACED.findall(text)
    if not unspaced:
        return len(words)
    spaced = sum(1 for w in words if not _UNSPACED.search(w))
    return spaced + len(unspaced)


class QualityFilter(Filter):
    """Drops too-short, non-text, repetitive, filler, placeholder and off-language documents."""

    name = "quality"
    options: ClassVar[tuple[Option, ...]] = (
        Option("min_words", int, 20, "drop documents with fewer words", minimum=0),
        Option(
            "max_symbol_ratio", float, 0.35,
            "drop when symbols exceed this share of non-space characters", minimum=0, maximum=1,
        ),
        Option(
            "max_digit_ratio", float, 0.3,
            "drop when digits exceed this share of non-space characters", minimum=0, maximum=1,
        ),
        Option(
            "max_repeated_lines", float, 0.5,
            f"drop when this share of the words are in repeats of an earlier line (lines of "
            f"{REPEAT_MIN_WORDS} words or more)", minimum=0, maximum=1,
        ),
        Option(
            "max_link_lines", float, 0.6,
            "drop when lines that are only links hold more than this share of the words and "
            "there is hardly any prose (1: off)", minimum=0, maximum=1,
        ),
        Option("lorem_ipsum", bool, True, "drop documents containing lorem ipsum filler"),
        Option(
            "placeholder_max_words", int, 150,
            "documents up to this many words are checked for placeholder phrases (0: off)",
            minimum=0,
        ),
        Option(
            "languages", list, [],
            "ISO 639-1 codes to keep (empty: keep every language)", item=str,
        ),
    )

    def check(self, doc: Document) -> Drop | None:
        """The first failed check as a Drop, or None to keep the document."""
        text = doc.text
        words = text.split()
        for test in (self._words, self._characters, self._repeats, self._links, self._filler, self._language):
            found = test(text, words)
            if found is not None:
                return Drop(self.name, found[0], found[1])
        return None

    def _words(self, text: str, words: list[str]) -> tuple[str, str] | None:
        minimum = self.settings["min_words"]
        if len(words) >= minimum:
            return None
        count = count_words(text, words)
        if count < minimum:
            return "too_few_words", f"{count} words < min_words {minimum}"
        return None

    def _characters(self, text: str, words: list[str]) -> tuple[str, str] | None:
        visible = sum(map(len, words))
        if not visible:
            return None
        raw = text.encode("utf-8", "surrogatepass")
        symbols = (len(raw) - len(raw.translate(None, _ASCII_SYMBOLS))) / visible
        if symbols > self.settings["max_symbol_ratio"]:
            limit = self.settings["max_symbol_ratio"]
            detail = f"symbols are {symbols:.0%} of characters > max_symbol_ratio {limit}"
            return "too_many_symbols", detail
        digits = (len(raw) - len(raw.translate(None, _ASCII_DIGITS))) / visible
        if digits > self.settings["max_digit_ratio"]:
            limit = self.settings["max_digit_ratio"]
            detail = f"digits are {digits:.0%} of characters > max_digit_ratio {limit}"
            return "too_many_digits", detail
        return None

    def _repeats(self, text: str, words: list[str]) -> tuple[str, str] | None:
        if text.count("\n") < MIN_LINES_FOR_REPEATS:
            return None
        share = repeated_share(text)
        limit = self.settings["max_repeated_lines"]
        if share > limit:
            detail = (f"{share:.0%} of the words are in repeats of an earlier line "
                      f"> max_repeated_lines {limit}")
            return "repeated_lines", detail
        return None

    def _links(self, text: str, words: list[str]) -> tuple[str, str] | None:
        limit = self.settings["max_link_lines"]
        detail = link_list(text, limit) if limit < 1 else None
        return ("link_list", detail) if detail else None

    def _filler(self, text: str, words: list[str]) -> tuple[str, str] | None:
        if self.settings["lorem_ipsum"] and ("psum" in text or "PSUM" in text) and LOREM.search(text):
            return "lorem_ipsum", "contains lorem ipsum filler text"
        limit = self.settings["placeholder_max_words"]
        if len(words) <= limit:
            phrase = _placeholder_line(text)
            if phrase:
                return "placeholder", (
                    f"placeholder line {phrase!r} in a {len(words)}-word document "
                    f"(<= placeholder_max_words {limit})"
                )
        return None

    def _language(self, text: str, words: list[str]) -> tuple[str, str] | None:
        allowed = self.settings["languages"]
        if not allowed:
            return None
        guess = detect(text)
        if guess.lang != UNDETERMINED and guess.lang not in allowed:
            detail = f"language {guess.lang!r} (score {guess.score:.2f}) not in languages {list(allowed)}"
            return "language", detail
        return None


def repeated_share(text: str) -> float:
    """Share of the words of `text` in lines that repeat an earlier line of at least
    `REPEAT_MIN_WORDS` words; 0 for a text of fewer than `MIN_LINES_FOR_REPEATS` lines."""
    seen: set[str] = set()
    repeated = total = lines = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        lines += 1
        count = len(line.split())
        total += count
        if count < REPEAT_MIN_WORDS:
            continue
        if line in seen:
            repeated += count
        else:
            seen.add(line)
    return repeated / total if lines >= MIN_LINES_FOR_REPEATS and total else 0.0


def _placeholder_line(text: str) -> str | None:
    """The first short line that is a placeholder phrase ("Coming soon!"), if any."""
    for line in text.splitlines():
        if line.count(" ") > 3 * PLACEHOLDER_LINE_WORDS:
            continue
        if len(line.split()) <= PLACEHOLDER_LINE_WORDS and PLACEHOLDER.search(line):
            return line.strip()
    return None
