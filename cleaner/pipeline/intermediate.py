"""Documents waiting between two passes, in an lz4-compressed Arrow IPC stream on disk.

A global stage needs every document sketched before any can be decided, so the survivors of
a pass are parked here instead of in memory; the next pass streams them back in the same
order, batch by batch, spans and metadata included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from cleaner.document import Document, Span
from cleaner.io.readers.records import metadata_json

_SPAN = pa.struct(
    [("stage", pa.string()), ("rule", pa.string()), ("offset", pa.int64()), ("text", pa.string()), ("cluster_id", pa.string())]
)
SCHEMA = pa.schema(
    [
        ("id", pa.string()), ("text", pa.string()), ("source", pa.string()), ("record", pa.int64()),
        ("url", pa.string()), ("title", pa.string()), ("date", pa.string()), ("author", pa.string()),
        ("metadata", pa.string()), ("duplicate_count", pa.int32()), ("spans", pa.list_(_SPAN)),
    ]
)  # fmt: skip


class IntermediateWriter:
    """Appends documents; `close()` returns how many were written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._sink = pa.OSFile(str(path), "wb")
        options = pa.ipc.IpcWriteOptions(compression="lz4")
        self._writer = pa.ipc.new_stream(self._sink, SCHEMA, options=options)

    def write(self, docs: list[Document]) -> None:
        if not docs:
            return
        columns: dict[str, list] = {name: [] for name in SCHEMA.names}
        for doc in docs:
            for name in ("id", "text", "source", "record", "url", "title", "date", "author", "duplicate_count"):
                columns[name].append(getattr(doc, name))
            columns["metadata"].append(metadata_json(doc.metadata))
            columns["spans"].append([_span_dict(s) for s in doc.spans])
        self._writer.write_batch(pa.RecordBatch.from_pydict(columns, schema=SCHEMA))
        self.count += len(docs)

    def close(self) -> int:
        self._writer.close()
        self._sink.close()
        return self.count


def read_intermediate(path: Path) -> Iterator[Document]:
    """The documents of an intermediate file, in the order they were written."""
    with pa.OSFile(str(path), "rb") as source:
        reader = pa.ipc.open_stream(source)
        for batch in reader:
            for row in batch.to_pylist():
                yield _document(row)


def _span_dict(span: Span) -> dict:
    return {"stage": span.stage, "rule": span.rule, "offset": span.offset, "text": span.text, "cluster_id": span.cluster_id}


def _document(row: dict) -> Document:
    spans = [Span(**s) for s in row.pop("spans")]
    raw = row.pop("metadata")
    metadata = json.loads(raw) if raw else {}
    return Document(**row, metadata=metadata, spans=spans)
