"""HTML flattened to text the way scrapers do it, chrome and all.

Nothing is judged here: navigation, sidebars, footers, cookie notices and comment threads all
stay. Flavours, because real dumps come from different flatteners and a cleaner must not
depend on one of them:

- `blocks`: every block element on its own line, inline text joined, script/style/template
  content and elements hidden by `hidden` or inline CSS dropped (what "all visible text"
  scrapers and Common Crawl WET produce). `<noscript>` content stays: a scraper runs no
  JavaScript, so it sees what a browser without JavaScript shows (Discourse forums serve
  their posts there);
- `blank`: the same with a blank line between blocks (readers that separate paragraphs);
- `markdown`: html2text's Markdown, links and images kept (`[text](url)`), like the sample
  pages in ../shared/seeds;
- `resiliparse`: resiliparse's `extract_plain_text(main_content=False)` (bullets, indents),
  when resiliparse is installed.

Two more flavours are never used in training (`UNSEEN`): they show how the stage does on a
flattener it has not seen, as the pages it will meet come from flatteners nobody here chose:

- `markdownify`: markdownify's Markdown (ATX headings, `*` bullets, links kept), with
  script, style, noscript and template content removed first as scrapers do;
- `inscriptis`: inscriptis's text rendering (tables laid out in columns, indented lists).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
from lxml import etree

#: Elements whose content is never visible text.
_INVISIBLE = frozenset(
    "script style template svg head iframe object embed canvas map math".split()
)
#: Elements that start a new line.
_BLOCK = frozenset(
    """p div section article header footer nav aside main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd
    table thead tbody tfoot tr caption blockquote pre form fieldset legend figure figcaption
    address details summary hr br option label button body html center menu dialog
    select textarea""".split()
)
_CELLS = frozenset(("td", "th"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _walk(el: etree._Element, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if tag in _INVISIBLE or not isinstance(el.tag, str) or _hidden(el):
        if el.tail:
            out.append(el.tail)
        return
    block = tag in _BLOCK
    if block:
        out.append("\n")
    elif tag in _CELLS:
        out.append(" \t ")
    if tag == "img":
        pass
    if el.text:
        out.append(el.text)
    for child in el:
        _walk(child, out)
    if block:
        out.append("\n")
    if el.tail:
        out.append(el.tail)


def _lines(pieces: list[str]) -> list[str]:
    text = "".join(pieces)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


#: An XML declaration, which lxml refuses on a decoded string (XHTML pages carry one).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse(html: str) -> etree._Element | None:
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return None
    return root


def blocks(html: str) -> str:
    """Every visible block on its own line."""
    root = _parse(html)
    if root is None:
        return ""
    out: list[str] = []
    _walk(root, out)
    return "\n".join(_lines(out))


def blank(html: str) -> str:
    """Every visible block on its own line, blocks separated by a blank line."""
    root = _parse(html)
    if root is None:
        return ""
    out: list[str] = []
    _walk(root, out)
    return "\n\n".join(_lines(out))


def markdown(html: str) -> str:
    """html2text's Markdown of the whole page (links and images kept)."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.unicode_snob = True
    try:
        text = converter.handle(html)
    except Exception:  # html2text raises on some broken markup; the page is then empty
        return ""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def resiliparse(html: str) -> str:
    """resiliparse's plain text of the whole page (no main-content detection)."""
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=False, alt_texts=False).strip()


_SCRIPTS = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>")


def markdownify(html: str) -> str:
    """markdownify's Markdown of the whole page (never trained on, see `UNSEEN`)."""
    import markdownify as md

    try:
        text = md.markdownify(_SCRIPTS.sub("", html), heading_style="ATX")
    except Exception:  # a converter's crash on broken markup leaves the page empty
        return ""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def inscriptis(html: str) -> str:
    """inscriptis's text rendering of the whole page (never trained on, see `UNSEEN`)."""
    from inscriptis import get_text

    try:
        return get_text(html).strip()
    except Exception:  # as above
        return ""


FLAVOURS: dict[str, Callable[[str], str]] = {
    "blocks": blocks,
    "blank": blank,
    "markdown": markdown,
    "resiliparse": resiliparse,
    "markdownify": markdownify,
    "inscriptis": inscriptis,
}
#: Flatteners the line model is never trained on (benchmarks/train_lines.py must not use them).
UNSEEN = ("markdownify", "inscriptis")
