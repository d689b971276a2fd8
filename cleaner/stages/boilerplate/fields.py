"""Metadata read back from what the byline and dateline rules removed.

The rules only delete; this module turns the deleted bylines into `author` and `date`
fields, the date as ISO `YYYY-MM-DD` when it can be read without guessing (else as written).
The first byline wins; a wire dateline supplies the date when no byline did.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.document import Span
from cleaner.stages.boilerplate.dates import DATE_RE, parse_date
from cleaner.stages.boilerplate.rules_meta import find_byline


def _date_value(raw: str | None) -> str | None:
    if not raw:
        return None
    return parse_date(raw) or " ".join(raw.split())


def extract_fields(spans: Iterable[Span]) -> dict[str, str]:
    """`author` and `date` from byline and wire-dateline spans, first found first."""
    fields: dict[str, str] = {}
    for span in spans:
        if span.rule == "byline":
            found = find_byline(span.text.strip())
            if found and found.author and "author" not in fields:
                fields["author"] = found.author
            if found and "date" not in fields and _date_value(found.date):
                fields["date"] = _date_value(found.date) or ""
        elif span.rule == "wire_dateline" and "date" not in fields:
            raw = DATE_RE.search(span.text)
            if raw:
                fields["date"] = _date_value(raw.group(0)) or ""
    return fields
