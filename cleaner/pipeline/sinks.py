"""The output files of a run, written while batches stream past.

Every file is appended in input order as batches arrive. clusters.parquet rows are written
in the pass after their stage decided, when each member streams past with its text: in
input order of the members, not grouped by cluster, because grouping would mean holding
every clustered document's text at once (`clean clusters` groups them when reading).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from cleaner.io import schemas
from cleaner.io.writers import PartitionedWriter, TableWriter
from cleaner.options import Settings


class OutputSinks:
    """Writers for every output file of one run, rooted at the staging folder."""

    def __init__(self, root: Path, settings: Settings) -> None:
        codec = None if settings.compression == "none" else settings.compression
        level = settings.compression_level if codec in ("zstd", "gzip") else None
        rows = settings.row_group_rows
        self._options = (rows, codec, level)
        self.writers: dict[str, TableWriter | PartitionedWriter] = {
            "data": PartitionedWriter(root / "data", schemas.DATA, settings.rows_per_file, *self._options),
            "removed": TableWriter(root / "removed.parquet", schemas.REMOVED, *self._options),
            "spans": TableWriter(root / "spans.parquet", schemas.SPANS, *self._options),
            "errors": TableWriter(root / "errors.parquet", schemas.ERRORS, *self._options),
            "clusters": TableWriter(root / "clusters.parquet", schemas.CLUSTERS, *self._options),
        }

    def write(self, name: str, batch: pa.RecordBatch) -> None:
        self.writers[name].write_batch(batch)

    def rows(self, name: str) -> int:
        return self.writers[name].rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def abort(self) -> None:
        """Close every writer of a run that failed (see `TableWriter.abort`)."""
        for writer in self.writers.values():
            writer.abort()
