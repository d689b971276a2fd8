"""What a run has finished, kept in its staging folder so that `clean run --resume` can
pick up where a killed run stopped.

The main process accepts task results strictly in order (read tasks, then each pass's
batches), so what a run has finished is, for each step, a prefix of its tasks. Each
accepted result is written to the journal (`_work/journal/`, one file a task, named after
the step and the task's index, atomically by rename) before the run goes on. A resumed run
replays the journal: every recorded result goes through exactly the bookkeeping it went
through the first time (ids, statistics, output rows, parked documents, sketches), in the
same order, and only the tasks after the prefix run again. The output files are rewritten
from the replayed results, the global stages decide again from the replayed sketches
(their decisions depend on nothing else), so a resumed run writes the bytes a run that was
never interrupted writes.

A batch's result is written once: the worker that ran the batch pickles it into the journal
folder under a pending name (`Journal.pending`, see `spool`) and sends back only that name
(`Spooled`); the main process loads it from there and, when it accepts it, renames it to
the journal name. So the main process never pickles a result a second time, and on a
cluster a result does not travel through the object store to the main process. (A run in
one process, `SerialExecutor`, has its results in hand and pickles each once, here.)

A journal belongs to one job: `run.json` in the work folder names the config (the digest
the manifest holds, plus the batch and read task sizes, since they decide which records a
task holds), the input
fingerprint, the record limit and the cleaner version, and a run resumes only a staging
folder whose `run.json` is its own (`cleaner.io.output.resumable_staging`).
"""

from __future__ import annotations

import os
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.io.discover import InputFile
from cleaner.io.manifest import config_digest, input_fingerprint


def identity(config: dict[str, Any], files: list[InputFile], limit: int | None) -> dict[str, Any]:
    """What makes two runs the same job: `run.json` of a run's staging folder. The
    executor's kind, address and watchdog are left out (they decide who runs a task, not
    what it holds), so a run killed on a cluster may be resumed on this machine."""
    executor = config.get("executor", {})
    return {"cleaner_version": __version__, "config_sha256": config_digest(config),
            "batching": {key: executor.get(key) for key in ("batch_docs", "batch_mb", "read_mb")},
            "input_fingerprint": input_fingerprint(files), "input_files": len(files), "limit": limit}


@dataclass(frozen=True, slots=True)
class Spooled:
    """A task result that a worker wrote to `path` (see `spool`) instead of sending it back."""

    path: str


def spool(path: str, result: Any) -> Spooled:
    """Worker side: write `result` to `path` atomically (a retried task rewrites it whole;
    the partial file is the writer's own, so two attempts never write into one file)."""
    partial = f"{path}.{uuid.uuid4().hex}.partial"
    with open(partial, "wb") as sink:
        pickle.dump(result, sink, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
    return Spooled(path)


class Journal:
    """The accepted results of one run, by step (`read`, `pass1`, `pass2`, ...) and task index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.replayed = 0
        self.recorded = 0

    def _path(self, step: str, n: int) -> Path:
        return self.folder / f"{step}-{n:07d}.pkl"

    def pending(self, step: str, n: int) -> str:
        """Where a worker spools the result of task `n` of `step` (not yet accepted: a
        resumed run ignores it)."""
        return str(self._path(step, n).with_suffix(".pending"))

    def record(self, step: str, n: int, result: Any, spooled: Spooled | None = None) -> None:
        """Keep `result` of task `n` of `step`; it survives the run being killed. When
        `spooled` holds that very result (as a worker wrote it), the file is renamed into
        place rather than `result` pickled again."""
        path = self._path(step, n)
        if spooled is not None:
            os.replace(spooled.path, path)
        else:
            spool(str(path), result)
        self.recorded += 1

    @staticmethod
    def unspool(spooled: Spooled) -> Any:
        """The result a worker spooled (the file stays until `record` takes it)."""
        with open(spooled.path, "rb") as source:
            return pickle.load(source)

    def finished(self, step: str) -> int:
        """How many tasks of `step`, from the first on, have a recorded result."""
        n = 0
        while self._path(step, n).is_file():
            n += 1
        return n

    def load(self, step: str, n: int) -> Any:
        with open(self._path(step, n), "rb") as source:
            value = pickle.load(source)
        self.replayed += 1
        return value
