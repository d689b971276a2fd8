"""How batches run: in this process, in a local process pool, or on Ray actors.

An executor implements the `Executor` protocol (`cleaner.executors.base`, which also holds
the ordered, bounded window they share). The pipeline never depends on which one runs, so
outputs are identical for any executor and any worker count.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleaner.executors.base import Executor, TaskFailed, ordered_window
from cleaner.executors.local import WATCHDOG_S, LocalExecutor, SerialExecutor

__all__ = ["Executor", "LocalExecutor", "SerialExecutor", "TaskFailed", "make_executor", "ordered_window"]


def make_executor(workers: int, initializer: Callable[[Any, int | None], None], config: Any, spool: Path,
                  kind: str = "local", address: str | None = None, watchdog_s: float = WATCHDOG_S) -> Executor:
    """The executor for `kind` ("local" or "ray") with `workers` workers, each initialised
    with `initializer(config, parent_pid)`: serial for one local worker (no process
    start-up, easy debugging), a process pool passing batches through files under `spool`
    otherwise, whose watchdog ends a worker silent for `watchdog_s` seconds; Ray actors
    (joining `address`, or a Ray started here) for "ray", which check the run folder
    (`spool`'s parent) from every node before any input is read. Pool workers watch this
    process and exit with it; Ray actors are Ray's to manage (no pid). `map` may yield a
    `TaskFailed` in place of a result (the pool, when a batch's worker hung or died twice)."""
    if kind == "ray":
        from cleaner.executors.ray import RayExecutor

        return RayExecutor(workers, initializer, (config, None), address, run_folder=spool.parent)
    if workers <= 1:
        return SerialExecutor(initializer, (config, os.getpid()))
    return LocalExecutor(workers, initializer, (config, os.getpid()), spool, watchdog_s=watchdog_s)
