"""Turn trafilatura's XML body into plain text that keeps the page's block structure.

trafilatura's own `txt` output puts every block on one line and a `<br>` inside a paragraph
on a line too, so a later stage cannot tell a paragraph break from a line break; its
`markdown` output keeps the breaks but adds emphasis marks and escapes. Here each block
element (paragraph, heading, list, table, quote paragraph, code block) is rendered by
trafilatura's own `xmltotxt` and the blocks are joined with one blank line: paragraphs are
what the boilerplate and passage stages work on. Inside a block trafilatura's rendering is
kept as is: a list is one line per item (`- item`), a table one line per row, a `<br>`
one line break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: Elements that only group blocks: their children become blocks of their own.
CONTAINERS = frozenset({"div", "quote", "body", "note", "figure"})

#: Elements that start a block of their own when found inside a container.
BLOCKS = frozenset({"p", "head", "list", "table", "quote", "code", "div", "note", "figure"})

#: Separator between blocks.
PARAGRAPH_BREAK = "\n\n"

#: Spaces at the end of a line (trafilatura ends table rows with "| ").
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def body_to_text(body: Any) -> str:
    """Plain text of an extracted body: blocks separated by blank lines, none empty."""
    if body is None:
        return ""
    lead = (body.text or "").strip()  # text before the first block (a page of bare text)
    return PARAGRAPH_BREAK.join([lead, *block_texts(body)] if lead else block_texts(body))


def block_texts(element: Any) -> Iterator[str]:
    """The rendered text of each block under `element`, in document order.

    A container is split into its children only when it has no loose text of its own
    (text directly in a `<div>` would otherwise be lost or glued to a neighbour). A
    block's tail (loose text after it) is part of the block, as `xmltotxt` renders it.
    """
    from trafilatura.xml import xmltotxt

    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            continue
        if child.tag in CONTAINERS and _only_blocks(child):
            yield from block_texts(child)
        else:
            text = _TRAILING_SPACE.sub("", xmltotxt(child, False)).strip()
            if text:
                yield text


def _only_blocks(element: Any) -> bool:
    """True when `element` holds block children and no text outside them."""
    if (element.text or "").strip():
        return False
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return False
    return all(c.tag in BLOCKS and not (c.tail or "").strip() for c in children)
