"""The Ray executor: the local executor's contract, run by Ray actors on a cluster.

Each actor calls the pipeline's worker initialiser once (the stages are built once per
actor, as in a pool worker) and then runs batches. Batches travel through Ray's object
store; a batch's result does not: the actor spools it into the run's journal and sends back
only its name (`cleaner.pipeline.journal`). `map` keeps at most `window` batches in flight
and yields results strictly in submission order, as `LocalExecutor.map` does, so a run's
outputs are byte-identical to a local run's whatever the number of actors (tested).

What a cluster of several machines needs: cleaner installed on every node, and the input
and the output folder on storage every node mounts at the same paths: the workers read the
input themselves (read tasks, `cleaner.pipeline.framing`) and park their batches in the
run's work folder inside the output folder. The driver (the process that runs `clean run`)
only lists the input, plans the tasks and writes the outputs.

All of it is checked before any input is read, so that a run does not hang or fail late:
`-w` against the cluster's CPUs (an actor needs one, and an actor without a CPU waits
forever), the run folder from every actor (it must exist, take a file, and show the probe
file the driver wrote, which proves it is the same storage and not a local folder of the
same name), and the input from every actor (the first input file is there, at the size the
driver listed). An actor that does not start within ACTOR_START_S seconds (CPUs taken by
other jobs) stops the run too.

A node lost mid-run costs only the batches its actors were running: an actor whose process
or node dies is restarted by Ray (on a node with a free CPU) up to ACTOR_RESTARTS times,
and the batch it was running is sent once more (`max_task_retries`), as the local pool runs
a batch once more after its worker died. Every task writes only files named after itself,
so a second attempt writes the same bytes. A batch whose second attempt fails too comes
back as `TaskFailed` (its records become error rows) and the run goes on.
"""

from __future__ import annotations

import itertools
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from cleaner.errors import CleanerError, ConfigError, InputError, OutputError
from cleaner.executors.base import TaskFailed, ordered_window

T = TypeVar("T")
R = TypeVar("R")

#: How long the actors may take to start and check the run folder.
ACTOR_START_S = 120.0
#: Restarts of each actor (after its process or its node died) before it is given up.
ACTOR_RESTARTS = 8
#: Attempts of a batch beyond the first after its actor died (the local pool's ATTEMPTS - 1).
TASK_RETRIES = 1


class _Worker:
    """One Ray actor: initialised like a pool worker, then runs one batch per call."""

    def __init__(self, initializer: Callable[..., None], initargs: tuple) -> None:
        initializer(*initargs)

    def run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)

    def check_run_folder(self, folder: str, probe: str | None) -> tuple[str, str | None]:
        """(this node's host name, what is wrong with the run folder here or None)."""
        return socket.gethostname(), run_folder_problem(Path(folder), probe)

    def check_input(self, path: str, size: int) -> tuple[str, str | None]:
        """(this node's host name, why this node cannot read the input file or None)."""
        return socket.gethostname(), input_problem(Path(path), size)


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


def input_problem(path: Path, size: int) -> str | None:
    """Why a worker cannot read the input file `path` the driver listed at `size` bytes, or None."""
    try:
        found = path.stat().st_size
    except FileNotFoundError:
        return "it does not exist on this node"
    except OSError as exc:
        return f"it cannot be read here ({exc.strerror or exc})"
    if found != size:
        return f"it has {found} bytes here but {size} on the driver (a different copy?)"
    if not os.access(path, os.R_OK):
        return "it cannot be read here (no permission)"
    return None


class RayExecutor:
    """`workers` Ray actors of one CPU each, fed round-robin, results in order."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, address: str | None = None,
                 window: int | None = None, run_folder: Path | None = None,
                 input_file: tuple[str, int] | None = None) -> None:
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
            actor = ray.remote(num_cpus=1, max_restarts=ACTOR_RESTARTS, max_task_retries=TASK_RETRIES)(_Worker)
            self._actors = [actor.remote(initializer, initargs) for _ in range(workers)]
            if run_folder is not None:
                self._check_run_folder(run_folder)
            if input_file is not None:
                self._check_input(*input_file)
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

    def _check_input(self, path: str, size: int) -> None:
        """Every actor sees the first input file as the driver listed it; else a one-line error."""
        for host, problem in _results([a.check_input.remote(path, size) for a in self._actors]):
            if problem is not None:
                raise InputError(f"Ray worker on {host} cannot read the input file {path!r}: {problem}",
                                 "put --input on storage every node mounts at the same path (the workers read it)")

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R | TaskFailed]:
        return ordered_window(items, lambda item: (self._submit(fn, item), fn, item), self._outcome, self.window)

    def run_one(self, fn: Callable[[T], R], item: T) -> R | TaskFailed:
        """Run one more item now (while `map` may have others in flight) and wait for it."""
        return self._outcome((self._submit(fn, item), fn, item))

    def _outcome(self, handle: tuple[Any, Callable[[Any], Any], Any]) -> Any:
        """A task's result; `TaskFailed` when its actor died on every attempt (a node lost
        again and again, or a record that kills the process that reads it).

        The task is sent once more, to the next actor, when Ray could not deliver it (its
        actor is restarting after its node died: `ActorUnavailableError`, for up to
        ACTOR_START_S seconds) or lost its result with the node that held it (an actor
        task's result is not rebuilt by Ray); tasks write only files named after
        themselves, so running one twice changes nothing."""
        import ray

        ref, fn, item = handle
        deadline = time.monotonic() + ACTOR_START_S
        lost = 0
        while True:
            try:
                return ray.get(ref)
            except ray.exceptions.ActorUnavailableError as exc:
                if time.monotonic() > deadline:
                    return TaskFailed(f"no Ray worker could take it for {ACTOR_START_S:g} s ({_first_line(exc)})")
                time.sleep(0.2)
            except ray.exceptions.RayActorError as exc:
                return TaskFailed(f"its Ray worker died on {TASK_RETRIES + 1} attempts ({_first_line(exc)})")
            except ray.exceptions.ObjectLostError as exc:
                lost += 1
                if lost > TASK_RETRIES:
                    return TaskFailed(f"its result was lost with the node that held it, {lost} times ({_first_line(exc)})")
            ref = self._submit(fn, item)

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


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


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
