"""Page chrome: navigation, share bars, counters, banners and prompts that fill a whole line.

Each rule removes a line only when the line is (nearly) nothing but chrome: the line is
reduced by `text.core` and must *be* a known phrase or fully match a pattern, so "you can
read more about magnesium here" or "click here to see the study" inside a sentence stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate.phrases import (
    BREADCRUMB_HOME,
    COOKIE_BUTTONS,
    COUNT_WORDS,
    LOGIN,
    NAV,
    NAV_PREFIXES,
    NEWSLETTER_LINES,
    SHARE_ANCHORS,
    SHARE_WORDS,
)
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import (
    Line,
    approx_words,
    core,
    line_deletion,
    nonblank_lines,
    short_lines,
)
from cleaner.stages.edits import Deletion

_NAV_PREFIX = re.compile(
    rf"(?:{'|'.join(re.escape(p) for p in sorted(NAV_PREFIXES, key=len, reverse=True))})\s*:",
    re.IGNORECASE,
)
_SHARE_SPLIT = re.compile(r"[\s|,/·•:()\[\]]+")
_COUNT = re.compile(r"\d+(?:[.,]\d+)?[km]?", re.IGNORECASE)


def _whole_lines(
    text: str, rule: str, test: Callable[[str], object], max_words: int = 20
) -> list[Deletion]:
    """Delete every short line whose `core` passes `test`."""
    return [
        line_deletion(text, line, rule)
        for line, key, words in _cores(text)
        if words <= max_words and test(key)
    ]


@lru_cache(maxsize=4)
def _cores(text: str) -> tuple[tuple[Line, str, int], ...]:
    """(line, core, words) of each short line with words on it: the same for every
    whole-line rule over one text, so worked out once."""
    found = ((line, _core_words(line.text)) for line in short_lines(text))
    return tuple((line, *key) for line, key in found if key[0])


@lru_cache(maxsize=1 << 16)
def _core_words(line: str) -> tuple[str, int]:
    """A line's `core` and its number of words: most lines of a text a deletion leaves were
    lines of the text before it, so they are looked up rather than worked out again."""
    key = core(line)
    return key, len(key.split())


def nav(text: str, opts: RuleOptions) -> list[Deletion]:
    """Navigation lines: "Skip to content", "Previous post:", "Related Content", "Tags: …"."""
    out = _whole_lines(text, "nav", NAV.__contains__)
    for line in short_lines(text):
        if _NAV_PREFIX.match(line.stripped) and len(line.text.split()) <= 20:
            out.append(line_deletion(text, line, "nav"))
    return out


def reading_time(text: str, opts: RuleOptions) -> list[Deletion]:
    """Reading-time badges: "4 min read", "Lesezeit: 3 Minuten"."""
    return _whole_lines(text, "reading_time", pat.READING_TIME.fullmatch, 8)


def _is_share_bar(key: str) -> bool:
    """Only share words and counts, with a strong share word or a count ("Like 0")."""
    tokens = [t for t in _SHARE_SPLIT.split(key) if t]
    if not tokens or not all(t in SHARE_WORDS or _COUNT.fullmatch(t) for t in tokens):
        return False
    words = [t for t in tokens if not _COUNT.fullmatch(t)]
    if not words:
        return False
    counted = len(tokens) <= 4 and len(words) < len(tokens) and any(t in COUNT_WORDS for t in words)
    return counted or any(t in SHARE_ANCHORS for t in words)


def share(text: str, opts: RuleOptions) -> list[Deletion]:
    """Share/like/tweet bars and their counters: "Share 12 Tweet Pin", "Facebook Twitter"."""
    return _whole_lines(text, "share", _is_share_bar)


def counters(text: str, opts: RuleOptions) -> list[Deletion]:
    """Comment and trackback counters: "{ 6 comments… read them below or add one }"."""
    return _whole_lines(text, "counters", pat.COUNTER.fullmatch, 16)


def click_here(text: str, opts: RuleOptions) -> list[Deletion]:
    """A line that is only a call to click: "Click here to download the guide"."""
    return _whole_lines(text, "click_here", pat.CLICK_HERE.fullmatch, 15)


def login(text: str, opts: RuleOptions) -> list[Deletion]:
    """Login prompts: "Log in", "You must be logged in to post a comment."."""
    return _whole_lines(
        text, "login", lambda key: key in LOGIN or bool(pat.LOGIN_SENTENCE.fullmatch(key)), 16
    )


def cookies(text: str, opts: RuleOptions) -> list[Deletion]:
    """Cookie and consent banners (a short paragraph about the site's cookies) and their buttons.

    Paragraphs are lines: extractors separate them by one newline or by a blank line.
    """
    out = _whole_lines(text, "cookies", COOKIE_BUTTONS.__contains__, 5)
    if "ookie" not in text:
        return out
    for line in nonblank_lines(text):
        body = line.text
        if "ookie" in body and approx_words(body) <= 120 and pat.COOKIE.search(body):
            out.append(line_deletion(text, line, "cookies"))
    return out


_NEWSLETTER_HINTS = ("newsletter", "inbox", "mail", "nieuwsbrief", "boletín", "mailing")


def newsletter(text: str, opts: RuleOptions) -> list[Deletion]:
    """Newsletter sign-up boxes: a short paragraph asking for an e-mail address, and buttons."""
    out = _whole_lines(text, "newsletter", NEWSLETTER_LINES.__contains__, 6)
    for line in nonblank_lines(text):
        if line.end - line.start > 600 or approx_words(line.text) > 60:
            continue
        low = line.text.lower()
        if any(h in low for h in _NEWSLETTER_HINTS) and pat.NEWSLETTER.search(low):
            out.append(line_deletion(text, line, "newsletter"))
    return out


def _is_breadcrumb(line: str) -> bool:
    if len(line) > 150 or not any(s in line for s in (">", "»", "›", "/", "|", "→", "::")):
        return False
    parts = [p.strip() for p in pat.BREADCRUMB_SEPARATOR.split(line.strip())]
    if len(parts) < 3 or any(not p or len(p.split()) > 6 for p in parts):
        return False
    if core(parts[0]) in BREADCRUMB_HOME:
        return True
    strong = sum(line.count(s) for s in (">", "»", "›", "→"))
    return strong >= len(parts) - 1 and len(parts) >= 4


def breadcrumb(text: str, opts: RuleOptions) -> list[Deletion]:
    """Breadcrumb trails: "Home > Health > Neuropathy", "Startseite » Ratgeber » Schlaf"."""
    return [
        line_deletion(text, line, "breadcrumb")
        for line in short_lines(text)
        if _is_breadcrumb(line.text)
    ]


def copyright_line(text: str, opts: RuleOptions) -> list[Deletion]:
    """Copyright footers: "© 1995-2022 Newsmatics Inc. All Right Reserved."."""
    out = []
    for line in short_lines(text):
        low = line.stripped.lower()
        if len(low.split()) <= 30 and pat.COPYRIGHT.match(low):
            out.append(line_deletion(text, line, "copyright"))
    return out
