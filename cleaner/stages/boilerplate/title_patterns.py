"""Pattern data for `title.py`: what a page's first heading looks like when it is no title.

Pure data. Flattened pages turn their screen-reader labels ("Main navigation",
"Breadcrumb"), menus ("Home | About"), addresses and list entries into first lines and
headings; none of them is the page's title.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

#: A level-1 Markdown heading (`# Title`) and any Markdown heading.
MD_TITLE = re.compile(r"[ \t]{0,3}#[ \t]+\S")
MD_ANY_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+\S")
#: A blank line between two lines of text.
BLANK_LINE = re.compile(r"\n[ \t]*\n")
#: The underline of a setext level-1 heading (`Title` over `=====`).
SETEXT_RULE = re.compile(r"[ \t]{0,3}={3,}[ \t]*")
#: Characters a menu or a breadcrumb is separated by ("Home | About", "Home » News").
SEPARATORS = re.compile(r"\s[|»›>/•·]\s|\s[|»›•]|[|»›•]\s")
#: An address in the line.
URL = re.compile(r"https?://|www\.|\.(?:com|org|net|html?)\b", _I)
#: A full stop between two sentences ("... burning pain. Neuropathic pain"); a question
#: before a subtitle ("Can X Cause Y? Unpacking the Link") and "Inc." or "Dr." are fine.
SENTENCE_BREAK = re.compile(r"[a-z]{3}\. +[A-Z]")
#: A list entry: "20) Ravensburger ...", "- item", "• item".
LIST_ITEM = re.compile(r"(?:\d{1,3}[.)]|[-*+•·▪►])\s")
#: Words of page furniture that no title is made of ("Main navigation", "Audience Nav",
#: "Breadcrumb", "Skip to content", "Loading..."); words that titles use too ("menu",
#: "search", "cookie") are left out.
CHROME_WORDS = re.compile(
    r"\b(?:navigation|nav|navbar|breadcrumbs?|sidebar|skip to|skip navigation|loading|"
    r"hauptnavigation|navegación|navigazione|nawigacja)\b",
    _I,
)
#: Characters a title does not end with (a label, a cut line, a list, a menu).
NOT_AN_END = ",;:([{/-–—|…•·»›>"
#: Code, not words: a `# comment` in a shell script or a config file is no heading (titles
#: do use brackets, slashes, `$` and backticks: "Best Laptops Under $500 [2025]").
CODE = re.compile(r"[={}]|\w\(\)")
#: Words of three letters or more, for comparing a title with the text under it.
CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
