"""Turning one structured record (a JSON object or a Parquet row) into a Document.

JSONL and Parquet share the field mapping of the `readers:` config section, so they share
this code: which field holds the id, the text, the HTML and the metadata columns. The mapping
is resolved once per file (`FieldMap`), not once per record: this runs millions of times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cleaner.document import Document
from cleaner.errors import NotText, RecordError
from cleaner.io.decode import decode_bytes
from cleaner.io.readers.base import Item, ReadSkip, record_id
from cleaner.options import Settings

_META = ("url", "title", "date", "author")


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record fields feed which Document attributes."""

    text: str
    html: str
    id: str | None
    meta: tuple[tuple[str, str], ...]
    mapped: frozenset[str]
    keep_fields: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldMap:
        meta = tuple((name, settings[f"{name}_field"]) for name in _META if settings[f"{name}_field"] is not None)
        mapped = {settings.text_field, settings.html_field, *(f for _, f in meta)}
        if settings.id_field is not None:
            mapped.add(settings.id_field)
        return cls(settings.text_field, settings.html_field, settings.id_field, meta, frozenset(mapped), settings.keep_fields)


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
    if fields.text not in record and fields.html not in record:
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
        doc.metadata = {k: v for k, v in record.items() if k not in fields.mapped}
    return doc


def metadata_json(metadata: dict[str, Any]) -> str | None:
    """The metadata column: sorted-key JSON, or null when there is nothing to keep."""
    if not metadata:
        return None
    return json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str)


def _string_field(record: dict[str, Any], field: str, html: bool = False) -> str | None:
    """The field as text: strings as they are, numbers written out, bytes (Parquet binary
    columns) decoded as a file's bytes would be (NotText for binary content)."""
    value = record.get(field)
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
