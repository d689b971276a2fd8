"""JSON Lines (`.jsonl`, `.ndjson`): one document per non-blank line."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO

from cleaner.document import FileNote, ReadFailure
from cleaner.errors import RecordError
from cleaner.io.items import Deferred, ItemStream
from cleaner.io.readers.records import FieldMap, record_to_item
from cleaner.io.unicode import json_may_hold_surrogates, replace_surrogates
from cleaner.options import Settings

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class UnparsedLine(Deferred):
    """One JSON line whose decoding is left to a worker (see `Deferred`)."""

    source: str
    record: int
    line: bytes
    fields: FieldMap

    def parse(self, found: Counter[str] | None = None, notes: Counter[str] | None = None):
        return _parse_line(self.line, self.source, self.record, self.fields, found, notes)

    def __reduce__(self):
        """Pickle as the constructor's arguments (a batch holds hundreds of these, and the
        default protocol for frozen slotted dataclasses builds a state dict for each)."""
        return (UnparsedLine, (self.source, self.record, self.line, self.fields))

    @property
    def size(self) -> int:
        return len(self.line)


def read_jsonl(stream: BinaryIO, source: str, settings: Settings, defer: bool = False) -> ItemStream:
    """Yield one item per non-blank line; record N is the N-th non-blank line (0-based).

    A line longer than `max_record_mb` is skipped without loading it; malformed JSON, a
    missing text field or bad UTF-8 is an error row for that line only. With `defer`, lines
    come out as `UnparsedLine`s for a worker to decode (and count their repairs there);
    otherwise the repairs are counted in a `FileNote` at the end.
    """
    limit = int(settings.max_record_mb * 2**20)
    fields = FieldMap.from_settings(settings)
    notes: Counter[str] = Counter()
    index = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            if notes:
                yield FileNote(source, dict(notes))
            return
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield ReadFailure(source, index, f"line is larger than readers.max_record_mb ({settings.max_record_mb:g} MB); not loaded")
            index += 1
            continue
        if not line.strip():
            continue
        yield UnparsedLine(source, index, line, fields) if defer else _parse_line(line, source, index, fields, notes=notes)
        index += 1


def _parse_line(line: bytes, source: str, index: int, fields: FieldMap, found: Counter[str] | None = None,
                notes: Counter[str] | None = None):
    """One line to an item; lone surrogates in its strings are replaced and counted in
    `notes` under `lone_surrogates` (see `cleaner.io.unicode`)."""
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadFailure(source, index, f"line is not valid UTF-8 (byte {exc.start}); JSON Lines must be UTF-8")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadFailure(source, index, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return ReadFailure(source, index, "invalid JSON: nested too deeply to decode")
    if json_may_hold_surrogates(text):
        record, replaced = replace_surrogates(record)
        if replaced and notes is not None:
            notes["lone_surrogates"] += replaced
    if found is not None:
        fields.count(record, found)
    try:
        return record_to_item(record, source, index, fields)
    except RecordError as exc:
        return ReadFailure(source, index, str(exc))


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
