"""The output files of a run, written while batches stream past.

data/ parts, removed.parquet, spans.parquet and errors.parquet are appended in input order as
batches arrive. clusters.parquet rows get their text only in the pass after their stage
decided (when each member streams past); they are parked in a temporary file and written at
the end grouped by cluster.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.io import schemas
from cleaner.io.writers import PartitionedWriter, TableWriter
from cleaner.options import Settings

#: Output name -> schema, for the files written batch by batch.
TABLES = {"data": schemas.DATA, "removed": schemas.REMOVED, "spans": schemas.SPANS, "errors": schemas.ERRORS, "clusters": schemas.CLUSTERS}


class OutputSinks:
    """Writers for every output file of one run, rooted at the staging folder."""

    def __init__(self, root: Path, work: Path, settings: Settings) -> None:
        codec = None if settings.compression == "none" else settings.compression
        level = settings.compression_level if codec in ("zstd", "gzip") else None
        rows = settings.row_group_rows
        self._options = (rows, codec, level)
        self.writers = {
            "data": PartitionedWriter(root / "data", schemas.DATA, settings.rows_per_file, *self._options),
            "removed": TableWriter(root / "removed.parquet", schemas.REMOVED, *self._options),
            "spans": TableWriter(root / "spans.parquet", schemas.SPANS, *self._options),
            "errors": TableWriter(root / "errors.parquet", schemas.ERRORS, *self._options),
            "clusters": TableWriter(work / "clusters.unsorted.parquet", schemas.CLUSTERS, 65_536, None, None),
        }
        self._clusters_path = root / "clusters.parquet"

    def write(self, name: str, batch: pa.RecordBatch) -> None:
        self.writers[name].write_batch(batch)

    def rows(self, name: str) -> int:
        return self.writers[name].rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self._write_sorted_clusters()

    def _write_sorted_clusters(self) -> None:
        """clusters.parquet grouped by level and cluster, the kept member first."""
        parked = self.writers["clusters"].path
        table = pq.read_table(parked)
        if table.num_rows:
            table = table.append_column("_dropped", pc.invert(table["kept"]))
            order = [("level", "ascending"), ("cluster_id", "ascending"), ("_dropped", "ascending"),
                     ("doc_id", "ascending"), ("start", "ascending")]  # fmt: skip
            table = table.sort_by(order).drop_columns(["_dropped"])
        writer = TableWriter(self._clusters_path, schemas.CLUSTERS, *self._options)
        writer.write_table(table.cast(schemas.CLUSTERS))
        writer.close()
        parked.unlink()
