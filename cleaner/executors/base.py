"""What an executor is: the protocol the pipeline runs batches through, and the ordered,
bounded window every implementation shares.

The pipeline never depends on which executor runs, so outputs are identical for any
executor and any worker count. An executor offers:

- `map(fn, items)`: `fn(item)` for every item, yielded in input order, with at most a
  window of items submitted and not yet yielded (so a 100 GB input is never read ahead);
- `run_one(fn, item)`: one more item now, while `map` may have others in flight;
- context management: `__exit__` stops its workers;
- optionally `in_process = True`, when `fn` runs in the calling process: the pipeline then
  takes results as they are rather than having workers spool them into the run's journal
  (`cleaner.pipeline.journal`), which would only pickle and load them once more.

A result may be a `TaskFailed` in place of `fn`'s value, when the executor gave up on an
item (a worker that hung or died twice); the pipeline turns it into error rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
H = TypeVar("H")


@dataclass(frozen=True)
class TaskFailed:
    """A task the executor gave up on; `reason` says why (for the error rows)."""

    reason: str


class Executor(Protocol):
    """See the module docstring."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R | TaskFailed]: ...

    def run_one(self, fn: Callable[[T], R], item: T) -> R | TaskFailed: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: Any) -> None: ...


def ordered_window(items: Iterable[T], submit: Callable[[T], H], collect: Callable[[H], R], window: int) -> Iterator[R]:
    """`collect(submit(item))` for every item, in input order, with at most `window` items
    submitted and not yet collected: the one back-pressured, ordered map of every executor.

    `submit` starts the work and returns a handle (a spool file, a Ray object ref);
    `collect` waits for it. The next item is read from `items` only once there is room.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    pending: deque[H] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield collect(pending.popleft())
    while pending:
        yield collect(pending.popleft())
