"""Turning one structured record (a JSON object or a Parquet row) into a Document.

JSONL and Parquet share the field mapping of the `readers:` config section, so they share
this code: which field holds the id, the text, the HTML and the metadata columns. The mapping
is resolved once per file (`FieldMap`), not once per record: this runs millions of times.

A field name may be a dotted path into nested objects (`metadata.url`, as dolma writes it;
a Parquet struct column reads as a nested object): a key that is literally `metadata.url`
wins, else the path is followed object by object. A mapped field leaves the `metadata`
column (for a path, only its leaf; objects it leaves empty go too). Which mapped fields
occurred is counted per record (`FieldMap.count`), so a run can warn about a field name
that matched nothing instead of writing null urls in silence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from cleaner.document import META_FIELDS, Document, ReadSkip
from cleaner.errors import NotText, RecordError
from cleaner.io.decode import decode_bytes
from cleaner.io.items import Item, record_id
from cleaner.options import Settings

_META = META_FIELDS
#: The `readers:` options that name a record field, in the order stats.json lists them.
FIELD_OPTIONS = ("text_field", "html_field", "id_field", "url_field", "title_field", "date_field", "crawl_date_field", "author_field")
#: Key of FieldMap.count's tally of records (beside one key per field option).
RECORDS = "records"
_MISSING = object()


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record fields feed which Document attributes; `options` pairs each field
    option in use with its field name, for counting."""

    text: str
    html: str
    id: str | None
    meta: tuple[tuple[str, str], ...]
    mapped: frozenset[str]
    keep_fields: bool
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldMap:
        meta = tuple((name, settings[f"{name}_field"]) for name in _META if settings[f"{name}_field"] is not None)
        options = tuple((option, settings[option]) for option in FIELD_OPTIONS if settings[option] is not None)
        mapped = frozenset(field for _, field in options)
        return cls(settings.text_field, settings.html_field, settings.id_field, meta, mapped, settings.keep_fields, options)

    def count(self, record: Any, found: Counter[str]) -> None:
        """Add one record, and each mapped field it holds (not null), to `found`."""
        found[RECORDS] += 1
        if isinstance(record, dict):
            for option, field in self.options:
                if lookup(record, field) not in (None, _MISSING):
                    found[option] += 1


def record_to_item(record: Any, source: str, index: int, fields: FieldMap) -> Item:
    """Map one record to a Document, or a ReadSkip for an empty one (a null or blank text)
    or a non-text one (binary bytes); RecordError if unusable (no text field at all)."""
    if not isinstance(record, dict):
        raise RecordError(f"record is a JSON {type(record).__name__}, not an object")
    own_id = _string_field(record, fields.id) if fields.id is not None else None
    doc_id = own_id if own_id and own_id.strip() else record_id(source, index, multi=True)
    try:
        text = _string_field(record, fields.text)
        html = _string_field(record, fields.html, html=True)
    except NotText as exc:
        return ReadSkip(doc_id, source, index, "non_text", str(exc))
    if lookup(record, fields.text) is _MISSING and lookup(record, fields.html) is _MISSING:
        names = ", ".join(list(record)[:8]) or "none"
        raise RecordError(f"record has no {fields.text!r} or {fields.html!r} field (fields: {names}); set readers.text_field")
    if not (html and html.strip()) and not (text and text.strip()):
        return ReadSkip(doc_id, source, index, "empty", "the record's text is empty")
    doc = Document(id=doc_id, text="" if html else text or "", source=source, record=index, html=html or None)
    for name, field in fields.meta:
        value = _string_field(record, field)
        if value:
            setattr(doc, name, value.strip() or None)
    if fields.keep_fields:
        doc.metadata = _unmapped(record, fields.mapped)
    return doc


def lookup(record: dict[str, Any], field: str) -> Any:
    """The value at `field`: the key itself, else a dotted path followed object by object;
    `_MISSING` when there is none (null is a value: the field is there and empty)."""
    value = record.get(field, _MISSING)
    if value is not _MISSING or "." not in field:
        return value
    value = record
    for part in field.split("."):
        if not isinstance(value, dict):
            return _MISSING
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


def _unmapped(record: dict[str, Any], mapped: frozenset[str]) -> dict[str, Any]:
    """The record without its mapped fields, for the metadata column."""
    rest = {k: v for k, v in record.items() if k not in mapped}
    for field in mapped:
        if "." in field and field not in record:
            rest = _without_path(rest, field.split("."))
    return rest


def _without_path(obj: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    """A copy of `obj` without the leaf at `parts`; objects left empty go too."""
    head, rest = parts[0], parts[1:]
    if head not in obj:
        return obj
    if not rest:
        return {k: v for k, v in obj.items() if k != head}
    child = obj[head]
    if not isinstance(child, dict):
        return obj
    trimmed = _without_path(child, rest)
    out = {k: v for k, v in obj.items() if k != head}
    if trimmed:
        out[head] = trimmed
    return out


def field_report(settings: Settings, found: Counter[str]) -> tuple[dict[str, Any], list[str]]:
    """stats.json's `readers` section (how many JSONL/Parquet records held each mapped
    field) and a warning for each field option the config changed from its default that
    no record held: a misspelt or wrongly nested name would otherwise yield null in silence."""
    from cleaner.io.readers.reader_options import READER_OPTIONS

    defaults = {opt.name: opt.default for opt in READER_OPTIONS}
    records = found[RECORDS]
    fields = {option: {"field": settings[option], "records": found[option]}
              for option in FIELD_OPTIONS if settings[option] is not None}
    warnings = [f"readers.{option} {entry['field']!r} occurred in none of the {records:,} JSONL/Parquet records"
                for option, entry in fields.items()
                if records and not entry["records"] and entry["field"] != defaults[option]]
    return {"records": records, "fields": fields}, warnings


def _string_field(record: dict[str, Any], field: str, html: bool = False) -> str | None:
    """The field as text: strings as they are, numbers written out, bytes (Parquet binary
    columns) decoded as a file's bytes would be (NotText for binary content)."""
    value = lookup(record, field)
    if value is _MISSING:
        return None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return decode_bytes(bytes(value), html=html).text
        except NotText as exc:
            raise NotText(f"field {field!r}: {exc}") from None
    raise RecordError(f"field {field!r} is a {type(value).__name__}, not a string")
