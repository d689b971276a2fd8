"""The title of each page, so the line model learns to keep it.

The gold texts of WCXB and AEB leave the page title out (WCXB has it in a field of its
own); a corpus keeps it: a title is what the page is about, and the sample pages' goldens
keep it. So the training labels count as content the line that carries the title: the
occurrence closest above the first line of gold content (a title also appears in menus,
breadcrumbs and "related" lists, which stay boilerplate).

Titles come from the gold `title` field where there is one, else the page's first `<h1>`.
"""

from __future__ import annotations

import gzip
import json
import re

import lxml.html

from pages import corpus

CACHE = corpus.BENCH / "pages" / "titles.json.gz"
_NORM = re.compile(r"[\W_]+")
#: A title this many lines above the first content line or further is not the article's.
MAX_GAP = 12


def normalise(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def first_h1(html: str) -> str:
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for h1 in root.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text:
            return text
    return ""


def page_titles() -> dict[str, list[str]]:
    """page id -> title candidates (normalised), cached under .bench/pages/."""
    if CACHE.is_file():
        with gzip.open(CACHE, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    found: dict[str, list[str]] = {}
    for page in corpus.wcxb_pages():
        entry = json.loads((corpus.WCXB_DIR / "dev" / "ground-truth" / f"{page.id.split('/')[1]}.json").read_text(encoding="utf-8"))
        found[page.id] = _candidates(entry["ground_truth"].get("title") or "", page.html)
    for source in (corpus.aeb_pages, corpus.eval_pages):
        for page in source():
            found[page.id] = _candidates("", page.html)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CACHE, "wt", encoding="utf-8") as fh:
        json.dump(found, fh)
    return found


def _candidates(title: str, html: str) -> list[str]:
    out = [normalise(t) for t in (title, first_h1(html)) if t and normalise(t)]
    return list(dict.fromkeys(out))


def title_line(lines: list[str], labels: list[float], titles: list[str]) -> int | None:
    """Index of the line carrying the page title, or None."""
    if not titles:
        return None
    first = next((i for i, v in enumerate(labels) if v >= 0.5), len(lines))
    for i in range(min(first, len(lines)) - 1, max(first - MAX_GAP, 0) - 1, -1):
        norm = normalise(lines[i])
        if norm and any(norm == t or (len(t) > 12 and t in norm and len(norm) < 2 * len(t)) for t in titles):
            return i
    return None
