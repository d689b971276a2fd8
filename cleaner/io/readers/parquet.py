"""Parquet (`.parquet`): one document per row, streamed one row group at a time."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from cleaner.errors import RecordError
from cleaner.io.readers.base import ItemStream, ReadFailure
from cleaner.io.readers.records import FieldMap, record_to_item
from cleaner.options import Settings


def read_parquet(path: Path, source: str, settings: Settings) -> ItemStream:
    """Yield one item per row; a corrupt file is one error row (rows read before it stay)."""
    index = 0
    fields = FieldMap.from_settings(settings)
    limit = settings.max_record_mb * 2**20
    try:
        import pyarrow.parquet as pq  # here, not at the top: workers never read Parquet, and it costs them 9 MB

        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                yield _row_item(row, source, index, fields, limit)
                index += 1
    except (pa.ArrowException, OSError) as exc:
        yield ReadFailure(source, index if index else None, f"unreadable Parquet: {exc}")


def _row_item(row: dict, source: str, index: int, fields: FieldMap, limit: float):
    size = sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
    if size > limit:
        return ReadFailure(source, index, f"row is larger than readers.max_record_mb ({limit / 2**20:g} MB); skipped")
    try:
        return record_to_item(row, source, index, fields)
    except RecordError as exc:
        return ReadFailure(source, index, str(exc))
