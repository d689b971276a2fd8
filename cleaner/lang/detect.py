"""A small offline language identifier: Unicode scripts, then stopword profiles.

Why not a library: the detectors on PyPI either download model files at run time (fastText
lid.176, lingua's large models) or are slow per call (langdetect). Web pages in Latin and
Cyrillic scripts are told apart reliably by their function words, and every other major
script belongs to one language or a small family, so a profile of the ~60-100 most frequent
function words per language (`cleaner.lang.profiles`) plus a script census is enough to filter a corpus
by language, needs no data files and costs a few microseconds per document.

`detect` looks at the first `SAMPLE_CHARS` characters only. It answers "und" (undetermined)
when the sample has too few words or no profile stands out; callers decide what that means.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from cleaner.lang.profiles import PROFILES

SAMPLE_CHARS = 2000
#: Fewer function-word hits than this and the answer is "und".
MIN_HITS = 3
#: The winning profile must cover at least this share of the sample's words.
MIN_SCORE = 0.08
UNDETERMINED = "und"

_WORDS = re.compile(r"[^\W\d_]+")
#: Scripts whose language is (close to) determined by the script itself.
_SCRIPTS = (
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
)
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff"
    r"\u3400-\u9fff\uac00-\ud7af]"
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_LANGS = ("ru", "uk", "bg")
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in PROFILES.items():
    for _word in _words:
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)


@dataclass(frozen=True, slots=True)
class Guess:
    """A detected language code (ISO 639-1, or "und") and the score that chose it."""

    lang: str
    score: float


def detect(text: str) -> Guess:
    """Guess the language of `text` from its first SAMPLE_CHARS characters."""
    sample = text[:SAMPLE_CHARS]
    words = sample.lower().split()
    if sample.isascii():
        return _by_stopwords(words, None)
    by_script = _script_language(sample)
    if by_script is not None:
        return by_script
    cyrillic = len(_CYRILLIC.findall(sample)) * 3 >= len(sample)
    return _by_stopwords(words, _CYRILLIC_LANGS if cyrillic else None)


def _script_language(sample: str) -> Guess | None:
    """A language given by a non-Latin script that covers much of the sample's letters."""
    if not _OTHER_SCRIPT.search(sample):
        return None
    letters = sum(map(len, _WORDS.findall(sample)))
    if not letters:
        return None
    counts = {lang: len(rx.findall(sample)) for lang, rx in _SCRIPTS}
    if counts["ja"] and counts["ja"] * 10 >= counts["zh"]:
        counts["ja"] += counts.pop("zh")
    lang, hits = max(counts.items(), key=lambda kv: kv[1])
    if hits * 2 >= letters:
        return Guess(lang, hits / letters)
    return None


def _by_stopwords(words: list[str], only: tuple[str, ...] | None) -> Guess:
    """The profile with most hits among `words`.

    Words are whitespace-split, so "the," does not count as "the": function words rarely
    touch punctuation, and splitting is several times faster than a Unicode word regex.
    """
    if not words:
        return Guess(UNDETERMINED, 0.0)
    counts = Counter(words)
    hits: Counter[str] = Counter()
    for word in counts.keys() & _WORD_LANGS.keys():
        for lang in _WORD_LANGS[word]:
            hits[lang] += counts[word]
    if only is not None:
        hits = Counter({lang: n for lang, n in hits.items() if lang in only})
    if not hits:
        return Guess(UNDETERMINED, 0.0)
    lang, best = hits.most_common(1)[0]
    score = best / len(words)
    if best < MIN_HITS or score < MIN_SCORE:
        return Guess(UNDETERMINED, score)
    return Guess(lang, score)
