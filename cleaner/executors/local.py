"""Local executors: inline, or a process pool with ordered, back-pressured mapping.

`multiprocessing.Pool.imap` would pull the whole input iterator into its task queue as fast
as it can read it; on a 100 GB dump that is 100 GB of memory. `LocalExecutor.map` instead
keeps at most `window` batches in flight and yields results strictly in submission order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, window: int | None = None) -> None:
        self.workers = workers
        self.window = window or 2 * workers
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(self._pool.submit(fn, item))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def run_one(self, fn: Callable[[T], R], item: T) -> R:
        """Run one more item now (while `map` may have others in flight) and wait for it."""
        return self._pool.submit(fn, item).result()

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self._pool.shutdown(wait=exc_type is None, cancel_futures=exc_type is not None)
