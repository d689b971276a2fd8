"""The title of a plain-text page: its first heading, read after the rules have run.

A Markdown page names its title with a `#` heading; a plain page puts it on its first line,
set apart by a blank line, with the article right under it. Scraped pages also start with
site names, menus and "Skip to content", so the title is looked for only among the lines
the rules left (the line as they left it: no `#` markers, no link markup), and a line is
taken only on evidence:

- on a Markdown page (one with `#` headings), its level-1 heading, when exactly one level-1
  heading left reads as a title: a page has one title, and pages that flatten their menus,
  logos and teasers into `#` headings have several or none that read as titles;
- on a page without Markdown headings, the first line left, when it reads as a title, a
  blank line follows it in the page as read, the next line left is running text that
  starts a sentence (half a sentence cut by an image is followed by its lowercase rest),
  the page reads as an article (few short lines left: no menu survived the rules), and
  at least half of the title's words come back in the text under it. A flattened page
  starts with a site name, a cookie notice or a banner that passes the other tests; its
  words are not the article's.

Anything else gives no title (None): a wrong title is worse than none. How often each case
finds the real title, on real pages flattened as scrapers flatten them, is measured by
`benchmarks/metadata_quality.py`.
"""

from __future__ import annotations

from cleaner.lang.profiles import ALL_STOPWORDS as STOPWORDS
from cleaner.stages.boilerplate import title_patterns as pat
from cleaner.stages.boilerplate.dates import DATE_RE
from cleaner.stages.boilerplate.phrases import LOGIN, NAV, NEWSLETTER_LINES
from cleaner.stages.boilerplate.text import Line, core, is_prose, lines, starts_lowercase
from cleaner.stages.edits import TextEditor

#: A title has at most this many words and characters.
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200
#: A title needs this many words (one word is a site name, a menu item or a section label).
MIN_TITLE_WORDS = 2
#: A plain page reads as an article when at most this share of its lines left are short
#: (fewer than `SHORT_LINE_WORDS` words): a menu, a footer or a sidebar has many.
MAX_SHORT_LINES = 0.2
SHORT_LINE_WORDS = 4
#: Share of a plain title's words that must come back in the first `INTRO_WORDS` words
#: under it.
MIN_TITLE_OVERLAP = 0.5
INTRO_WORDS = 150


def find_title(editor: TextEditor) -> str | None:
    """The page's title as the rules left it, or None when the page shows none for sure."""
    rows = lines(editor.original)
    if _has_markdown_headings(editor.original, rows):
        return _markdown_title(editor, rows)
    return _first_line_title(editor, rows)


def _has_markdown_headings(text: str, rows: tuple[Line, ...]) -> bool:
    """Whether the page marks headings the Markdown way (`# Heading`, or `===` under one).

    Markdown separates its paragraphs by blank lines: in a text without one (a page
    flattened a block a line, a code listing) a `#` line is a comment or a hashtag.
    """
    if not pat.BLANK_LINE.search(text.strip()):
        return False
    if "#" in text and any(pat.MD_ANY_HEADING.match(line.text) for line in rows):
        return True
    return "===" in text and any(_is_setext(rows, i) for i in range(len(rows) - 1))


def _is_setext(rows: tuple[Line, ...], i: int) -> bool:
    """Whether line i is a heading underlined with `===` on the next line."""
    return bool(rows[i].text.strip()) and bool(pat.SETEXT_RULE.fullmatch(rows[i + 1].text))


def reads_as_title(text: str, min_words: int = MIN_TITLE_WORDS) -> bool:
    """A short line that starts like a title and does not end like a sentence or a label."""
    words = text.split()
    if not min_words <= len(words) <= MAX_TITLE_WORDS or len(text) > MAX_TITLE_CHARS:
        return False
    first = text.lstrip("\"'“‘„«¿¡")[:1]
    if not (first.isupper() or first.isdigit()) or text[-1] in pat.NOT_AN_END:
        return False
    if text[-1] == "." and not text.endswith("..."):
        return False
    if pat.SEPARATORS.search(text) or pat.URL.search(text) or pat.SENTENCE_BREAK.search(text):
        return False
    if pat.LIST_ITEM.match(text) or pat.CODE.search(text) or _is_date(text):
        return False
    return not _is_chrome(text)


def _is_date(text: str) -> bool:
    """A date with at most two other words around it ("15th Dec 2025", "Monday, May 19")."""
    found = DATE_RE.search(text)
    return found is not None and len(text.split()) - len(found.group(0).split()) <= 2


def _is_chrome(text: str) -> bool:
    """Page furniture: a whole line of navigation, login or newsletter phrases ("Sign in"),
    or a label made of furniture words ("Main navigation", "Breadcrumb")."""
    label = core(text)
    return label in NAV or label in LOGIN or label in NEWSLETTER_LINES or bool(pat.CHROME_WORDS.search(label))


def _left(editor: TextEditor, line: Line) -> str:
    return " ".join(editor.surviving(line.start, line.end).split())


def _markdown_title(editor: TextEditor, rows: tuple[Line, ...]) -> str | None:
    """The one level-1 heading (`# Title`, or `Title` over `===`) left that reads as a title."""
    found: list[str] = []
    for i, line in enumerate(rows):
        if not (pat.MD_TITLE.match(line.text) or (i + 1 < len(rows) and _is_setext(rows, i))):
            continue
        left = _left(editor, line)
        if left and reads_as_title(left):
            found.append(left)
            if len(found) > 1:
                return None
    return found[0] if found else None


def _first_line_title(editor: TextEditor, rows: tuple[Line, ...]) -> str | None:
    """The first line left, when a blank line follows it and running text comes next."""
    first = _next_left(editor, rows, 0)
    if first is None:
        return None
    index, title = first
    if not reads_as_title(title):
        return None
    if index + 1 >= len(rows) or rows[index + 1].text.strip():
        return None
    following = _next_left(editor, rows, index + 1)
    if following is None or not is_prose(following[1]) or starts_lowercase(following[1]):
        return None  # a lowercase start continues a sentence the "title" cut off
    if not _reads_as_article(editor.text) or not _introduces(title, editor, rows, following[0]):
        return None
    return title


def _reads_as_article(text: str) -> bool:
    """Few short lines: headings and paragraphs, no menu, footer or sidebar left."""
    found = [line for line in text.split("\n") if line.strip()]
    short = sum(1 for line in found if len(line.split()) < SHORT_LINE_WORDS)
    return bool(found) and short <= MAX_SHORT_LINES * len(found)


def _introduces(title: str, editor: TextEditor, rows: tuple[Line, ...], start: int) -> bool:
    """At least half of the title's words come back in the first words under it."""
    words = {w.lower() for w in pat.CONTENT_WORD.findall(title)} - STOPWORDS
    if not words:
        return False
    under: list[str] = []
    for line in rows[start:]:
        under.extend(_left(editor, line).split())
        if len(under) >= INTRO_WORDS:
            break
    seen = {w.lower() for w in pat.CONTENT_WORD.findall(" ".join(under[:INTRO_WORDS]))}
    return len(words & seen) >= MIN_TITLE_OVERLAP * len(words)


def _next_left(editor: TextEditor, rows: tuple[Line, ...], start: int) -> tuple[int, str] | None:
    """(index, text) of the first line from `start` on that the rules did not delete."""
    for index in range(start, len(rows)):
        line = rows[index]
        if line.text.strip():
            left = _left(editor, line)
            if left:
                return index, left
    return None
