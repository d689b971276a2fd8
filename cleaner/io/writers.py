"""Streaming Parquet writers with explicit schemas.

Writers take Arrow record batches (built in the workers) and cut row groups at exactly
`row_group_rows` rows, so a file's bytes do not depend on how its rows were batched on the
way here, and memory stays bounded by one row group however large the output grows. The
data writer rolls over to a new `part-NNNNN.parquet` every `rows_per_file` rows.

Long free-text columns (`text`) get neither a dictionary (their values almost never repeat,
so pyarrow would build one only to throw it away) nor min/max statistics (a prefix of some
document is of no use to a reader's predicate pushdown).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

#: Columns holding whole documents or passages: no dictionary, no statistics.
FREE_TEXT = frozenset({"text"})


class TableWriter:
    """One Parquet file written row group by row group."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int, compression: str | None = "zstd", level: int | None = 3) -> None:
        self.path = path
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows = 0
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        coded = [name for name in schema.names if name not in FREE_TEXT]
        self._writer = pq.ParquetWriter(path, schema, compression=compression or "none", compression_level=level,
                                        use_dictionary=coded, write_statistics=coded)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append a record batch of this writer's schema."""
        if not batch.num_rows:
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        self.rows += batch.num_rows
        if self._pending_rows >= self.row_group_rows:
            self._write_pending(final=False)

    def close(self) -> None:
        self._write_pending(final=True)
        self._writer.close()

    def abort(self) -> None:
        """Close without writing what is pending, ignoring errors: the run failed (a full
        disk fails every write) and its files are about to be deleted. A pyarrow writer
        left open would try again, and complain as noise, when garbage-collected."""
        self._pending, self._pending_rows = [], 0
        try:
            self._writer.close()
        except OSError:
            pass

    def _write_pending(self, final: bool) -> None:
        if not self._pending_rows:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        whole = table.num_rows if final else table.num_rows - table.num_rows % self.row_group_rows
        if whole:
            self._writer.write_table(table.slice(0, whole), row_group_size=self.row_group_rows)
        rest = table.slice(whole)
        self._pending = rest.to_batches() if rest.num_rows else []
        self._pending_rows = rest.num_rows


class PartitionedWriter:
    """`folder/part-00000.parquet`, `part-00001.parquet`, ... of at most `rows_per_file` rows.

    At least one (possibly empty) part is always written, so loaders find the schema.
    """

    def __init__(self, folder: Path, schema: pa.Schema, rows_per_file: int, row_group_rows: int, compression: str | None = "zstd", level: int | None = 3) -> None:
        self.folder = folder
        self.schema = schema
        self.rows_per_file = rows_per_file
        self.options = (row_group_rows, compression, level)
        self.parts: list[Path] = []
        self.rows = 0
        self._current = self._open_part()

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append rows, starting a new part whenever the current one is full."""
        while batch.num_rows:
            if self._current.rows >= self.rows_per_file:
                self._current.close()
                self._current = self._open_part()
            room = self.rows_per_file - self._current.rows
            piece = batch.slice(0, room)
            self._current.write_batch(piece)
            self.rows += piece.num_rows
            batch = batch.slice(piece.num_rows)

    def close(self) -> None:
        self._current.close()

    def abort(self) -> None:
        self._current.abort()

    def _open_part(self) -> TableWriter:
        path = self.folder / f"part-{len(self.parts):05d}.parquet"
        self.parts.append(path)
        return TableWriter(path, self.schema, *self.options)
