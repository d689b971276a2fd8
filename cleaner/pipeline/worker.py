"""The per-batch step that runs inside worker processes.

Each worker builds the configured stages once (`init_worker`); `run_batch` then takes a
batch of items in input order and returns one outcome per item, in the same order, plus the
sketch for the next global stage and the batch's stage statistics. Bad input never escapes
as an exception: a document that makes a stage fail becomes an `Errored` outcome.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections import Counter
from typing import Any

import pyarrow as pa

from cleaner.config import Config
from cleaner.document import (
    COMMENTS_OFFSET,
    FOUND_FIELDS,
    Document,
    Drop,
    Edit,
    Errored,
    Outcome,
    ReadFailure,
    ReadSkip,
    Removed,
    errored_from_failure,
    removed_from_drop,
    removed_from_skip,
)
from cleaner.errors import RecordError
from cleaner.executors import heartbeat
from cleaner.io.items import Deferred
from cleaner.pipeline import rows
from cleaner.pipeline.final_filter import filter_rows
from cleaner.pipeline.framing import Framed, ReadTask, frame
from cleaner.pipeline.ids import reject_repeated_ids
from cleaner.pipeline.intermediate import pack
from cleaner.pipeline.journal import Spooled, spool
from cleaner.pipeline.memory import keep_pandas_out, relax_collector, tame_allocators
from cleaner.pipeline.plan import Segment, global_flags, plan_segments
from cleaner.pipeline.stats import StageStats
from cleaner.pipeline.tasks import BatchResult, BatchTask, FilterBatch, ParcelBatch, ReadBatch
from cleaner.stages.base import Decisions, Filter, GlobalStage, Stage, Transform

log = logging.getLogger(__name__)



class StageRunner:
    """The configured stages and segments, and how to push one batch through a segment."""

    def __init__(self, config: Config) -> None:
        self.readers = config.readers
        self.stages: dict[str, Stage] = {
            spec.name: spec.stage_class(spec.settings) for spec in config.stages
        }
        self.segments: list[Segment] = plan_segments(list(self.stages), global_flags(self.stages))

    def run_batch(self, task: BatchTask) -> BatchResult:
        if isinstance(task, FilterBatch):
            return self._filter_parked(task)
        segment = self.segments[task.segment]
        final = task.segment == len(self.segments) - 1
        found: Counter[str] = Counter()
        notes: Counter[str] = Counter()
        if isinstance(task, ReadBatch):
            items = self._first_pass_items(task, found, notes)
            decisions: dict[str, Any] = {}
            clusters: list[dict[str, Any]] = []
        else:
            items = task.parcel.documents()
            decisions = task.decisions
            clusters = self._cluster_rows(items, task, segment)
        stats: dict[str, StageStats] = {}
        outcomes: list[Outcome] = [self._process(item, segment, decisions, stats) for item in items]
        kept = [o for o in outcomes if isinstance(o, Document)]
        parcel = None if final or task.park_to is None else pack(kept, task.park_to, task.park_as_rows)
        result = BatchResult(tables=self._tables(outcomes, kept, clusters, final), size=len(items), stats=stats,
                             parcel=parcel, kept_ids=[d.id for d in kept], kept_lengths=[len(d.text) for d in kept])
        if isinstance(task, ReadBatch):
            result.doc_ids = [item.id for item in items if isinstance(item, Document)]
            result.fields = found
            result.notes = notes
        self._count(outcomes, result)
        if segment.sketch_global is not None:
            heartbeat.beat()
            started = time.perf_counter()
            stage = self.stages[segment.sketch_global]
            assert isinstance(stage, GlobalStage)
            result.sketch = stage.sketch(kept)
            stats.setdefault(segment.sketch_global, StageStats()).seconds += time.perf_counter() - started
        return result

    def _first_pass_items(self, task: ReadBatch, found: Counter[str], notes: Counter[str]) -> list[Any]:
        """The batch's reader items with deferred records parsed (counting the mapped fields
        they hold into `found`, what parsing repaired into `notes`) and repeated ids handled
        by readers.duplicate_ids (`cleaner.pipeline.ids`)."""
        items = [_parsed(item, found, notes) if isinstance(item, Deferred) else _fresh(item) for item in task.records()]
        return reject_repeated_ids(items, task.taken, self.readers.duplicate_ids, self.readers.id_field)

    def _filter_parked(self, task: FilterBatch) -> BatchResult:
        """The final pass of a drop-only global stage, over parked output rows."""
        data, spans = task.parcel.load()
        decisions = Decisions(per_doc=task.decisions, duplicate_counts=task.duplicate_counts)
        out = filter_rows(data, spans, decisions, task.cluster_rows)
        name = self.segments[task.segment].apply_global
        assert name is not None  # a final filter pass applies its global stage
        return BatchResult(tables=out.tables, size=out.size, stats={name: out.stats}, removed=out.removed)

    def _cluster_rows(self, items: list[Any], task: ParcelBatch, segment: Segment) -> list[dict[str, Any]]:
        """Cluster rows of this batch's documents, with the text the deciding stage saw,
        settled by that stage against the text (see `GlobalStage.settle_rows`)."""
        rows: list[dict[str, Any]] = []
        if not (task.duplicate_counts or task.cluster_rows):
            return rows
        stage = self.stages[segment.apply_global] if segment.apply_global is not None else None
        for doc in items:
            if doc.id in task.duplicate_counts:
                doc.duplicate_count = task.duplicate_counts[doc.id]
            mine = task.cluster_rows.get(doc.id, ())
            if mine and isinstance(stage, GlobalStage) and doc.id in task.decisions:
                mine = stage.settle_rows(doc.text, task.decisions[doc.id], list(mine))
            for row in mine:
                start, end = row.get("start"), row.get("end")
                rows.append({**row, "text": doc.text[start:end] if start is not None else doc.text})
        return rows

    @staticmethod
    def _tables(outcomes: list[Outcome], kept: list[Document], clusters: list[dict], final: bool) -> dict[str, pa.RecordBatch]:
        tables = {
            "removed": rows.removed_batch(o for o in outcomes if isinstance(o, Removed)),
            "errors": rows.errors_batch(o for o in outcomes if isinstance(o, Errored)),
            "clusters": rows.clusters_batch(clusters),
        }
        if final:
            tables["data"] = rows.data_batch(kept)
            tables["spans"] = rows.spans_batch(kept)
        return tables

    @staticmethod
    def _count(outcomes: list[Outcome], result: BatchResult) -> None:
        for outcome in outcomes:
            if isinstance(outcome, Removed):
                result.removed[(outcome.stage, outcome.reason)] += 1
                if outcome.stage == "read":
                    result.read[outcome.reason] += 1
            elif isinstance(outcome, Errored) and outcome.stage == "read":
                result.read["error"] += 1

    def _process(self, item: Any, segment: Segment, decisions: dict[str, Any], stats: dict[str, StageStats]) -> Outcome:
        heartbeat.beat()  # one document further: the pool's watchdog knows this worker is alive
        if isinstance(item, ReadFailure):
            return errored_from_failure(item)
        if isinstance(item, ReadSkip):
            return removed_from_skip(item)
        doc: Document = item
        if doc.html is not None and not any(self.stages[name].consumes_html for name in segment.stages):
            return _unextracted(doc, segment)
        if segment.apply_global is not None:
            outcome = self._apply_global(doc, segment.apply_global, decisions.get(doc.id), stats)
            if outcome is not None:
                return outcome
        for name in segment.stages:
            outcome = self._run_stage(doc, name, stats)
            if outcome is not None:
                return outcome
        return doc

    def _apply_global(self, doc: Document, name: str, decision: Any, stats: dict[str, StageStats]) -> Outcome | None:
        stage = self.stages[name]
        assert isinstance(stage, GlobalStage)
        return self._timed(doc, name, stats, lambda: stage.apply(doc, decision) if decision is not None else None)

    def _run_stage(self, doc: Document, name: str, stats: dict[str, StageStats]) -> Outcome | None:
        stage = self.stages[name]
        if stage.consumes_html and doc.html is None:
            return None
        if isinstance(stage, Transform):
            return self._timed(doc, name, stats, lambda: stage.transform(doc))
        assert isinstance(stage, Filter)
        return self._timed(doc, name, stats, lambda: stage.check(doc))

    def _timed(self, doc: Document, name: str, stats: dict[str, StageStats], step) -> Outcome | None:
        """Run one stage step on `doc`, record its stats, and turn its result into an outcome."""
        st = stats.setdefault(name, StageStats())
        st.docs_in += 1
        st.chars_in += len(doc.text) if doc.html is None else len(doc.html)
        started = time.perf_counter()
        try:
            result = step()
        except RecordError as exc:
            st.counts["error"] += 1
            return Errored(doc.source, doc.record, name, str(exc))
        except Exception as exc:  # a stage bug must not sink the run; it is reported per record
            log.exception("stage %s failed on %s", name, doc.id)
            st.counts["error"] += 1
            return Errored(doc.source, doc.record, name, f"internal error in stage {name}: {type(exc).__name__}: {exc}")
        finally:
            st.seconds += time.perf_counter() - started
        outcome = self._outcome(doc, name, result, st)
        if outcome is None:
            st.docs_out += 1
            st.chars_out += len(doc.text)
        return outcome

    def _outcome(self, doc: Document, name: str, result: Edit | Drop | None, st: StageStats) -> Outcome | None:
        if isinstance(result, Drop):
            st.counts[result.reason] += 1
            return removed_from_drop(doc, result)
        if isinstance(result, Edit):
            received = doc.text if doc.html is None else doc.html
            apply_edit(doc, result, st)
            if not doc.text.strip():
                st.counts["empty"] += 1
                return Removed(doc.id, doc.source, doc.record, name, "empty", f"no text left after the {name} stage", received)
        return None


def _unextracted(doc: Document, segment: Segment) -> Removed:
    """The removal of an HTML record when no html stage will extract it: checked before
    anything else sees the document, so its empty text never reaches a stage, a global
    stage's sketch or data/. Named after the stage it would have reached first (`read`
    when there is none)."""
    assert doc.html is not None  # only HTML records are unextracted
    name = next(iter(segment.stages), None) or segment.sketch_global or "read"
    return Removed(doc.id, doc.source, doc.record, name, "html_not_extracted",
                   "the record is HTML but the html stage is not configured; add html at the start of stages", doc.html)


def _fresh(item: Any) -> Any:
    """A Document the batch may change without changing the task's: the serial executor
    hands the task itself, not a copy, and a batch that reuses earlier ids runs again from
    the same task (`cleaner.pipeline.ids`), which must see the records as they were read.
    (A parsed `Deferred` is a new Document already.)"""
    if not isinstance(item, Document):
        return item
    return dataclasses.replace(item, spans=list(item.spans), metadata=dict(item.metadata))


def _parsed(item: Deferred, found: Counter[str], notes: Counter[str]) -> Any:
    try:
        return item.parse(found, notes)
    except Exception as exc:  # a reader bug must not sink the run; it is reported per record
        log.exception("parsing record %s of %s failed", item.record, item.source)
        return ReadFailure(item.source, item.record, f"internal error while parsing: {type(exc).__name__}: {exc}")


def apply_edit(doc: Document, edit: Edit, st: StageStats) -> None:
    """Make a transform's edit part of the document and count what it did.

    An edit of a document that still held HTML is the html stage's extraction: the
    document is marked `extracted` (see `Document`)."""
    doc.extracted = doc.extracted or doc.html is not None
    comments = _comments_after(doc, edit)
    doc.text = edit.text
    doc.html = None
    doc.spans.extend(edit.spans)
    for span in edit.spans:
        st.counts[span.rule] += 1
    st.counts.update(edit.counts)
    for name, value in edit.fields.items():
        if name in FOUND_FIELDS and value and getattr(doc, name) is None:
            setattr(doc, name, value)
    doc.metadata.update({k: v for k, v in edit.metadata.items() if k != COMMENTS_OFFSET})
    if comments is None:
        doc.metadata.pop(COMMENTS_OFFSET, None)
    else:
        doc.metadata[COMMENTS_OFFSET] = comments


def _comments_after(doc: Document, edit: Edit) -> int | None:
    """Where the kept reader comments begin once `edit` is applied: the document's mark
    carried through the edit (`Edit.position`, or by line for a line-keeping edit), or the
    edit's own, whichever comes first; None when no comment is left."""
    marks = []
    old = doc.metadata.get(COMMENTS_OFFSET) if doc.html is None else None
    if isinstance(old, int):
        marks.append(edit.position(old) if edit.position is not None else _same_line(doc.text, edit.text, old))
    if edit.metadata.get(COMMENTS_OFFSET) is not None:
        marks.append(edit.metadata[COMMENTS_OFFSET])
    if not marks:
        return None
    start = min(marks)
    while start < len(edit.text) and edit.text[start].isspace():
        start += 1
    return start if start < len(edit.text) else None


def _same_line(before: str, after: str, offset: int) -> int:
    """The start of the line in `after` with the index of the line `offset` starts in
    `before` (for edits that keep every line break)."""
    line = before.count("\n", 0, offset)
    start = 0
    for _ in range(line):
        start = after.find("\n", start) + 1
        if start == 0:
            return len(after)
    return start


_RUNNER: StageRunner | None = None


def init_worker(config: Config, parent: int | None = None) -> None:
    """Process initialiser: build the stages once per worker.

    `parent` is the main process's pid: a worker that starts after its parent died (killed
    while the pool was starting) exits at once instead of waiting forever for work. When
    it is this very process (the serial executor runs batches inline) there is no parent
    to watch, and the main process keeps its imports as they are.
    """
    global _RUNNER
    if parent is not None and parent != os.getpid():
        _exit_with_parent(parent)
        keep_pandas_out()
    if parent != os.getpid():  # a worker process of ours (local pool, Ray actor), not the caller's
        relax_collector()
    tame_allocators()
    _RUNNER = StageRunner(config)


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """End this worker when the main process dies, even by SIGKILL.

    A pool worker waits on a queue whose write end it also holds, so it would never see
    end-of-file and would linger forever; a daemon thread watches the parent instead.
    """
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@dataclasses.dataclass(frozen=True, slots=True)
class Journaled:
    """A batch task whose result the worker writes to `path`, a pending name in the run's
    journal, and does not send back (see `cleaner.pipeline.journal`)."""

    task: BatchTask
    path: str


def run_batch(task: BatchTask | Journaled) -> BatchResult | Spooled:
    """Entry point called by executors (module-level so it pickles by reference)."""
    assert _RUNNER is not None, "init_worker was not called in this process"
    if isinstance(task, Journaled):
        return spool(task.path, _RUNNER.run_batch(task.task))
    return _RUNNER.run_batch(task)


def run_read(task: ReadTask) -> Framed:
    """Entry point of the read tasks (see `cleaner.pipeline.framing`)."""
    assert _RUNNER is not None, "init_worker was not called in this process"
    return frame(task, _RUNNER.readers)
