"""Parquet (`.parquet`): one document per row, streamed one row group at a time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from cleaner.errors import RecordError
from cleaner.io.readers.base import Deferred, ItemStream, ReadFailure
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

    def parse(self, found: Counter[str] | None = None):
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
    try:
        import pyarrow.parquet as pq  # here, not at the top: workers never read Parquet, and it costs them 9 MB

        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                yield _row_item(row, source, index, fields, limit, defer)
                index += 1
    except (pa.ArrowException, OSError) as exc:
        yield ReadFailure(source, index if index else None, f"unreadable Parquet: {exc}")


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
