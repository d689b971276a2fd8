"""A batch that could not be run: its worker hung or died, on both attempts.

The executor gives up on such a batch (`TaskFailed`) and the run goes on; nothing may be
lost, so every record of the batch still gets its row. What the main process knows without
a worker is enough: a reader's failure stays that error and a reader's skip that removal;
every other record (a document, or a JSON line not yet parsed) becomes an error row of
stage `worker` that says why.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from cleaner.document import (
    Document,
    Errored,
    Outcome,
    ReadFailure,
    ReadSkip,
    Removed,
    errored_from_failure,
    removed_from_skip,
)
from cleaner.io.items import Deferred
from cleaner.pipeline import rows
from cleaner.pipeline.stats import StageStats
from cleaner.pipeline.tasks import BatchResult, BatchTask, FilterBatch, ReadBatch

STAGE = "worker"


def failed_batch_result(task: BatchTask, reason: str) -> BatchResult:
    """The result of `task` as if each of its records had failed with `reason`."""
    message = f"not processed: {reason} (pass {task.segment + 1})"
    outcomes = [_outcome(record, message) for record in _records(task)]
    if not isinstance(task, ReadBatch):
        task.parcel.discard()
    removed = Counter((o.stage, o.reason) for o in outcomes if isinstance(o, Removed))
    read = Counter(o.reason for o in outcomes if isinstance(o, Removed))
    read.update("error" for o in outcomes if isinstance(o, Errored) and o.stage == "read")
    failed = sum(1 for o in outcomes if isinstance(o, Errored) and o.stage == STAGE)
    stats = {STAGE: StageStats(docs_in=failed, counts=Counter({"batch_failed": failed}))}
    tables: dict[str, pa.RecordBatch] = {
        "removed": rows.removed_batch(o for o in outcomes if isinstance(o, Removed)),
        "errors": rows.errors_batch(o for o in outcomes if isinstance(o, Errored)),
    }
    return BatchResult(tables=tables, size=len(outcomes), stats=stats, removed=removed, read=read)


def _records(task: BatchTask) -> list[Any]:
    """The batch's records: reader items, parked documents, or parked output rows."""
    if isinstance(task, ReadBatch):
        return task.records()
    parked = task.parcel.load()
    if isinstance(task, FilterBatch):
        data, _spans = parked
        return [(row["source"], row["record"]) for row in data.select(["source", "record"]).to_pylist()]
    return parked


def _outcome(record: Any, message: str) -> Outcome:
    if isinstance(record, ReadFailure):
        return errored_from_failure(record)
    if isinstance(record, ReadSkip):
        return removed_from_skip(record)
    if isinstance(record, tuple):
        source, index = record
        return Errored(source, index, STAGE, message)
    if isinstance(record, (Document, Deferred)):
        return Errored(record.source, record.record, STAGE, message)
    raise TypeError(f"unexpected item in a batch: {type(record).__name__}")
