"""Streaming Parquet writers with explicit schemas.

Rows are buffered column-wise and flushed one row group at a time, so memory stays bounded
by the row-group size however large the output grows. The data writer rolls over to a new
`part-NNNNN.parquet` file every `rows_per_file` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


class TableWriter:
    """One Parquet file written row group by row group."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int, compression: str = "zstd", level: int | None = 3) -> None:
        self.path = path
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows = 0
        self._columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        self._buffered = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, schema, compression=compression, compression_level=level)

    def write(self, row: Mapping[str, Any]) -> None:
        """Append one row (missing nullable columns are null)."""
        for name, column in self._columns.items():
            column.append(row.get(name))
        self._buffered += 1
        self.rows += 1
        if self._buffered >= self.row_group_rows:
            self.flush()

    def write_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.write(row)

    def write_table(self, table: pa.Table) -> None:
        """Append an Arrow table of this schema (already columnar: no per-row work)."""
        self.flush()
        self._writer.write_table(table.cast(self.schema), row_group_size=self.row_group_rows)
        self.rows += table.num_rows

    def flush(self) -> None:
        if not self._buffered:
            return
        table = pa.Table.from_pydict(self._columns, schema=self.schema)
        self._writer.write_table(table, row_group_size=self.row_group_rows)
        self._columns = {name: [] for name in self.schema.names}
        self._buffered = 0

    def close(self) -> None:
        self.flush()
        self._writer.close()


class PartitionedWriter:
    """`folder/part-00000.parquet`, `part-00001.parquet`, ... of at most `rows_per_file` rows.

    At least one (possibly empty) part is always written, so loaders find the schema.
    """

    def __init__(self, folder: Path, schema: pa.Schema, rows_per_file: int, row_group_rows: int, compression: str = "zstd", level: int | None = 3) -> None:
        self.folder = folder
        self.schema = schema
        self.rows_per_file = rows_per_file
        self.options = (row_group_rows, compression, level)
        self.parts: list[Path] = []
        self.rows = 0
        self._current = self._open_part()

    def write(self, row: Mapping[str, Any]) -> None:
        if self._current.rows >= self.rows_per_file:
            self._current.close()
            self._current = self._open_part()
        self._current.write(row)
        self.rows += 1

    def close(self) -> None:
        self._current.close()

    def _open_part(self) -> TableWriter:
        path = self.folder / f"part-{len(self.parts):05d}.parquet"
        self.parts.append(path)
        return TableWriter(path, self.schema, *self.options)
