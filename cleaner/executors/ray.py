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

Both are checked before any input is read, so that a run does not hang or fail late: `-w`
against the cluster's CPUs (an actor needs one, and an actor without a CPU waits forever),
and the run folder from every actor (it must exist, take a file, and show the probe file
the driver wrote, which proves it is the same storage and not a local folder of the same
name). An actor that does not start within ACTOR_START_S seconds (CPUs taken by other
jobs) stops the run too.
"""

from __future__ import annotations

import itertools
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from cleaner.errors import CleanerError, ConfigError, OutputError
from cleaner.executors.base import ordered_window

T = TypeVar("T")
R = TypeVar("R")

#: How long the actors may take to start and check the run folder.
ACTOR_START_S = 120.0


class _Worker:
    """One Ray actor: initialised like a pool worker, then runs one batch per call."""

    def __init__(self, initializer: Callable[..., None], initargs: tuple) -> None:
        initializer(*initargs)

    def run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)

    def check_run_folder(self, folder: str, probe: str | None) -> tuple[str, str | None]:
        """(this node's host name, what is wrong with the run folder here or None)."""
        return socket.gethostname(), run_folder_problem(Path(folder), probe)


def run_folder_problem(folder: Path, probe: str | None) -> str | None:
    """Why a worker cannot use `folder` (missing, not writable, not the driver's: the probe
    file named `probe` is not in it), or None."""
    if not folder.is_dir():
        return "it does not exist on this node"
    mine = folder / f".cleaner-worker-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        mine.write_bytes(b"")
        mine.unlink()
    except OSError as exc:
        return f"a file cannot be written in it ({exc.strerror or exc})"
    if probe is not None and not (folder / probe).is_file():
        return "it is not the folder the driver writes to (a local folder of the same name?)"
    return None


class RayExecutor:
    """`workers` Ray actors of one CPU each, fed round-robin, results in order."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, address: str | None = None,
                 window: int | None = None, run_folder: Path | None = None) -> None:
        import ray

        self.workers = workers
        self.window = window or 2 * workers
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:
            local: dict[str, Any] = {"num_cpus": workers} if address is None else {}
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False, **local)
        self._actors: list[Any] = []
        try:
            _check_cpus(workers)
            actor = ray.remote(num_cpus=1)(_Worker)
            self._actors = [actor.remote(initializer, initargs) for _ in range(workers)]
            if run_folder is not None:
                self._check_run_folder(run_folder)
        except BaseException:
            self.__exit__()
            raise
        self._turn = itertools.count()

    def _check_run_folder(self, folder: Path) -> None:
        """Every actor started and can use the run folder; else a one-line error."""
        import ray

        probe = f".cleaner-probe-{uuid.uuid4().hex}"
        written = folder.is_dir()  # the driver made it; an executor built alone may lack it
        if written:
            (folder / probe).write_bytes(b"")
        try:
            checks = [a.check_run_folder.remote(str(folder), probe if written else None) for a in self._actors]
            ready, waiting = ray.wait(checks, num_returns=len(checks), timeout=ACTOR_START_S)
            if waiting:
                free = ray.available_resources().get("CPU", 0)
                raise CleanerError(f"{len(waiting)} of {len(checks)} Ray workers did not start within {ACTOR_START_S:g} s "
                                   f"({free:g} CPUs of the cluster are free)",
                                   "other jobs may hold the cluster's CPUs: wait for them, or pass a smaller -w")
            for host, problem in _results(ready):
                if problem is not None:
                    raise OutputError(f"Ray worker on {host} cannot use the run folder {str(folder)!r}: {problem}",
                                      "put --output on storage every node mounts at the same path")
        finally:
            if written:
                (folder / probe).unlink(missing_ok=True)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        import ray

        return ordered_window(items, lambda item: self._submit(fn, item), ray.get, self.window)

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
        self._actors = []
        if self._owns_ray:
            ray.shutdown()


def _check_cpus(workers: int) -> None:
    """`-w` fits the cluster: each actor takes one CPU, and one without a CPU waits forever."""
    import ray

    total = ray.cluster_resources().get("CPU", 0)
    if workers > total:
        raise ConfigError(f"-w {workers}: the Ray cluster has {total:g} CPUs and each worker (a Ray actor) needs one",
                          f"pass -w {int(total)} or fewer, or add nodes to the cluster")


def _results(refs: list[Any]) -> list[Any]:
    """ray.get, with an actor that died while starting (cleaner missing on its node, a bad
    config there) turned into a one-line error."""
    import ray

    try:
        return ray.get(refs)
    except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as exc:
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        raise CleanerError(f"a Ray worker failed to start: {lines[-1] if lines else type(exc).__name__}",
                           "cleaner must be installed on every node") from None
