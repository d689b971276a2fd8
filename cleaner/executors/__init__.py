"""How batches run: in this process, in a local process pool, or on Ray actors.

An executor implements the `Executor` protocol (`cleaner.executors.base`, which also holds
the ordered, bounded window they share). The pipeline never depends on which one runs, so
outputs are identical for any executor and any worker count.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from cleaner.executors.base import Executor, TaskFailed, ordered_window
from cleaner.executors.local import WATCHDOG_S, LocalExecutor, SerialExecutor
from cleaner.plugins import import_object, split_import_path

#: What `executor.kind: module:attr` names: (workers, initializer, initargs, run_folder) -> Executor.
ExecutorFactory = Callable[[int, Callable[..., None], tuple, Path], Executor]

__all__ = ["BUILT_IN", "Executor", "ExecutorFactory", "UnknownExecutor", "executor_factory", "LocalExecutor", "SerialExecutor", "TaskFailed", "make_executor", "ordered_window"]


#: The executors `executor.kind` names without an import path.
BUILT_IN = ("local", "ray")


class UnknownExecutor(LookupError):
    """An `executor.kind` that names no executor; the message says why."""


def executor_factory(reference: str) -> ExecutorFactory:
    """The factory at `module:attr`: called as `factory(workers, initializer, initargs,
    run_folder)`, it returns an `Executor` whose workers each call `initializer(*initargs)`
    once before their first item, and which may keep files under `run_folder`."""
    if split_import_path(reference) is None:
        raise UnknownExecutor(f"{reference!r} is not a built-in executor nor an import path 'module:attr'")
    factory = import_object(reference, UnknownExecutor, f"executor {reference!r}")
    if not callable(factory):
        raise UnknownExecutor(f"{reference!r} is not callable (expected an executor factory)")
    return cast(ExecutorFactory, factory)


def make_executor(workers: int, initializer: Callable[[Any, int | None], None], config: Any, spool: Path,
                  kind: str = "local", address: str | None = None, watchdog_s: float = WATCHDOG_S,
                  input_file: tuple[str, int] | None = None) -> Executor:
    """The executor for `kind` with `workers` workers, each initialised with
    `initializer(config, parent_pid)`: serial for one local worker (no process start-up,
    easy debugging), a process pool passing batches through files under `spool` otherwise,
    whose watchdog ends a worker silent for `watchdog_s` seconds; Ray actors (joining
    `address`, or a Ray started here) for "ray", which check the run folder (`spool`'s
    parent) and that they see `input_file` (path, size: the first input file) from every
    node before any input is read; for "module:attr", what that factory
    returns (see `executor_factory`). Pool workers watch this process and exit with it; Ray
    actors and plugin workers get no parent pid. `map` may yield a `TaskFailed` in place of
    a result (the pool, when a batch's worker hung or died twice)."""
    if kind not in BUILT_IN:
        return executor_factory(kind)(workers, initializer, (config, None), spool.parent)
    if kind == "ray":
        from cleaner.executors.ray import RayExecutor

        return RayExecutor(workers, initializer, (config, None), address, run_folder=spool.parent, input_file=input_file)
    if workers <= 1:
        return SerialExecutor(initializer, (config, os.getpid()))
    return LocalExecutor(workers, initializer, (config, os.getpid()), spool, watchdog_s=watchdog_s)
