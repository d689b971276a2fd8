"""The last pass when all it does is carry out a drop-only global stage (`dedup` last).

Such a pass changes no text: each parked document is either kept (with its cluster size) or
removed (with the decision's reason). So the pass before it parks its survivors as the
output rows they will become (`rows.data_batch` and `rows.spans_batch`), and this pass
works on those rows: it removes the dropped rows, fills `duplicate_count`, and builds the
removed and cluster rows from the columns. No document is unpickled or processed again.

The rows, their order and the stage statistics are exactly those the general path
(`worker.StageRunner` with `GlobalStage.apply`) produces; a test runs both and compares.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cleaner.document import Drop, Removed
from cleaner.io import schemas
from cleaner.pipeline import rows
from cleaner.pipeline.stats import StageStats
from cleaner.stages.base import Decisions


@dataclass
class FilteredBatch:
    """One parked batch after the decisions: output batches, counts, statistics."""

    tables: dict[str, pa.RecordBatch]
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    stats: StageStats = field(default_factory=StageStats)
    size: int = 0


def filter_rows(data: pa.RecordBatch, spans: pa.RecordBatch, decisions: Decisions,
                clusters: dict[str, list[dict[str, Any]]]) -> FilteredBatch:
    """Apply drop-only `decisions` to one parked batch of output rows (see the module doc)."""
    started = time.perf_counter()
    ids = data.column("id").to_pylist()
    texts = data.column("text")
    out = FilteredBatch({}, size=len(ids))
    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = np.ones(len(ids), dtype=bool)
    counts = data.column("duplicate_count").to_pylist()
    removed: list[Removed] = []
    cluster_rows: list[dict[str, Any]] = []
    for i, doc_id in enumerate(ids):
        counts[i] = decisions.duplicate_counts.get(doc_id, counts[i])
        for row in clusters.get(doc_id, ()):
            text = texts[i].as_py()
            start, end = row.get("start"), row.get("end")
            cluster_rows.append({**row, "text": text[start:end] if start is not None else text})
        drop = decisions.per_doc.get(doc_id)
        if isinstance(drop, Drop):
            keep[i] = False
            out.stats.counts[drop.reason] += 1
            out.removed[(drop.stage, drop.reason)] += 1
            removed.append(Removed(doc_id, data.column("source")[i].as_py(), data.column("record")[i].as_py(),
                                   drop.stage, drop.reason, drop.detail, texts[i].as_py(), drop.duplicate_of,
                                   drop.similarity))
    out.stats.docs_in, out.stats.chars_in = len(ids), int(lengths.sum())
    out.stats.docs_out, out.stats.chars_out = int(keep.sum()), int(lengths[keep].sum())
    kept = _with_counts(data, counts).filter(pa.array(keep))
    out.tables = {
        "removed": rows.removed_batch(removed),
        "clusters": rows.clusters_batch(cluster_rows),
        "data": kept,
        "spans": spans.filter(pc.is_in(spans.column("doc_id"), value_set=kept.column("id"))),
    }
    out.stats.seconds = time.perf_counter() - started
    return out


def _with_counts(data: pa.RecordBatch, counts: list[int]) -> pa.RecordBatch:
    index = schemas.DATA.get_field_index("duplicate_count")
    columns = list(data.columns)
    columns[index] = pa.array(counts, type=schemas.DATA.field(index).type)
    return pa.RecordBatch.from_arrays(columns, schema=schemas.DATA)
