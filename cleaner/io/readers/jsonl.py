"""JSON Lines (`.jsonl`, `.ndjson`): one document per non-blank line."""

from __future__ import annotations

import json
from typing import BinaryIO

from cleaner.errors import RecordError
from cleaner.io.readers.base import ItemStream, ReadFailure
from cleaner.io.readers.records import FieldMap, record_to_item
from cleaner.options import Settings

_CHUNK = 1 << 20


def read_jsonl(stream: BinaryIO, source: str, settings: Settings) -> ItemStream:
    """Yield one item per non-blank line; record N is the N-th non-blank line (0-based).

    A line longer than `max_record_mb` is skipped without loading it; malformed JSON, a
    missing text field or bad UTF-8 is an error row for that line only.
    """
    limit = int(settings.max_record_mb * 2**20)
    fields = FieldMap.from_settings(settings)
    index = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield ReadFailure(source, index, f"line is larger than readers.max_record_mb ({settings.max_record_mb:g} MB); not loaded")
            index += 1
            continue
        if not line.strip():
            continue
        yield _parse_line(line, source, index, fields)
        index += 1


def _parse_line(line: bytes, source: str, index: int, fields: FieldMap):
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadFailure(source, index, f"line is not valid UTF-8 (byte {exc.start}); JSON Lines must be UTF-8")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadFailure(source, index, f"invalid JSON: {exc.msg} (column {exc.colno})")
    try:
        return record_to_item(record, source, index, fields)
    except RecordError as exc:
        return ReadFailure(source, index, str(exc))


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
