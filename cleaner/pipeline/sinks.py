"""The output files of a run, written while documents stream past.

data/ parts, removed.parquet, spans.parquet and errors.parquet are written in input order as
outcomes arrive. clusters.parquet needs each member's text, which is only at hand when the
member streams past in the pass after its stage decided; those rows are parked in a temporary
Arrow file and written at the end grouped by cluster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.document import Document
from cleaner.io import schemas
from cleaner.io.readers.records import metadata_json
from cleaner.io.writers import PartitionedWriter, TableWriter
from cleaner.options import Settings
from cleaner.pipeline.outcomes import Errored, Outcome, Removed


class OutputSinks:
    """Writers for every output file of one run, rooted at the staging folder."""

    def __init__(self, root: Path, work: Path, settings: Settings) -> None:
        codec = None if settings.compression == "none" else settings.compression
        level = settings.compression_level if codec in ("zstd", "gzip") else None
        rows = settings.row_group_rows
        self.data = PartitionedWriter(root / "data", schemas.DATA, settings.rows_per_file, rows, codec, level)
        self.removed = TableWriter(root / "removed.parquet", schemas.REMOVED, rows, codec, level)
        self.spans = TableWriter(root / "spans.parquet", schemas.SPANS, rows, codec, level)
        self.errors = TableWriter(root / "errors.parquet", schemas.ERRORS, rows, codec, level)
        self._cluster_parts = TableWriter(work / "clusters.unsorted.parquet", schemas.CLUSTERS, 65_536, None, None)
        self._clusters_path = root / "clusters.parquet"
        self._codec = (codec, level, rows)
        self.kept = 0

    def write_outcome(self, outcome: Outcome, final: bool) -> None:
        """Route one outcome; kept documents go to data/ only on the final pass."""
        if isinstance(outcome, Removed):
            self.removed.write(outcome.row())
        elif isinstance(outcome, Errored):
            self.errors.write(outcome.row())
        elif final:
            self.write_kept(outcome)

    def write_kept(self, doc: Document) -> None:
        self.kept += 1
        self.data.write(
            {
                "id": doc.id, "text": doc.text, "source": doc.source, "record": doc.record,
                "url": doc.url, "title": doc.title, "date": doc.date, "author": doc.author,
                "duplicate_count": doc.duplicate_count, "metadata": metadata_json(doc.metadata),
            }
        )  # fmt: skip
        for span in doc.spans:
            self.spans.write(
                {"doc_id": doc.id, "stage": span.stage, "rule": span.rule, "offset": span.offset,
                 "text": span.text, "cluster_id": span.cluster_id}
            )  # fmt: skip

    def write_cluster_rows(self, rows: list[dict[str, Any]]) -> None:
        self._cluster_parts.write_many(rows)

    def close(self) -> None:
        for writer in (self.data, self.removed, self.spans, self.errors):
            writer.close()
        self._cluster_parts.close()
        self._write_sorted_clusters()

    def _write_sorted_clusters(self) -> None:
        """clusters.parquet grouped by level and cluster, the kept member first."""
        table = pq.read_table(self._cluster_parts.path)
        if table.num_rows:
            table = table.append_column("_drop", pc.invert(table["kept"]))
            table = table.sort_by(
                [("level", "ascending"), ("cluster_id", "ascending"), ("_drop", "ascending"),
                 ("doc_id", "ascending"), ("start", "ascending")]
            ).drop_columns(["_drop"])  # fmt: skip
        codec, level, rows = self._codec
        writer = TableWriter(self._clusters_path, schemas.CLUSTERS, rows, codec, level)
        writer.write_table(table.cast(schemas.CLUSTERS) if table.num_rows else pa.table({n: [] for n in schemas.CLUSTERS.names}, schema=schemas.CLUSTERS))
        writer.close()
        self._cluster_parts.path.unlink()
