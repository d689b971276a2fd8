"""Local executors: inline, or a process pool with ordered, back-pressured mapping.

`multiprocessing.Pool.imap` would pull the whole input iterator into its task queue as fast
as it can read it; on a 100 GB dump that is 100 GB of memory. `LocalExecutor.map` instead
keeps at most `window` batches in flight and yields results strictly in submission order.

Batches and their results travel through files in a spool folder rather than through the
pool's pipes: a batch of documents is megabytes, and on the machines we measured, pushing
it through a pipe (64 KB at a time, each side copying, woken per chunk) cost the main
process more than reading the input. A file written to the page cache and read straight
back is one copy each way; it is deleted as soon as it is read, so the spool holds at most
`window` batches.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SerialExecutor:
    """Runs every batch in the calling process."""

    workers = 1

    def __init__(self, initializer: Callable[..., None], initargs: tuple) -> None:
        initializer(*initargs)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def run_one(self, fn: Callable[[T], R], item: T) -> R:
        return fn(item)

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class LocalExecutor:
    """A pool of worker processes started with `spawn` (safe with threads, same on every OS)."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, spool: Path,
                 window: int | None = None) -> None:
        self.workers = workers
        self.window = window or 2 * workers
        self.spool = spool
        spool.mkdir(parents=True, exist_ok=True)
        self._names = itertools.count()
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Future[str]] = deque()
        for item in items:
            pending.append(self._submit(fn, item))
            if len(pending) >= self.window:
                yield _take(pending.popleft().result())
        while pending:
            yield _take(pending.popleft().result())

    def run_one(self, fn: Callable[[T], R], item: T) -> R:
        """Run one more item now (while `map` may have others in flight) and wait for it."""
        return _take(self._submit(fn, item).result())

    def _submit(self, fn: Callable[[T], R], item: T) -> Future[str]:
        path = str(self.spool / f"{next(self._names):09d}")
        _put(path + ".in", item)
        return self._pool.submit(_run_spooled, fn, path)

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self._pool.shutdown(wait=exc_type is None, cancel_futures=exc_type is not None)


def _put(path: str, value: Any) -> None:
    with open(path, "wb") as sink:
        pickle.dump(value, sink, protocol=pickle.HIGHEST_PROTOCOL)


def _take(path: str) -> Any:
    """Load a spooled value and delete its file."""
    with open(path, "rb") as source:
        value = pickle.load(source)
    os.unlink(path)
    return value


def _run_spooled(fn: Callable[[Any], Any], path: str) -> str:
    """Worker side: read the item at `path.in`, write `fn(item)` to `path.out`."""
    _put(path + ".out", fn(_take(path + ".in")))
    return path + ".out"
