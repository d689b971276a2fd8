"""The local pool's watchdog and retries, on functions that hang, stop or die on cue.

The functions below run in spawned worker processes; a marker file tells the second
attempt of a batch from the first."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest

from cleaner.executors import LocalExecutor, TaskFailed
from cleaner.executors.local import WorkerError


def no_setup() -> None:
    pass


def failing_setup() -> None:
    raise RuntimeError("cannot build the stages")


def misbehave(item: tuple[str, str]) -> str:
    """`(what, marker_dir)`: 'ok' returns; '<fault>-once' faults on the first attempt only;
    '<fault>' faults every time. Faults: hang (sleep), stop (SIGSTOP itself), die (SIGKILL)."""
    what, markers = item
    fault, _, once = what.partition("-")
    if fault == "ok":
        return what
    marker = Path(markers) / what
    if once and marker.exists():
        return what
    marker.touch()
    if fault == "hang":
        time.sleep(600)
    elif fault == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
    elif fault == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    elif fault == "raise":
        raise ValueError(f"bad item {what}")
    return what


def slow(item: float) -> float:
    time.sleep(item)
    return item


def run_all(tmp_path: Path, whats: list[str], watchdog_s: float = 1.5) -> list:
    with LocalExecutor(2, no_setup, (), tmp_path / "spool", watchdog_s=watchdog_s) as executor:
        return list(executor.map(misbehave, [(w, str(tmp_path)) for w in whats]))


@pytest.mark.parametrize("fault", ["hang", "stop", "die"])
def test_a_worker_that_faults_once_is_replaced_and_its_batch_runs_again(tmp_path: Path, fault: str,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cleaner.executors.local")
    started = time.monotonic()
    results = run_all(tmp_path, ["ok-1", f"{fault}-once", "ok-2", "ok-3"])
    assert results == ["ok-1", f"{fault}-once", "ok-2", "ok-3"]
    assert time.monotonic() - started < 30
    [line] = [r.getMessage() for r in caplog.records]
    expected = "was killed by SIGKILL" if fault == "die" else "made no progress for 1.5 s (executor.watchdog_s); ended it"
    assert expected in line and line.endswith("running its batch again"), line


@pytest.mark.parametrize("fault", ["hang", "die"])
def test_a_batch_whose_worker_faults_twice_fails_alone_and_in_order(tmp_path: Path, fault: str,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cleaner.executors.local")
    """Each worker holds two tasks: the one queued behind the faulty batch never started,
    goes back to the queue and succeeds without counting as a failure."""
    results = run_all(tmp_path, ["ok-1", fault, "ok-2", "ok-3", "ok-4", "ok-5"])
    assert [r for i, r in enumerate(results) if i != 1] == ["ok-1", "ok-2", "ok-3", "ok-4", "ok-5"]
    assert isinstance(results[1], TaskFailed)
    assert "twice on this batch" in results[1].reason
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == ["WARNING", "ERROR"], lines
    assert lines[1][1].endswith("for the second time on the same batch; its records go to errors.parquet")
    assert not list((tmp_path / "spool").iterdir()), "spool files of the failed batch are left"


def test_an_exception_in_a_worker_is_raised_in_the_caller_with_its_traceback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad item raise") as caught:
        run_all(tmp_path, ["ok-1", "raise"])
    assert "in misbehave" in str(caught.value.__cause__)


def test_leaving_on_an_exception_kills_busy_workers_at_once(tmp_path: Path) -> None:
    executor = LocalExecutor(2, no_setup, (), tmp_path / "spool", watchdog_s=0)
    processes = []
    with pytest.raises(KeyboardInterrupt), executor:
        results = executor.map(slow, [0.0, 60.0, 60.0, 60.0])
        assert next(results) == 0.0
        processes = [w.process for w in executor._pool]
        started = time.monotonic()
        raise KeyboardInterrupt
    assert time.monotonic() - started < 5
    assert processes and not any(p.is_alive() for p in processes)


def test_workers_that_cannot_start_end_the_run_with_one_error(tmp_path: Path) -> None:
    with pytest.raises(WorkerError, match="worker processes keep failing to start"):
        with LocalExecutor(2, failing_setup, (), tmp_path / "spool", watchdog_s=5) as executor:
            list(executor.map(slow, [0.0]))
