"""Markup residue: HTML tags and entities, markdown syntax, lone bullets and quote marks.

The corpus is plain text, so markup left by an extractor is residue, not content:
`# Title` keeps "Title", `*text*` keeps "text", `[text](url)` keeps "text", and a link or
image with no text goes whole. Bare URLs and list bullets ("- item", "• item") stay: they
are text a reader sees. Every rule here bails out on a substring test when its marker
character is absent, which is the common case.
"""

from __future__ import annotations

import re

from cleaner.stages.boilerplate.phrases import LINK_CTA
from cleaner.stages.boilerplate.rule_options import RuleOptions
from cleaner.stages.boilerplate.text import line_deletion, short_lines
from cleaner.stages.edits import Deletion

_HTML_TAG_NAMES = (
    "a abbr address article aside audio b big blockquote body br button caption center cite "
    "code col colgroup dd del details div dl dt em embed figcaption figure font footer form "
    "h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label li link main mark "
    "meta nav noscript object ol option p param picture pre q s section select small source "
    "span strike strong sub summary sup svg table tbody td textarea tfoot th thead time title "
    "tr tt u ul video wbr"
).split()
_TAG_NAMES = frozenset(_HTML_TAG_NAMES)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,9})(?:\s[^<>]{0,500})?/?>")
_TAG_BODY = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_HEADING = re.compile(r"^([ \t]{0,3}#{1,6}[ \t]+)\S[^\n]*?([ \t]+#+)?[ \t]*$", re.MULTILINE)
#: Paired emphasis markers. The lookbehind is `_flanked`'s opening test (a marker opens
#: after a space, an opening bracket or quote, or a dash), so the markers inside words and
#: URLs (`snake_case`, `a_b.html`) are not tried: the same matches, found sooner.
_EMPHASIS = re.compile(r"(?<![^\s(\[{\"'“‘\-–—/])(\*{1,3}|_{1,3})(?=[^\s*_])[^\n]{0,300}?[^\s*_\\]\1(?![\w*])")
_CLOSERS = ".,;:!?)]}\"'”’-–—/"
_RULE_LINE = re.compile(r"[ \t]*(?:[-*_=][ \t]*){3,}")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_AUTOLINK = re.compile(r"<(?:https?|ftp)://[^\s<>]+>|<[\w.+-]+@[\w-]+(?:\.[\w-]+)+>")
_CTA = "|".join(re.escape(p) for p in sorted(LINK_CTA, key=len, reverse=True))
_PAREN_CTA = re.compile(
    rf"\(\s*(?:\[\s*(?:{_CTA})\s*\]\([^)\n]*\)|(?:{_CTA}))\s*[.!]?\s*\)", re.IGNORECASE
)
_TAIL_CTA = re.compile(rf"\[\s*(?:{_CTA})\s*[.!…»›]*\s*\]\([^)\n]*\)[ \t]*(?=\n|$)", re.IGNORECASE)


def html_tags(text: str, opts: RuleOptions) -> list[Deletion]:
    """Leftover HTML tags, comments and script/style bodies (`<br />` leaves its space)."""
    if "<" not in text:
        return []
    out = [
        (m.start(), m.end(), "html_tags")
        for m in _TAG.finditer(text)
        if m.group(1).lower() in _TAG_NAMES
    ]
    if "<!--" in text or "<s" in text or "<S" in text:
        out.extend((m.start(), m.end(), "html_tags") for m in _TAG_BODY.finditer(text))
    return out


def entities(text: str, opts: RuleOptions) -> list[Deletion]:
    """Undecoded HTML entities; `&amp;` keeps its `&` (deleting "amp;" is the decoding)."""
    if "&" not in text:
        return []
    out: list[Deletion] = []
    for m in _ENTITY.finditer(text):
        start = m.start() + 1 if m.group(0).lower() == "&amp;" else m.start()
        out.append((start, m.end(), "entities"))
    return out


def md_headings(text: str, opts: RuleOptions) -> list[Deletion]:
    """Markdown heading markers: `## Title ##` keeps "Title"."""
    if "#" not in text:
        return []
    out: list[Deletion] = []
    for m in _HEADING.finditer(text):
        out.append((m.start(1), m.end(1), "md_headings"))
        if m.group(2):
            out.append((m.start(2), m.end(2), "md_headings"))
    return out


def _flanked(text: str, m: re.Match[str]) -> bool:
    """Emphasis opens after a space or opening punctuation and closes before a space or
    punctuation; `_` emphasis holds plain words (no code such as `(_, y, *_)` or `_name_`)."""
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if not (before.isspace() or before in "([{\"'“‘-–—/") or not (after.isspace() or after in _CLOSERS):
        return False
    inner = m.group(0)[len(m.group(1)) : -len(m.group(1))]
    return m.group(1)[0] == "*" or not any(ch in inner for ch in "_()=[]{}<>")


def md_emphasis(text: str, opts: RuleOptions) -> list[Deletion]:
    """Paired `*`/`_` emphasis markers on one line; the emphasised words stay."""
    if "*" not in text and "_" not in text:
        return []
    out: list[Deletion] = []
    pos = 0
    while True:
        m = _EMPHASIS.search(text, pos)
        if m is None:
            break
        if not _flanked(text, m):
            pos = m.start() + 1
            continue
        pos = m.end()
        width = len(m.group(1))
        out.append((m.start(), m.start() + width, "md_emphasis"))
        out.append((m.end() - width, m.end(), "md_emphasis"))
    return out


def is_rule_line(line: str) -> bool:
    """Whether `line` is a horizontal rule or a setext underline: `hr` finds nothing in a text
    without one (`registry.Rule.trigger`)."""
    return _RULE_LINE.fullmatch(line) is not None


def hr(text: str, opts: RuleOptions) -> list[Deletion]:
    """Horizontal rules and setext underlines (`---`, `***`, `* * *`, `===`)."""
    if "\n" not in text or not any(m in text for m in ("---", "***", "___", "===", "* *", "- -")):
        return []
    return [
        line_deletion(text, line, "hr")
        for line in short_lines(text)
        if _RULE_LINE.fullmatch(line.text)
    ]


def residue(text: str, opts: RuleOptions) -> list[Deletion]:
    """Lines with no word at all: a lone bullet, quote mark, pipe or ellipsis."""
    out: list[Deletion] = []
    for line in short_lines(text):
        stripped = line.stripped
        if len(stripped) <= 12 and not any(ch.isalnum() for ch in stripped):
            out.append(line_deletion(text, line, "residue"))
    return out


def link_cta(text: str, opts: RuleOptions) -> list[Deletion]:
    """Links that only point elsewhere: "([More information here](#))", a trailing "[Read more](…)".

    Only in parentheses or after the end of a sentence; "click here" inside a sentence stays.
    """
    if "(" not in text:
        return []
    out: list[Deletion] = []
    for m in _PAREN_CTA.finditer(text):
        start = m.start() - 1 if m.start() > 0 and text[m.start() - 1] == " " else m.start()
        out.append((start, m.end(), "link_cta"))
    if "](" in text:
        for m in _TAIL_CTA.finditer(text):
            before = text[: m.start()].rstrip(" \t")
            if before and before[-1] in ".!?:…":
                out.append((len(before), m.end(), "link_cta"))
    return out


def links(text: str, opts: RuleOptions) -> list[Deletion]:
    """Markdown links keep their text; images and empty links go; `<url>` loses its brackets."""
    out: list[Deletion] = []
    if "](" in text:
        for m in _IMAGE.finditer(text):
            out.append((m.start(), m.end(), "links"))
        for m in _LINK.finditer(text):
            if m.start() > 0 and text[m.start() - 1] == "!":
                continue
            if not m.group(1).strip():
                out.append((m.start(), m.end(), "links"))
            else:
                out.append((m.start(), m.start() + 1, "links"))
                out.append((m.end(1), m.end(), "links"))
    if "<" in text:
        for m in _AUTOLINK.finditer(text):
            out.append((m.start(), m.start() + 1, "links"))
            out.append((m.end() - 1, m.end(), "links"))
    return out
