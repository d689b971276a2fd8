"""Metadata read back from what the rules removed and left: author, date and title.

The rules only delete; this module turns the deleted bylines into `author` and `date`
fields, the date as ISO `YYYY-MM-DD` when it can be read without guessing (else as written).
The first byline wins; a wire dateline supplies the date when no byline did. The author is
cleaned like the html stage's (`cleaner.stages.metadata`: "By Admin" names no one). The
title is the page's first heading among the lines left (`title.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.document import Span
from cleaner.stages.boilerplate.dates import DATE_RE, parse_date
from cleaner.stages.boilerplate.rules_meta import find_byline
from cleaner.stages.boilerplate.title import find_title
from cleaner.stages.edits import TextEditor
from cleaner.stages.metadata import clean_author


def _date_value(raw: str | None) -> str | None:
    if not raw:
        return None
    return parse_date(raw) or " ".join(raw.split())


def page_fields(editor: TextEditor) -> dict[str, str]:
    """Every field the stage found: author and date from its spans, the title from its text."""
    fields = extract_fields(editor.spans)
    title = find_title(editor)
    if title:
        fields["title"] = title
    return fields


def extract_fields(spans: Iterable[Span]) -> dict[str, str]:
    """`author` and `date` from byline and wire-dateline spans, first found first."""
    fields: dict[str, str] = {}
    for span in spans:
        if span.rule == "byline":
            found = find_byline(span.text.strip())
            author = clean_author(found.author) if found else None
            if author and "author" not in fields:
                fields["author"] = author
            if found and "date" not in fields and _date_value(found.date):
                fields["date"] = _date_value(found.date) or ""
        elif span.rule == "wire_dateline" and "date" not in fields:
            raw = DATE_RE.search(span.text)
            if raw:
                fields["date"] = _date_value(raw.group(0)) or ""
    return fields
