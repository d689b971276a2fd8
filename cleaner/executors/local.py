"""Local executors: inline, or a pool of worker processes with ordered, back-pressured
mapping and a watchdog.

`multiprocessing.Pool.imap` would pull the whole input iterator into its task queue as fast
as it can read it; on a 100 GB dump that is 100 GB of memory. `LocalExecutor.map` instead
keeps at most `window` batches in flight and yields results strictly in submission order.

Batches and their results travel through files in a spool folder rather than through
pipes: a batch of documents is megabytes, and on the machines we measured, pushing it
through a pipe (64 KB at a time, each side copying, woken per chunk) cost the main process
more than reading the input. A file written to the page cache and read straight back is one
copy each way. The pipes carry only short messages: which spool file to run, done, and
heartbeats.

The pool is our own rather than `concurrent.futures.ProcessPoolExecutor` because it must
know which worker runs which batch:

- A worker that makes no progress (no heartbeat, see `heartbeat`) for `watchdog_s`
  seconds — stopped with SIGSTOP, or stuck in a C extension beyond the html time limit —
  is killed; a worker that dies (kill -9, out of memory) is noticed by its process
  sentinel. Either way a new worker takes its place and its batch runs once more; if that
  fails too, `map` yields a `TaskFailed` for it (the runner turns its records into error
  rows) and the run goes on. Each event is one log line. A `ProcessPoolExecutor` marks
  itself broken instead, failing every batch in flight.
- Leaving the `with` block by an exception (Ctrl-C, SIGTERM, disk full) kills the
  workers at once instead of letting them finish their batches.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from cleaner.errors import CleanerError
from cleaner.executors import heartbeat
from cleaner.executors.base import TaskFailed, ordered_window

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Default seconds without progress after which a worker is ended (executor.watchdog_s).
WATCHDOG_S = 300.0
#: Attempts per batch: the first, and one more after its worker hung or died.
ATTEMPTS = 2
#: Tasks sent to a worker ahead of its results: it starts the next one as soon as it
#: finishes one, without waiting for the main process (busy reading and writing) to notice.
PER_WORKER = 2
#: Workers that die or hang before they are ready, in a row, before the run gives up.
MAX_FAILED_STARTS = 3
#: Seconds a worker may take to start (import the stages) before it counts as hung.
START_LIMIT_S = 120.0


class WorkerError(CleanerError):
    """Worker processes cannot be started (each one dies or hangs while starting)."""


class SerialExecutor:
    """Runs every batch in the calling process."""

    workers = 1
    #: Results need no spooling: they are this process's own objects (see `executors.base`).
    in_process = True

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


@dataclass(eq=False)
class _Task:
    """One submitted item: its spool files, how often it was tried, and how it ended."""

    number: int
    fn: Callable[[Any], Any]
    path: str
    failures: int = 0
    done: bool = False
    out: str | None = None
    error: BaseException | None = None
    failure: str | None = None


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    started: float
    ready: bool = False
    tasks: deque[_Task] = field(default_factory=deque)  # sent, in order; the first one is running
    heard: float = 0.0  # when the main process last heard of progress on its running task


class LocalExecutor:
    """A pool of worker processes started with `spawn` (safe with threads, same on every OS)."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple, spool: Path,
                 window: int | None = None, watchdog_s: float = WATCHDOG_S) -> None:
        self.workers = workers
        self.window = window or 2 * workers
        self.spool = spool
        self.watchdog_s = watchdog_s
        spool.mkdir(parents=True, exist_ok=True)
        self._names = itertools.count()
        self._context = multiprocessing.get_context("spawn")
        self._init = (initializer, initargs)
        self._queue: deque[_Task] = deque()  # submitted, waiting for an idle worker
        self._failed_starts = 0
        self._pool: list[_Worker] = []
        self._pool = [self._start() for _ in range(workers)]

    # -- the executor interface --------------------------------------------------------

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R | TaskFailed]:
        return ordered_window(items, lambda item: self._submit(fn, item), self._result, self.window)

    def run_one(self, fn: Callable[[T], R], item: T) -> R | TaskFailed:
        """Run one more item now (while `map` may have others in flight) and wait for it."""
        return self._result(self._submit(fn, item))

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        """Stop the workers: let idle ones exit after a normal end; kill them all at once
        when an exception (an interrupt, a full disk) ends the run."""
        if exc_type is None:
            for worker in self._pool:
                _send_quietly(worker.conn, None)
        for worker in self._pool:
            if exc_type is None:
                worker.process.join(10)
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join()
            worker.conn.close()
        self._pool = []

    # -- submitting and collecting ------------------------------------------------------

    def _submit(self, fn: Callable[[Any], Any], item: Any) -> _Task:
        number = next(self._names)
        task = _Task(number, fn, str(self.spool / f"{number:09d}"))
        _put(task.path + ".in", item)
        self._queue.append(task)
        self._poll(timeout=0)  # hear of finished tasks now: their workers may take this one
        return task

    def _result(self, task: _Task) -> Any:
        while not task.done:
            self._poll()
        if task.error is not None:
            raise task.error
        if task.failure is not None:
            for suffix in (".in", ".out"):
                _unlink(task.path + suffix)
            return TaskFailed(task.failure)
        _unlink(task.path + ".in")
        assert task.out is not None  # set with done when the worker reported success
        return _take(task.out)

    def _dispatch(self) -> None:
        """Hand waiting tasks to ready workers, the least busy first, up to PER_WORKER each."""
        for depth in range(PER_WORKER):
            for worker in list(self._pool):
                if not self._queue:
                    return
                if worker.ready and len(worker.tasks) == depth:
                    self._send(worker, self._queue.popleft())

    def _send(self, worker: _Worker, task: _Task) -> None:
        if not worker.tasks:
            worker.heard = time.monotonic()
        worker.tasks.append(task)
        if not _send_quietly(worker.conn, (task.fn, task.path)):
            self._lost(worker, f"worker process {worker.process.pid} could not be reached")

    def _poll(self, timeout: float | None = None) -> None:
        """Wait a little (`timeout`, default a watchdog tick) for messages or deaths, apply
        the watchdog, and hand out waiting tasks."""
        by_conn = {w.conn: w for w in self._pool}
        by_sentinel = {w.process.sentinel: w for w in self._pool}
        ready = wait([*by_conn, *by_sentinel], timeout=self._tick() if timeout is None else timeout)
        for conn in ready:
            if conn in by_conn and not self._drain(by_conn[conn]):
                self._lost(by_conn[conn], _death(by_conn[conn].process))
        for sentinel in ready:
            worker = by_sentinel.get(sentinel)
            if worker is not None and worker in self._pool:
                self._drain(worker)
                self._lost(worker, _death(worker.process))
        self._watch(time.monotonic())
        self._dispatch()

    def _drain(self, worker: _Worker) -> bool:
        """Handle every message `worker` has sent; False if its pipe broke."""
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            return False
        return True

    def _handle(self, worker: _Worker, message: tuple) -> None:
        kind = message[0]
        worker.heard = time.monotonic()
        if kind == "ready":
            worker.ready = True
            self._failed_starts = 0
        elif kind == "start_failed":
            log.error("a worker process could not start: %s", message[1])
        elif kind in ("done", "raised") and worker.tasks:
            task = worker.tasks.popleft()  # the next one, if any, starts now
            task.done = True
            if kind == "done":
                task.out = message[1]
            else:
                task.error = _with_remote_traceback(*message[1:])

    # -- the watchdog -----------------------------------------------------------------------

    def _tick(self) -> float:
        return min(1.0, self.watchdog_s / 4) if self.watchdog_s > 0 else 1.0

    def _watch(self, now: float) -> None:
        for worker in list(self._pool):
            if not worker.ready and now - worker.started > max(START_LIMIT_S, self.watchdog_s):
                self._end(worker, f"worker process {worker.process.pid} did not start within "
                                  f"{max(START_LIMIT_S, self.watchdog_s):g} s")
            elif self.watchdog_s > 0 and worker.tasks and now - worker.heard > self.watchdog_s:
                self._end(worker, f"worker process {worker.process.pid} made no progress for {self.watchdog_s:g} s "
                                  "(executor.watchdog_s)")

    def _end(self, worker: _Worker, reason: str) -> None:
        worker.process.kill()  # SIGKILL also ends a stopped (SIGSTOP) process
        worker.process.join()
        self._lost(worker, reason + "; ended it")

    def _lost(self, worker: _Worker, reason: str) -> None:
        """`worker` is gone: start another in its place and run its batch again (once).
        The tasks sent after it never started: they go back to the queue as they were."""
        if worker not in self._pool:
            return
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        task = worker.tasks.popleft() if worker.tasks else None
        self._queue.extendleft(reversed(worker.tasks))
        if not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= MAX_FAILED_STARTS:
                raise WorkerError(f"worker processes keep failing to start ({self._failed_starts} in a row; last: {reason})",
                                  "run with -w 1 to see the error in this process")
        if task is not None:
            task.failures += 1
        if task is None:
            log.warning("%s; starting another", reason)
        elif task.failures < ATTEMPTS:
            log.warning("%s; running its batch again", reason)
            self._queue.appendleft(task)
        else:
            log.error("%s, for the second time on the same batch; its records go to errors.parquet", reason)
            task.done, task.failure = True, f"{reason}, twice on this batch"
        self._pool[self._pool.index(worker)] = self._start()

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe(duplex=True)
        beat_every = min(1.0, self.watchdog_s / 10) if self.watchdog_s > 0 else 1.0
        process = self._context.Process(target=_serve, args=(theirs, *self._init, beat_every), daemon=True,
                                        name="cleaner-worker")
        # Started with SIGINT blocked (the child inherits the mask), so that a Ctrl-C while
        # it boots is not a KeyboardInterrupt traceback in it; `_serve` ignores, then unblocks.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        theirs.close()
        return _Worker(process, ours, time.monotonic())


# -- the worker side ------------------------------------------------------------------------


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple, beat_every: float) -> None:
    """A worker process: initialise, then run spooled tasks until told to stop.

    SIGINT is ignored: Ctrl-C reaches the whole process group, and it is the main process
    that decides to stop the workers (and kills them).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        initializer(*initargs)
    except BaseException as exc:  # reported to the main process, which decides
        _send_quietly(conn, ("start_failed", f"{type(exc).__name__}: {exc}"))
        return
    heartbeat.install(lambda: conn.send(("beat",)), beat_every)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, path = message
        try:
            out = _run_spooled(fn, path)
        except BaseException as exc:  # the main process re-raises it
            conn.send(("raised", *_portable(exc)))
        else:
            conn.send(("done", out))


def _run_spooled(fn: Callable[[Any], Any], path: str) -> str:
    """Read the item at `path.in`, write `fn(item)` to `path.out`. The input file stays
    until the main process has the result, so that a retry after a crash can read it."""
    with open(path + ".in", "rb") as source:
        item = pickle.load(source)
    _put(path + ".out", fn(item))
    return path + ".out"


def _portable(exc: BaseException) -> tuple[BaseException, str]:
    """The exception and its formatted traceback, in a form that surely pickles."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc, text


# -- helpers ----------------------------------------------------------------------------------


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, attached as its cause."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


def _with_remote_traceback(exc: BaseException, text: str) -> BaseException:
    exc.__cause__ = RemoteTraceback(text)
    return exc


def _death(process: Any) -> str:
    process.join(1)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    else:
        how = f"exited with code {code}"
    return f"worker process {process.pid} {how}"


def _send_quietly(conn: Connection, message: Any) -> bool:
    try:
        conn.send(message)
    except (OSError, ValueError):
        return False
    return True


def _put(path: str, value: Any) -> None:
    with open(path, "wb") as sink:
        pickle.dump(value, sink, protocol=pickle.HIGHEST_PROTOCOL)


def _take(path: str) -> Any:
    """Load a spooled value and delete its file."""
    with open(path, "rb") as source:
        value = pickle.load(source)
    os.unlink(path)
    return value


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
