"""How batches run: in this process, in a local process pool, or (later) on a cluster.

An executor only has to offer `map(fn, items)` that yields results in input order with a
bounded number of batches in flight, `run_one(fn, item)` that runs one item at once, plus
context management. The pipeline never depends on
which one runs, so outputs are identical for any worker count.
"""

from __future__ import annotations

from pathlib import Path

from cleaner.executors.local import LocalExecutor, SerialExecutor

__all__ = ["LocalExecutor", "SerialExecutor", "make_executor"]


def make_executor(workers: int, initializer, initargs: tuple, spool: Path):
    """Serial for one worker (no process start-up, easy debugging), a process pool otherwise
    (passing batches through files under `spool`)."""
    if workers <= 1:
        return SerialExecutor(initializer, initargs)
    return LocalExecutor(workers, initializer, initargs, spool)
