"""`clean run` as a library call: read, process in passes, write, check, swap in.

The runner is the only writer of the outputs. Workers receive batches in input order and
return outcomes in the same order (each spooled into the run's journal, see
`cleaner.pipeline.journal`), so every output file has the same content in the same order
whatever the worker count. Before the output folder is swapped in, the run checks its own
bookkeeping: every record read is exactly once kept, removed or errored.
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from cleaner import __version__
from cleaner.config import Config
from cleaner.errors import TooManyErrors
from cleaner.executors import TaskFailed, make_executor
from cleaner.io import manifest
from cleaner.io.discover import discover
from cleaner.io.output import StagedOutput
from cleaner.io.output_faults import output_failure, storage_errno
from cleaner.io.readers.records import field_report
from cleaner.io.remote import RemoteOutput, as_uri, discover_remote
from cleaner.pipeline.failed import failed_batch_result
from cleaner.pipeline.framing import Chunk, Framed, ReadTask, plan_reads, unread
from cleaner.pipeline.ids import IdRegistry
from cleaner.pipeline.intermediate import IntermediateWriter, read_parcels
from cleaner.pipeline.journal import Journal, Spooled, identity
from cleaner.pipeline.memory import release_free_memory, tame_allocators
from cleaner.pipeline.sinks import OutputSinks
from cleaner.pipeline.source import ReadCounts, batched
from cleaner.pipeline.stats import StageStats, merge_all
from cleaner.pipeline.tasks import BatchResult, BatchTask, FilterBatch, ParcelBatch, ReadBatch
from cleaner.pipeline.worker import Journaled, StageRunner, init_worker, run_batch, run_read
from cleaner.stages.base import Decisions, DocKey, GlobalStage

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What the runner tells a progress display; the CLI implements it with rich."""

    def phase(self, description: str, total: float | None) -> None: ...
    def advance(self, amount: float) -> None: ...


class NullProgress:
    def phase(self, description: str, total: float | None) -> None:
        pass

    def advance(self, amount: float) -> None:
        pass


@dataclass(frozen=True)
class RunOptions:
    input: Path
    output: Path
    workers: int = 1
    limit: int | None = None
    #: Take over the staging folder a killed run of the same job left (`cleaner.pipeline.journal`).
    resume: bool = False
    #: Whether `workers` is a default the run may lower for a tiny input (`useful_workers`);
    #: an explicit worker count is always used as given.
    fit_workers: bool = False


@dataclass
class RunSummary:
    """The numbers the CLI prints at the end (and stats.json holds)."""

    output: str  #: where the outputs are: a folder, or a URI on object storage
    records: int
    kept: int
    errors: int
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def error_fraction(self) -> float:
        return self.errors / self.records if self.records else 0.0


def run_pipeline(config: Config, options: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Run `config` over `options.input` into `options.output`, atomically (on object
    storage: complete once manifest.json is there, see `RemoteOutput`)."""
    uri = as_uri(options.output)
    if uri is None:
        return _run_to_folder(config, options, progress)
    remote = RemoteOutput(uri)
    remote.check()
    try:
        summary = _run_to_folder(config, replace(options, output=remote.local), progress)
    except TooManyErrors as exc:  # the outputs were written: they are published all the same
        remote.publish()
        if exc.summary is not None:
            exc.summary.output = remote.uri
        local = str(remote.local)
        raise TooManyErrors(str(exc).replace(local, remote.uri), (exc.hint or "").replace(local, remote.uri),
                            exc.summary) from None
    remote.publish()
    summary.output = remote.uri
    return summary


def _run_to_folder(config: Config, options: RunOptions, progress: Progress | None) -> RunSummary:
    started = time.perf_counter()
    tame_allocators()
    remote = as_uri(options.input)
    refused: list[Any] = []
    if remote is not None:
        files = discover_remote(remote, config.readers.skip_hidden)
    else:
        files, refused = discover(options.input, config.readers.skip_hidden, exclude=options.output)
    with _output_faults(options.output):
        staged = StagedOutput(options.output, identity(config.to_plain(), files, options.limit), options.resume)
    if options.resume and not staged.resumed:
        log.warning("nothing to resume for %s (no staging folder of a killed run of this job): starting afresh",
                    options.output)
    try:
        with _output_faults(options.output):
            run = _Run(config, options, staged, progress or NullProgress())
            summary = run.execute(files, refused)
            summary.seconds = time.perf_counter() - started
            summary.stats["run"] = {"seconds": round(summary.seconds, 3), "workers": run.workers,
                                    "docs_per_second": round(summary.records / summary.seconds, 1) if summary.seconds else None,
                                    # what the driver itself spent: planning, committing, writing (not the workers)
                                    "main_process_cpu_s": round(time.process_time(), 3),
                                    "main_process_peak_rss_mb": _peak_rss_mb(),
                                    # with --resume: tasks whose results a killed run had finished
                                    "tasks": {"run": run.journal.recorded, "replayed": run.journal.replayed},
                                    "resumed": staged.resumed}
            (staged.path / "stats.json").write_text(json.dumps(summary.stats, indent=2) + "\n")
            (staged.path / "config.resolved.yaml").write_text(config.to_yaml())
            manifest.write(staged.path, manifest.build(staged.path, __version__, summary.stats["records"], files,
                                                          config.to_plain()))
            staged.commit()
    except BaseException:
        staged.discard()
        raise
    summary.output = str(options.output)
    if summary.error_fraction > config.readers.max_errors:
        raise TooManyErrors(
            f"{summary.errors} of {summary.records} records ({summary.error_fraction:.1%}) could not be read, "
            f"above readers.max_errors ({config.readers.max_errors:.1%}); outputs were written to {options.output}",
            f"see {options.output}/errors.parquet for each error",
            summary,
        )
    return summary


@contextmanager
def _output_faults(target: Path) -> Iterator[None]:
    """Turn a storage failure (disk full, read-only, no permission) into one OutputError."""
    try:
        yield
    except OSError as exc:
        code = storage_errno(exc)
        if code is None:
            raise
        raise output_failure(exc, code, target.absolute()) from None


class _Run:
    """One execution: owns the sinks, the stage objects and the per-stage statistics."""

    def __init__(self, config: Config, options: RunOptions, staged: StagedOutput, progress: Progress) -> None:
        self.config = config
        self.options = options
        self.staged = staged
        self.progress = progress
        self.runner = StageRunner(config)
        self.stats: dict[str, StageStats] = {"read": StageStats()}
        self.stats.update({name: StageStats() for name in self.runner.stages})
        self.decide: dict[str, dict[str, Any]] = {}
        self.removed: Counter[tuple[str, str]] = Counter()
        self.read_notes: Counter[str] = Counter()  # repairs made while parsing in the workers
        self.sinks = OutputSinks(staged.path, config.output)
        self.ids = IdRegistry()
        self.fields: Counter[str] = Counter()
        self.filters_last = final_pass_filters(self.runner)
        self.journal = Journal(staged.work / "journal")

    def execute(self, files, refused) -> RunSummary:
        counts = ReadCounts()
        decisions: Decisions | None = None
        segments = self.runner.segments
        spool = self.staged.work / "spool"
        settings = self.config.executor
        try:
            workers = useful_workers(self.options.workers, files, settings) if self.options.fit_workers else self.options.workers
            self.workers = workers
            first = (str(files[0].path.absolute()), files[0].size) if files and files[0].uri is None else None
            with make_executor(workers, init_worker, self.config, spool, settings.kind, settings.ray_address,
                               settings.watchdog_s, first) as executor:
                items: Iterator[Any] = iter(self._read(executor, files, refused, counts))
                self.progress.phase("cleaning", float(counts.records) or None)
                for index, segment in enumerate(segments):
                    final = index == len(segments) - 1
                    if index:
                        self.progress.phase(f"pass {index + 1}: {segment.apply_global}", float(self._parked) or None)
                    items, decisions = self._pass(executor, index, items, decisions, final)
        except BaseException:
            self.sinks.abort()
            raise
        self.sinks.close()
        return self._summary(counts, files)

    def _read(self, executor, files, refused, counts: ReadCounts) -> list[list[Any] | Chunk]:
        """Frame the input in read tasks (`cleaner.pipeline.framing`): the first pass's
        batches in input order, as batch files, or as rows made here (the entries
        discovery refused; one error row per file of a read task that failed twice).
        With --limit the tasks run one after another, each told how many records are left."""
        settings = self.config.executor
        batch_bytes = int(settings.batch_mb * 2**20)
        folder = self.staged.work / "read"
        folder.mkdir(parents=True, exist_ok=True)
        limit = self.options.limit
        rows = list(batched(refused[:limit] if limit is not None else refused, settings.batch_docs, batch_bytes))
        counts.records = sum(len(b) for b in rows)
        batches: list[list[Any] | Chunk] = list(rows)
        self.progress.phase("reading", float(sum(f.size for f in files)) or None)
        # absolute paths: a worker (a Ray actor on another node) need not share our working folder
        files = [replace(f, path=f.path.absolute()) if f.uri is None else f for f in files]
        tasks = [ReadTask(n, group, str(folder), settings.batch_docs, batch_bytes)
                 for n, group in enumerate(plan_reads(files, int(settings.read_mb * 2**20)))]
        done = self.journal.finished("read")
        for task in tasks[:done]:  # read by the run this one resumes
            self._take_read(self.journal.load("read", task.index), batches, counts)
        fresh = tasks[done:]
        results: Iterator[tuple[ReadTask, Framed | TaskFailed]]
        if limit is None:
            results = zip(fresh, executor.map(run_read, fresh))
        else:
            results = self._limited(executor, fresh, limit - counts.records)
        for task, framed in results:
            if isinstance(framed, TaskFailed):
                framed = unread(task, framed.reason)
            self._take_read(framed, batches, counts)
            self.journal.record("read", task.index, framed)
        return batches

    def _take_read(self, framed: Framed, batches: list[list[Any] | Chunk], counts: ReadCounts) -> None:
        if framed.failures:
            batches.append(list(framed.failures))
        batches.extend(framed.chunks)
        counts.records += framed.records
        counts.files += framed.files
        counts.notes.update(framed.notes)
        self.progress.advance(framed.bytes)

    @staticmethod
    def _limited(executor, tasks: list[ReadTask], left: int) -> Iterator[tuple[ReadTask, Framed | TaskFailed]]:
        for task in tasks:
            if left <= 0:
                return
            task = replace(task, limit=left)
            framed = executor.run_one(run_read, task)
            left -= framed.records if isinstance(framed, Framed) else len(task.files)
            yield task, framed

    def _pass(self, executor, index: int, items, decisions: Decisions | None, final: bool):
        segment = self.runner.segments[index]
        collector = None
        if segment.sketch_global is not None:
            stage = self.runner.stages[segment.sketch_global]
            assert isinstance(stage, GlobalStage)
            collector = stage.collector(self.staged.work)
        parked = None if final else IntermediateWriter(self.staged.work / f"pass-{index + 1}")
        step = f"pass{index + 1}"
        tasks = self._tasks(index, items, decisions, parked)
        done = self.journal.finished(step)
        for n, task in zip(range(done), tasks):  # run by the run this one resumes
            result = self.journal.load(step, n)
            if isinstance(task, ReadBatch) and not self.ids.add_new(result.doc_ids):
                raise RuntimeError(f"journal bug: batch {n} of {step} repeats ids it was accepted without")
            self._take(task, result, parked, collector)
        submitted: deque[BatchTask] = deque()
        sent = self._sent(executor, step, done, tasks, submitted)
        for n, outcome in enumerate(executor.map(run_batch, sent), start=done):
            task = submitted.popleft()
            self._take(task, self._accept(executor, step, n, task, outcome), parked, collector)
        next_items: Iterator[Any] = iter(())
        if parked is not None:
            self._parked = parked.close()
            next_items = read_parcels(parked.path)
        if collector is not None:
            assert segment.sketch_global is not None  # the collector is that stage's
            self.progress.phase(f"{segment.sketch_global}: deciding", None)
            started = time.perf_counter()
            decisions = collector.finish()
            del collector  # its arrays are not needed once decided; free them before the next pass
            release_free_memory()
            self.decide[segment.sketch_global] = {**decisions.stats, "seconds": round(time.perf_counter() - started, 3)}
        return next_items, decisions

    def _take(self, task: BatchTask, result: BatchResult, parked: IntermediateWriter | None, collector: Any) -> None:
        """Everything the run keeps of one accepted batch result, in input order."""
        if isinstance(task, ReadBatch):
            self.fields.update(result.fields)
            if task.chunk is not None:
                task.chunk.discard()  # kept until now for a rerun (see Chunk.load)
        else:
            task.parcel.discard()  # kept until now for a second attempt (see Parcel.load)
        merge_all(self.stats, result.stats)
        self.removed.update(result.removed)
        self.stats["read"].counts.update(result.read)
        self.read_notes.update(result.notes)
        for name, batch in result.tables.items():
            self.sinks.write(name, batch)
        if parked is not None and result.parcel is not None:
            parked.write(result.parcel)
        if collector is not None and result.sketch is not None:
            keys = [DocKey(i, n) for i, n in zip(result.kept_ids, result.kept_lengths)]
            collector.add(keys, result.sketch)
        self.progress.advance(result.size)

    def _sent(self, executor, step: str, start: int, tasks: Iterator[BatchTask],
              submitted: deque[BatchTask]) -> Iterator[BatchTask | Journaled]:
        """`tasks` from task `start` on, each remembered in `submitted` as the executor takes
        it (results come back in the same order, so the oldest remembered task is the one a
        result belongs to) and sent as `_as_sent` makes it."""
        for n, task in enumerate(tasks, start=start):
            submitted.append(task)
            yield self._as_sent(executor, step, n, task)

    def _as_sent(self, executor, step: str, n: int, task: BatchTask) -> BatchTask | Journaled:
        """Task `n` of `step` with the journal name its worker spools the result to; as it
        is for an executor that runs tasks in this process (`in_process`), whose results
        come back unpickled and are pickled once, into the journal."""
        if getattr(executor, "in_process", False):
            return task
        return Journaled(task, self.journal.pending(step, n))

    def _accept(self, executor, step: str, n: int, task: BatchTask,
                outcome: Spooled | BatchResult | TaskFailed) -> BatchResult:
        """The result of task `n` of `step` as the run keeps it, in the journal before the
        run goes on: the spooled file renamed into place, or (a failed task, a rerun that
        failed) the error rows made here, pickled."""
        if isinstance(outcome, TaskFailed):
            result, spooled = failed_batch_result(task, outcome.reason), None
        else:
            result, spooled = self._opened(outcome)
            if isinstance(task, ReadBatch):
                result, spooled = self._with_unique_ids(executor, step, n, task, result, spooled)
        self.journal.record(step, n, result, spooled)
        return result

    def _with_unique_ids(self, executor, step: str, n: int, task: ReadBatch, result: BatchResult,
                         spooled: Spooled | None) -> tuple[BatchResult, Spooled | None]:
        """`result`, or the batch run again if it reuses ids of earlier batches (rare); with
        the spooled file that holds the result returned, if any.

        Each rerun marks the ids the previous attempt reused as taken; a worker never emits
        a taken id, so the taken set grows every round and the loop ends (a renamed id can
        itself be an earlier batch's, hence a loop rather than one rerun). A rerun whose
        worker hangs or dies twice gives the batch's records as error rows."""
        while not self.ids.add_new(result.doc_ids):
            task = replace(task, taken=task.taken | self.ids.taken(result.doc_ids))
            outcome = executor.run_one(run_batch, self._as_sent(executor, step, n, task))
            if isinstance(outcome, TaskFailed):
                return failed_batch_result(task, outcome.reason), None
            result, spooled = self._opened(outcome)
        return result, spooled

    def _opened(self, outcome: Spooled | BatchResult) -> tuple[BatchResult, Spooled | None]:
        """A worker's result (loaded from the journal folder if it was spooled there) and
        the spooled file, if any."""
        if isinstance(outcome, Spooled):
            return self.journal.unspool(outcome), outcome
        return outcome, None

    def _tasks(self, index: int, items, decisions: Decisions | None, parked: IntermediateWriter | None) -> Iterator[BatchTask]:
        """Batches of the first pass's reader items, or the parked parcels of a later pass
        with the previous global stage's decisions for their documents attached."""
        if decisions is None:
            for n, batch in enumerate(items):
                chunk, rows = (batch, []) if isinstance(batch, Chunk) else (None, batch)
                yield ReadBatch(index, rows, park_to=parked.path_for(n) if parked else None,
                                park_as_rows=self._parks_rows(index), chunk=chunk)
            return
        clusters = _clusters_by_doc(decisions)
        for n, parcel in enumerate(items):
            decided = {
                "decisions": {i: decisions.per_doc[i] for i in parcel.ids if i in decisions.per_doc},
                "duplicate_counts": {i: decisions.duplicate_counts[i] for i in parcel.ids if i in decisions.duplicate_counts},
                "cluster_rows": {i: clusters[i] for i in parcel.ids if i in clusters},
            }
            if self._parks_rows(index - 1):
                yield FilterBatch(index, parcel, **decided)
            else:
                yield ParcelBatch(index, parcel, **decided, park_to=parked.path_for(n) if parked else None,
                                  park_as_rows=self._parks_rows(index))

    def _parks_rows(self, index: int) -> bool:
        """Whether pass `index` parks output rows: the next pass is a final filter pass."""
        return self.filters_last and index == len(self.runner.segments) - 2

    def _summary(self, counts: ReadCounts, files) -> RunSummary:
        read = self.stats["read"]
        read.docs_in = counts.records
        read.docs_out = counts.records - sum(read.counts.values())
        read.counts.update(counts.notes)
        read.counts.update(self.read_notes)
        kept, removed, errors = (self.sinks.rows(name) for name in ("data", "removed", "errors"))
        if kept + removed + errors != counts.records:
            raise RuntimeError(
                f"bookkeeping bug: {counts.records} records read but {kept} kept + {removed} removed + {errors} errored"
            )
        stages = {}
        for name, st in self.stats.items():
            stages[name] = st.to_json()
            if name in self.decide:
                stages[name]["decide"] = self.decide[name]
        readers, warnings = field_report(self.config.readers, self.fields)
        warnings += _time_limit_warnings(self.stats)
        stats = {
            "cleaner_version": __version__,
            "input": as_uri(self.options.input) or str(self.options.input.resolve()),
            "records": {"read": counts.records, "kept": kept, "removed": removed, "errors": errors},
            "files": {"count": len(files), "bytes": sum(f.size for f in files)},
            "readers": readers,
            "warnings": warnings,
            "stages": stages,
        }
        return RunSummary(str(self.options.output), counts.records, kept, errors, self.removed, stats=stats, warnings=warnings)

    _parked = 0
    workers = 1


#: Input this small (in bytes on disk, all files together) runs in this process: it makes
#: one batch at most, which one worker runs while the others only cost their start-up.
TINY_INPUT_BYTES = 256 * 1024


def useful_workers(requested: int, files: list[Any], executor: Any) -> int:
    """`requested`, or 1 for a tiny input on the local executor (see TINY_INPUT_BYTES).
    Outputs are identical for any worker count, so this only saves the pool's start-up."""
    if executor.kind != "local" or requested <= 1:
        return requested
    if len(files) <= executor.batch_docs and sum(f.size for f in files) <= TINY_INPUT_BYTES:
        return 1
    return requested


def final_pass_filters(runner: StageRunner) -> bool:
    """Whether the last pass only carries out a drop-only global stage (see `final_filter`)."""
    last = runner.segments[-1]
    if last.apply_global is None or last.stages or last.sketch_global is not None:
        return False
    stage = runner.stages[last.apply_global]
    return isinstance(stage, GlobalStage) and stage.drops_only


def _peak_rss_mb() -> float:
    """This process's own peak resident set size: VmHWM of its address space. (`ru_maxrss`
    would be the launching process's, when that was larger at the fork before our exec.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _clusters_by_doc(decisions: Decisions | None) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for row in decisions.clusters if decisions else ():
        index.setdefault(row["doc_id"], []).append(row)
    return index


def _time_limit_warnings(stats: dict[str, StageStats]) -> list[str]:
    """One line per stage that kept documents unmodified because they ran past its
    `timeout_s` (their count is `budget_exceeded` in stats.json)."""
    return [
        f"{count} document{'s' if count != 1 else ''} ran past the {name} stage's timeout_s and "
        f"{'were' if count != 1 else 'was'} kept as {name} received {'them' if count != 1 else 'it'}"
        for name, st in stats.items()
        if (count := st.counts.get("budget_exceeded", 0))
    ]

