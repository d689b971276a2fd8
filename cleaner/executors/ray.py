"""The Ray executor: the local executor's contract, run by Ray actors on a cluster.

Each actor calls the pipeline's worker initialiser once (the stages are built once per
actor, as in a pool worker) and then runs batches. Batches and results travel through Ray's
object store. `map` keeps at most `window` batches in flight and yields results strictly in
submission order, as `LocalExecutor.map` does, so a run's outputs are byte-identical to a
local run's whatever the number of actors (tested).

What a cluster of several machines needs: cleaner installed on every node, and the output
folder on storage every node mounts, because the workers park the batches that wait between
passes in the run's work folder inside it. The input is read, and the outputs written, by
the process that runs `clean run` (the Ray driver).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Worker:
    """One Ray actor: initialised like a pool worker, then runs one batch per call."""

    def __init__(self, initializer: Callable[..., None], initargs: tuple) -> None:
        initializer(*initargs)

    def run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)


class RayExecutor:
    """`workers` Ray actors of one CPU each, fed round-robin, results in order."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, address: str | None = None,
                 window: int | None = None) -> None:
        import ray

        self.workers = workers
        self.window = window or 2 * workers
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:
            local = {"num_cpus": workers} if address is None else {}
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False, **local)
        actor = ray.remote(num_cpus=1)(_Worker)
        self._actors = [actor.remote(initializer, initargs) for _ in range(workers)]
        self._turn = itertools.count()

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        import ray

        pending: deque[Any] = deque()
        for item in items:
            pending.append(self._submit(fn, item))
            if len(pending) >= self.window:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def run_one(self, fn: Callable[[T], R], item: T) -> R:
        """Run one more item now (while `map` may have others in flight) and wait for it."""
        import ray

        return ray.get(self._submit(fn, item))

    def _submit(self, fn: Callable[[Any], Any], item: Any) -> Any:
        actor = self._actors[next(self._turn) % len(self._actors)]
        return actor.run.remote(fn, item)

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        import ray

        for actor in self._actors:
            ray.kill(actor)
        if self._owns_ray:
            ray.shutdown()
