"""`clean run` as a library call: read, process in passes, write, check, swap in.

The runner is the only writer. Workers receive batches in input order and return outcomes in
the same order, so every output file has the same content in the same order whatever the
worker count. Before the output folder is swapped in, the run checks its own bookkeeping:
every record read is exactly once kept, removed or errored.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cleaner import __version__
from cleaner.config import Config
from cleaner.document import Document
from cleaner.errors import TooManyErrors
from cleaner.executors import make_executor
from cleaner.io.discover import discover
from cleaner.io.output import StagedOutput
from cleaner.pipeline.intermediate import IntermediateWriter, read_intermediate
from cleaner.pipeline.outcomes import Errored, Removed
from cleaner.pipeline.sinks import OutputSinks
from cleaner.pipeline.source import ReadCounts, batched, read_items
from cleaner.pipeline.stats import StageStats, merge_all
from cleaner.pipeline.worker import BatchTask, StageRunner, init_worker, run_batch
from cleaner.stages.base import Decisions, DocKey, GlobalStage


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


@dataclass
class RunSummary:
    """The numbers the CLI prints at the end (and stats.json holds)."""

    output: Path
    records: int
    kept: int
    errors: int
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def error_fraction(self) -> float:
        return self.errors / self.records if self.records else 0.0


def run_pipeline(config: Config, options: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Run `config` over `options.input` into `options.output`, atomically."""
    started = time.perf_counter()
    files, refused = discover(options.input, config.readers.skip_hidden, exclude=options.output)
    staged = StagedOutput(options.output)
    try:
        run = _Run(config, options, staged, progress or NullProgress())
        summary = run.execute(files, refused)
        summary.seconds = time.perf_counter() - started
        summary.stats["run"] = {"seconds": round(summary.seconds, 3), "workers": options.workers,
                                "docs_per_second": round(summary.records / summary.seconds, 1) if summary.seconds else None}
        (staged.path / "stats.json").write_text(json.dumps(summary.stats, indent=2) + "\n")
        (staged.path / "config.resolved.yaml").write_text(config.to_yaml())
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    summary.output = options.output
    if summary.error_fraction > config.readers.max_errors:
        raise TooManyErrors(
            f"{summary.errors} of {summary.records} records ({summary.error_fraction:.1%}) could not be read, "
            f"above readers.max_errors ({config.readers.max_errors:.1%}); outputs were written to {options.output}",
            f"see {options.output / 'errors.parquet'} for each error",
        )
    return summary


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
        self.sinks = OutputSinks(staged.path, staged.work, config.output)

    def execute(self, files, refused) -> RunSummary:
        counts = ReadCounts()
        self.progress.phase("reading", float(sum(f.size for f in files)) or None)
        items: Iterator[Any] = read_items(files, refused, self.config.readers, self.options.limit, counts, self.progress.advance)
        decisions: Decisions | None = None
        segments = self.runner.segments
        with make_executor(self.options.workers, init_worker, (self.config,)) as executor:
            for index, segment in enumerate(segments):
                final = index == len(segments) - 1
                if index:
                    self.progress.phase(f"pass {index + 1}: {segment.apply_global}", float(self._parked) or None)
                items, decisions = self._pass(executor, index, items, decisions, final)
        self.sinks.close()
        return self._summary(counts, files)

    def _pass(self, executor, index: int, items, decisions: Decisions | None, final: bool):
        segment = self.runner.segments[index]
        collector = None
        if segment.sketch_global is not None:
            stage = self.runner.stages[segment.sketch_global]
            assert isinstance(stage, GlobalStage)
            collector = stage.collector(self.staged.work)
        parked = None if final else IntermediateWriter(self.staged.work / f"pass-{index + 1}.arrow")
        clusters = _clusters_by_doc(decisions)
        batches = batched(items, self.config.executor.batch_docs, int(self.config.executor.batch_mb * 2**20))
        tasks = (self._task(index, batch, decisions, clusters) for batch in batches)
        for result in executor.map(run_batch, tasks):
            merge_all(self.stats, result.stats)
            kept = [o for o in result.outcomes if isinstance(o, Document)]
            for outcome in result.outcomes:
                self._record(outcome, final)
            if parked is not None:
                parked.write(kept)
            if collector is not None:
                collector.add([DocKey(d.id, len(d.text)) for d in kept], result.sketch)
            if index:
                self.progress.advance(len(result.outcomes))
        next_items: Iterator[Any] = iter(())
        if parked is not None:
            self._parked = parked.close()
            next_items = read_intermediate(parked.path)
        if collector is not None:
            self.progress.phase(f"{segment.sketch_global}: deciding", None)
            started = time.perf_counter()
            decisions = collector.finish()
            self.decide[segment.sketch_global] = {**decisions.stats, "seconds": round(time.perf_counter() - started, 3)}
        return next_items, decisions

    def _task(self, index: int, batch: list[Any], decisions: Decisions | None, clusters: dict[str, list[dict]]) -> BatchTask:
        """Attach the previous global stage's decisions (and fill cluster texts) for a batch."""
        if decisions is None:
            return BatchTask(index, batch)
        chosen: dict[str, Any] = {}
        for doc in batch:
            if doc.id in decisions.per_doc:
                chosen[doc.id] = decisions.per_doc[doc.id]
            if doc.id in decisions.duplicate_counts:
                doc.duplicate_count = decisions.duplicate_counts[doc.id]
            rows = clusters.get(doc.id)
            if rows:
                self.sinks.write_cluster_rows([_with_text(row, doc.text) for row in rows])
        return BatchTask(index, batch, chosen)

    def _record(self, outcome: Any, final: bool) -> None:
        if isinstance(outcome, Removed):
            self.removed[(outcome.stage, outcome.reason)] += 1
            if outcome.stage == "read":
                self.stats["read"].counts[outcome.reason] += 1
        elif isinstance(outcome, Errored) and outcome.stage == "read":
            self.stats["read"].counts["error"] += 1
        self.sinks.write_outcome(outcome, final)

    def _summary(self, counts: ReadCounts, files) -> RunSummary:
        read = self.stats["read"]
        read.docs_in = counts.records
        read.docs_out = counts.records - sum(read.counts.values())
        read.counts.update(counts.notes)
        kept, removed, errors = self.sinks.data.rows, self.sinks.removed.rows, self.sinks.errors.rows
        if kept + removed + errors != counts.records:
            raise RuntimeError(
                f"bookkeeping bug: {counts.records} records read but {kept} kept + {removed} removed + {errors} errored"
            )
        stages = {}
        for name, st in self.stats.items():
            stages[name] = st.to_json()
            if name in self.decide:
                stages[name]["decide"] = self.decide[name]
        stats = {
            "cleaner_version": __version__,
            "input": str(self.options.input.resolve()),
            "records": {"read": counts.records, "kept": kept, "removed": removed, "errors": errors},
            "files": {"count": len(files), "bytes": sum(f.size for f in files)},
            "stages": stages,
        }
        return RunSummary(self.options.output, counts.records, kept, errors, self.removed, stats=stats)

    _parked = 0


def _clusters_by_doc(decisions: Decisions | None) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for row in decisions.clusters if decisions else ():
        index.setdefault(row["doc_id"], []).append(row)
    return index


def _with_text(row: dict, text: str) -> dict:
    start, end = row.get("start"), row.get("end")
    piece = text[start:end] if start is not None and end is not None else text
    return {**row, "text": piece}
