"""The explicit Arrow schemas of every output file.

Written down once, here, so the README, the writers and the loaders agree; nullable columns
are null when unknown, never empty strings.
"""

from __future__ import annotations

import pyarrow as pa

from cleaner.document import META_FIELDS

DATA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64(), nullable=False),
        *(pa.field(name, pa.string()) for name in META_FIELDS),
        pa.field("duplicate_count", pa.int32(), nullable=False),
        pa.field("metadata", pa.string()),
    ]
)

REMOVED = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("similarity", pa.float64()),
        pa.field("text", pa.string(), nullable=False),
    ]
)

SPANS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("offset", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string()),
        pa.field("score", pa.float64()),
    ]
)

CLUSTERS = pa.schema(
    [
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("level", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("kept", pa.bool_(), nullable=False),
        pa.field("similarity", pa.float64(), nullable=False),
        pa.field("start", pa.int64()),
        pa.field("end", pa.int64()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("flag", pa.string()),
    ]
)

ERRORS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64()),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("error", pa.string(), nullable=False),
    ]
)
