"""Comment threads: recognise them, remove their headers, and drop spam comments.

A thread is a run of comment headers ("Lorren October 4, 2011 at 3:43 pm", "Jane says:"),
each followed by its comment. Policies (`RuleOptions.comments`):

- `keep`: headers go (they are page chrome), every comment stays;
- `drop_all`: headers and comments go;
- `drop_spam` (default): headers go, and so does a comment that is spam: a keyword-phrase
  name, stuffed links, gibberish, generic praise, or no words in common with the article.
  The article author's replies always stay.

A header over MAX_COMMENT_WORDS words or more (up to the next header) is not a comment header:
comments are short, and such a "comment" is most often the article itself under a byline
that reads like one ("Associated Press November 19, 2019, 9:02 AM"). Measured on the
held-out real pages of `benchmarks/textpages.py` before this rule: of the prose dropped as
spam in "comments" of 200 words or more, half was the pages' main text; under 100 words, 7%.

Relevance is the number of distinct content-word stems a comment shares with the article
body (the text before the first header): a reader describing their tingling feet shares
"tingling" and "muscle" with a neuropathy article; "It was dark when I woke" shares nothing.
Two shared stems make a comment relevant, one is enough for a short comment; generic praise
needs three. Against an article too short to have a vocabulary only the hard signals count.

A kept comment must not read as the author's words: its header goes but its line break
stays, so the comment starts a paragraph of its own even where the page put the header
right under the article's last line (or the previous comment's); the stage then marks where
the kept comments begin (`COMMENTS_OFFSET`, see `first_kept_comment`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cleaner.lang.profiles import ALL_STOPWORDS as STOPWORDS
from cleaner.stages.boilerplate import comment_patterns as cp
from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.rules_meta import find_byline
from cleaner.stages.boilerplate.text import SHORT_LINE, Line, letter_words, short_lines
from cleaner.stages.edits import Deletion

#: Distinct article stems an on-topic comment shares at least...
MIN_OVERLAP = 2
#: ...or one, for a comment this short ("An interesting way to cook liver, I'll try it").
SHORT_COMMENT_STEMS = 12
#: Overlap that outweighs generic praise ("Great post! Magnesium helped my cramps and ...").
PRAISE_OVERLAP = 3
#: An article with fewer content stems than this is too short to judge relevance against.
MIN_ARTICLE_STEMS = 30
#: A header over this many words (to the next header) heads no comment (module docstring).
MAX_COMMENT_WORDS = 200
#: The rule name of a removed header (or reply link) of a comment that stays.
HEADER = "comments.header"
_STEM = 6


@dataclass(frozen=True, slots=True)
class Header:
    """A comment header: its lines, the commenter's name and whether it gives a time."""

    start: int
    end: int
    name: str
    timed: bool


def _clean_name(name: str) -> str:
    """The commenter's name without lead-ins ("Kommentar von") and separators."""
    return cp.NAME_LEAD.sub("", name.strip(" ,-–—|@\t")).strip()


def _name_ok(name: str) -> bool:
    name = _clean_name(name)
    words = name.split()
    if not 0 < len(words) <= 6 or "|" in name or name[-1] in ".!?;:":
        return False
    return name[0].isalnum() and words[0].lower() not in cp.NOT_NAMES


def _header_at(line: Line) -> Header | None:
    found = _header_of(line.stripped)
    return Header(line.start, line.end, *found) if found else None


@lru_cache(maxsize=1 << 14)
def _header_of(text: str) -> tuple[str, bool] | None:
    """(commenter, timed) when the stripped line `text` is a comment header. A line is asked
    again in every cycle of the rules, hence the cache; a header with a date has a time (a
    clock reading: digits around ":", "." or "h"), one without says "says"/"wrote"/..., so
    most lines skip the costly patterns."""
    if len(text) > 110 or text.startswith("|"):
        return None
    if _CLOCK.search(text):
        found = pat.COMMENT_HEADER.fullmatch(text)
        if found and found["time"] and _name_ok(found["name"]):
            return _clean_name(found["name"]), True
    if pat.SAYS_WORD.search(text):
        found = pat.COMMENT_SAYS.fullmatch(text)
        if found and _name_ok(found["name"]):
            return _clean_name(found["name"]), False
    return None


#: What the time of every timed COMMENT_HEADER holds (`dates.TIME`): a cheap test first.
_CLOCK = re.compile(r"\d[:.h]\d{2}", re.IGNORECASE)


@lru_cache(maxsize=1 << 14)
def _is_datetime(text: str) -> bool:
    """Whether the stripped line `text` is only a date and time (cached as `_header_of`; the
    time it must hold is the cheap test first)."""
    return _CLOCK.search(text) is not None and pat.COMMENT_DATETIME.fullmatch(text) is not None


def find_headers(text: str) -> list[Header]:
    """Comment headers in reading order.

    Three shapes: "NAME DATE at TIME" on one line, "NAME says:" (which absorbs a date line
    under it), and a short name line directly followed by a "DATE at TIME" line.
    """
    candidates = short_lines(text)
    headers: list[Header] = []
    for k, line in enumerate(candidates):
        found = _header_at(line)
        if found:
            headers.append(found)
            continue
        if k == 0 or not _is_datetime(line.stripped):
            continue
        above = candidates[k - 1]
        if headers and headers[-1].start == above.start:
            headers[-1] = Header(above.start, line.end, headers[-1].name, True)
        elif len(above.text.split()) <= 4 and _name_ok(above.stripped):
            headers.append(Header(above.start, line.end, _clean_name(above.stripped), True))
    return headers


def may_head_comment(line: str) -> bool:
    """Whether `line` can be a comment header or the date line of one: `comments` finds
    nothing in a text without such a line (`registry.Rule.trigger`)."""
    stripped = line.strip()
    if not stripped or len(line) > SHORT_LINE:
        return False
    if _CLOCK.search(stripped) is None and pat.SAYS_WORD.search(stripped) is None:
        return False  # a header has a time or a "says"; a date line has a time
    return _header_of(stripped) is not None or _is_datetime(stripped)


def _is_thread(text: str, headers: list[Header]) -> bool:
    if len(headers) >= 2:
        return True
    return len(headers) == 1 and headers[0].timed and headers[0].start > len(text) // 3


def stems(text: str) -> set[str]:
    """Content-word stems: lowercase words of 4+ letters, stopwords out, cut to 6 letters."""
    return {
        w[:_STEM] for w in (w.lower() for w in letter_words(text)) if len(w) >= 4 and w not in STOPWORDS
    }


def _gibberish(body: str) -> bool:
    words = [w.lower() for w in letter_words(body) if len(w) >= 4]
    if len(words) < 3:
        return False
    odd = sum(1 for w in words if not (set(w) & cp.VOWELS) or len(w) > 18)
    return odd * 3 > len(words)


def _seo_name(name: str) -> bool:
    """A name made of keywords ("hosting cheap hosting"), repeating a word, or a domain."""
    words = name.lower().replace("-", " ").split()
    if any(w in cp.SEO_WORDS for w in words) or "." in name.replace(". ", " ").strip("."):
        return True
    return len(set(words)) < len(words)


def is_spam(name: str, body: str, article: set[str]) -> bool:
    """Whether a comment is spam under `drop_spam` (see the module docstring).

    Relevance is only judged against an article long enough to have a vocabulary; below
    MIN_ARTICLE_STEMS only the hard signals (name, links, gibberish, empty) and generic
    praise count.
    """
    if not body.strip():
        return True
    if _seo_name(name) or _gibberish(body):
        return True
    if len(cp.URL.findall(body)) >= 2 or cp.PIPE_LIST.search(body):
        return True
    own = stems(body)
    overlap = len(own & article)
    if cp.PRAISE.search(body):
        return overlap < PRAISE_OVERLAP
    if len(article) < MIN_ARTICLE_STEMS:
        return False
    return overlap < (1 if len(own) <= SHORT_COMMENT_STEMS else MIN_OVERLAP)


def _same_person(name: str, author: str | None) -> bool:
    if not author:
        return False
    a, b = name.lower().split(","), author.lower().split(",")
    return a[0].strip() == b[0].strip()


def comments(text: str, opts: RuleOptions) -> list[Deletion]:
    """Remove comment headers, and spam comments (or all comments) per the policy."""
    headers = _over_short_bodies(text, find_headers(text))
    if not headers or not _is_thread(text, headers):
        return []
    article = stems(text[: headers[0].start])
    author = opts.author or _byline_author(text[: headers[0].start])
    out: list[Deletion] = []
    for k, head in enumerate(headers):
        body_end = headers[k + 1].start if k + 1 < len(headers) else len(text)
        body = text[head.end : body_end]
        whole = opts.comments == "drop_all" or (
            opts.comments == "drop_spam"
            and not _same_person(head.name, author)
            and is_spam(head.name, body, article)
        )
        if whole:
            label = "comments.spam" if opts.comments == "drop_spam" else "comments.all"
            out.append((head.start, body_end, label))
            continue
        out.append((head.start, head.end, HEADER))  # its line break stays: a paragraph break
        out.extend(_reply_links(text, head.end, body_end))
    return out


def _over_short_bodies(text: str, headers: list[Header]) -> list[Header]:
    """The headers over fewer than MAX_COMMENT_WORDS words up to the next such header.

    Looked at from the last header back: a header over a long body is dropped, and its line
    and body then count in the body of the header before it (two copies of an agency byline
    over the article drop both)."""
    kept: list[Header] = []
    carried = 0  # words of the dropped headers and bodies between this body's end and the next kept header
    for k in range(len(headers) - 1, -1, -1):
        head = headers[k]
        own_end = headers[k + 1].start if k + 1 < len(headers) else len(text)
        words = len(text[head.end : own_end].split()) + carried
        if words >= MAX_COMMENT_WORDS:
            carried = words + len(text[head.start : head.end].split())
        else:
            kept.append(head)
            carried = 0
    return kept[::-1]


def first_kept_comment(spans: list, text: str, position) -> int | None:
    """Where the first kept comment starts in the stage's output `text`: after the first
    header removed from a comment that stayed (`position` maps the stage's input offsets to
    its output); None when no comment stayed."""
    headers = [s for s in spans if s.rule == HEADER]
    if not headers:
        return None
    first = min(headers, key=lambda s: s.offset)
    start = position(first.offset + len(first.text))
    while start < len(text) and text[start].isspace():
        start += 1
    return start if start < len(text) else None


def _reply_links(text: str, start: int, end: int) -> list[Deletion]:
    return [
        (ln.start, min(ln.end + 1, len(text)), HEADER)
        for ln in short_lines(text)
        if start <= ln.start < end and ln.stripped.lower().strip(" ↓↩→»") in cp.REPLY_LINKS
    ]


def _byline_author(head: str) -> str | None:
    found = find_byline(head)
    return found.author if found else None
