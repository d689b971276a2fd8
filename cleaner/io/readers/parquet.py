"""Parquet (`.parquet`): one document per row, streamed one row group at a time.

Arrow can hold values Python cannot: a `timestamp[s]` of 10^12 or a `date32` far past the
year 9999 (OverflowError when converted), strings that are not UTF-8 (Parquet does not
check). Such a value must not end the run, nor lose the row: an unrepresentable date becomes
null and a string that is not UTF-8 is decoded as a file would be, both counted in a
`FileNote` (stats.json, stage `read`). Dates and times that Python can hold become ISO 8601
strings, the form the `date` column and the JSON of `metadata` expect.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from cleaner.document import FileNote, ReadFailure
from cleaner.errors import RecordError
from cleaner.io.decode import decode_bytes
from cleaner.io.items import Deferred, ItemStream
from cleaner.io.readers.records import FieldMap, record_to_item
from cleaner.options import Settings


@dataclass(frozen=True, slots=True)
class UnparsedRow(Deferred):
    """One Parquet row, as Arrow gave it, whose mapping onto a Document is left to a worker
    (see `Deferred`)."""

    source: str
    record: int
    row: dict[str, Any]
    fields: FieldMap
    size: int

    def parse(self, found: Counter[str] | None = None, notes: Counter[str] | None = None):
        """The row's item (its values were repaired, and counted, when it was read)."""
        if found is not None:
            self.fields.count(self.row, found)
        return _mapped(self.row, self.source, self.record, self.fields)

    def __reduce__(self):
        """Pickle as the constructor's arguments (see `UnparsedLine.__reduce__`)."""
        return (UnparsedRow, (self.source, self.record, self.row, self.fields, self.size))


def read_parquet(path: Path, source: str, settings: Settings, defer: bool = False) -> ItemStream:
    """Yield one item per row; a corrupt file is one error row (rows read before it stay).
    With `defer`, rows come out as `UnparsedRow`s for a worker to map."""
    index = 0
    fields = FieldMap.from_settings(settings)
    limit = settings.max_record_mb * 2**20
    notes: Counter[str] = Counter()
    try:
        import pyarrow.parquet as pq  # here, not at the top: workers never read Parquet, and it costs them memory

        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=1024):
            for row in batch_rows(batch, notes):
                yield _row_item(row, source, index, fields, limit, defer)
                index += 1
    except (pa.ArrowException, OSError) as exc:
        yield ReadFailure(source, index if index else None, f"unreadable Parquet: {exc}")
    if notes:
        yield FileNote(source, dict(notes))


#: What converting a column to Python raises for a value Python cannot hold.
_CONVERSION_ERRORS = (OverflowError, ValueError, UnicodeDecodeError)


def batch_rows(batch: pa.RecordBatch, notes: Counter[str]) -> list[dict[str, Any]]:
    """The rows of `batch` as dicts of Python values (see the module docstring for the
    values Python cannot hold); whole batches convert at once unless a column needs care."""
    if not any(pa.types.is_temporal(f.type) for f in batch.schema):
        try:
            return batch.to_pylist()
        except _CONVERSION_ERRORS:
            pass
    names = batch.schema.names
    columns = [column_values(batch.column(i), notes) for i in range(batch.num_columns)]
    return [dict(zip(names, values)) for values in zip(*columns)] if columns else [{} for _ in range(batch.num_rows)]


def column_values(column: pa.Array, notes: Counter[str]) -> list[Any]:
    """One column as Python values: dates as ISO strings, unrepresentable values null."""
    try:
        values = column.to_pylist()
    except _CONVERSION_ERRORS:
        values = [_value(scalar, notes) for scalar in column]
    if pa.types.is_temporal(column.type):
        return [_iso(v) for v in values]
    return values


def _value(scalar: pa.Scalar, notes: Counter[str]) -> Any:
    try:
        return scalar.as_py()
    except UnicodeDecodeError:
        if pa.types.is_string(scalar.type) or pa.types.is_large_string(scalar.type):
            notes["invalid_utf8_strings"] += 1
            return _decoded(scalar.cast(pa.large_binary()).as_py())
        notes["unrepresentable_values"] += 1
        return None
    except (OverflowError, ValueError):
        notes["dates_out_of_range" if pa.types.is_temporal(scalar.type) else "unrepresentable_values"] += 1
        return None


def _decoded(raw: bytes) -> str:
    """A string column's bytes that are not UTF-8, decoded like the bytes of a file."""
    try:
        return decode_bytes(raw).text
    except RecordError:  # binary (NotText): keep what is text, visibly marked
        return raw.decode("utf-8", "replace")


def _iso(value: Any) -> Any:
    """A date, time or timestamp as ISO 8601 text; durations as `[D day[s], ]H:MM:SS`."""
    if value is None or isinstance(value, str):
        return value
    iso = getattr(value, "isoformat", None)
    return iso() if iso is not None else str(value)


def _row_item(row: dict, source: str, index: int, fields: FieldMap, limit: float, defer: bool):
    size = sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
    if size > limit:
        return ReadFailure(source, index, f"row is larger than readers.max_record_mb ({limit / 2**20:g} MB); skipped")
    return UnparsedRow(source, index, row, fields, size) if defer else _mapped(row, source, index, fields)


def _mapped(row: dict, source: str, index: int, fields: FieldMap):
    try:
        return record_to_item(row, source, index, fields)
    except RecordError as exc:
        return ReadFailure(source, index, str(exc))
