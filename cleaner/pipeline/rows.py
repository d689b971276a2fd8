"""Outcomes to Arrow record batches of the output schemas.

Built in the workers, so the main process only appends ready columnar batches to the files:
turning millions of documents and spans into rows one dict at a time in one process would
cap the whole run's throughput.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from cleaner.document import META_FIELDS, Document, Errored, Removed
from cleaner.io import schemas
from cleaner.io.unicode import printable


def metadata_json(metadata: dict[str, Any]) -> str | None:
    """The metadata column: sorted-key JSON, or null when there is nothing to keep."""
    if not metadata:
        return None
    return json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str)


def data_batch(docs: list[Document]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict(
        {
            "id": [d.id for d in docs],
            "text": [d.text for d in docs],
            "source": [d.source for d in docs],
            "record": [d.record for d in docs],
            **{name: [getattr(d, name) for d in docs] for name in META_FIELDS},
            "duplicate_count": [d.duplicate_count for d in docs],
            "metadata": [metadata_json(d.metadata) for d in docs],
        },
        schema=schemas.DATA,
    )


def spans_batch(docs: list[Document]) -> pa.RecordBatch:
    columns: dict[str, list[Any]] = {name: [] for name in schemas.SPANS.names}
    for doc in docs:
        for span in doc.spans:
            columns["doc_id"].append(doc.id)
            columns["stage"].append(span.stage)
            columns["rule"].append(span.rule)
            columns["offset"].append(span.offset)
            columns["text"].append(span.text)
            columns["cluster_id"].append(span.cluster_id)
            columns["score"].append(span.score)
    return pa.RecordBatch.from_pydict(columns, schema=schemas.SPANS)


def removed_batch(rows: Iterable[Removed]) -> pa.RecordBatch:
    """Removal rows; a detail quoting a path UTF-8 cannot encode (a link to a latin-1 name)
    is escaped, as error messages are."""
    return _batch([{**r.row(), "detail": printable(r.detail) if r.detail else r.detail} for r in rows], schemas.REMOVED)


def errors_batch(rows: Iterable[Errored]) -> pa.RecordBatch:
    """Error rows; a message quoting a path or a field name that UTF-8 cannot encode (a
    symbolic link to a latin-1 name) is escaped, not allowed to fail the write."""
    return _batch([{**r.row(), "error": printable(r.error)} for r in rows], schemas.ERRORS)


def clusters_batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    return _batch(rows, schemas.CLUSTERS)


def _batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({name: [r.get(name) for r in rows] for name in schema.names}, schema=schema)
