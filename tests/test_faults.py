"""Faults during a real `clean run` (issue 13, and issue 8's interrupts): workers that die,
stop or hang, output storage that is full, read-only or not ours to write, and Ctrl-C or
SIGTERM. Each test checks the exit code, that no traceback is printed, that every record is
accounted for, and that a run which could not finish left the previous output as it was.

Worker faults are injected with tests/fault_hooks/sitecustomize.py: a document holding a
cue makes the worker that runs it misbehave (see there)."""

from __future__ import annotations

import errno
import json
import os
import pty
import random
import resource
import select
import shutil
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults import (
    assert_clean_exit,
    assert_committed,
    assert_previous_intact,
    errors_by_key,
    previous_output,
    snapshot,
    write_stage_config,
)
from tests.helpers import REPO, output_digests, read_rows

HOOKS = Path(__file__).resolve().parent / "fault_hooks"
WORDS = "the river ran past the old mill and the miller watched the water turn the wheel all day long"


def dump_with(tmp_path: Path, cues: dict[int, str], count: int = 12) -> Path:
    """A JSONL dump of `count` records; record i holds the cue `cues[i]` if any."""
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": f"{cues.get(i, 'plain')} record {i}: {WORDS}"}) + "\n"
                            for i in range(count)))
    return path


QUALITY = "{quality: {min_words: 1}}"


def fault_config(tmp_path: Path, watchdog_s: float = 300, max_errors: float = 0.1, stages: str = QUALITY) -> Path:
    return write_stage_config(tmp_path, stages,
                              f"executor: {{batch_docs: 4, watchdog_s: {watchdog_s}}}\nreaders: {{max_errors: {max_errors}}}\n")


def faulty_env(markers: Path) -> dict[str, str]:
    markers.mkdir(exist_ok=True)
    return {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(HOOKS), "CLEANER_TEST_FAULTS": str(markers)}


def clean_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", *args]


def run_faulty(tmp_path: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(clean_command(*args), cwd=REPO, capture_output=True, text=True,
                          env=faulty_env(tmp_path / "markers"), timeout=300, **kwargs)


def log_lines(proc: subprocess.CompletedProcess, fragment: str) -> list[str]:
    return [line for line in proc.stderr.splitlines() if fragment in line]


def wait_for(path: Path, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never happened"
        time.sleep(0.05)
    time.sleep(0.05)
    return path.read_text()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not status.exists() or status.read_text().rsplit(")", 1)[1].split()[0] != "Z"


# --- workers that die, stop or hang -------------------------------------------------------------


@pytest.mark.parametrize("cue, says", [
    ("DIE-ONCE", "was killed by SIGKILL; running its batch again"),
    ("STOP-ONCE", "made no progress for 2 s (executor.watchdog_s); ended it; running its batch again"),
])
def test_a_worker_that_dies_or_stops_once_costs_one_line_and_nothing_else(tmp_path: Path, cue: str, says: str) -> None:
    out, _ = previous_output(tmp_path)
    dump = dump_with(tmp_path, {5: cue})
    proc = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(fault_config(tmp_path, 2)))
    assert_clean_exit(proc, 0)
    assert (tmp_path / "markers" / cue).exists(), "the fault never fired"
    assert_committed(out, {("dump.jsonl", i) for i in range(12)})
    assert len(read_rows(out, "data")) == 12
    [line] = log_lines(proc, "worker process")
    assert says in line, proc.stderr


@pytest.mark.parametrize("stages, where", [(QUALITY, 1), (f"dedup, {QUALITY}", 2)], ids=["first pass", "after dedup"])
def test_a_batch_that_hangs_twice_becomes_error_rows_and_the_run_goes_on(tmp_path: Path, stages: str, where: int) -> None:
    """In the first pass the batch is reader items; after dedup, a parcel of parked documents."""
    out, _ = previous_output(tmp_path)
    dump = dump_with(tmp_path, {5: "HANG"})
    started = time.monotonic()
    proc = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2",
                      "-c", str(fault_config(tmp_path, 2, max_errors=0.5, stages=stages)))
    assert time.monotonic() - started < 120
    assert_clean_exit(proc, 0)
    stats = assert_committed(out, {("dump.jsonl", i) for i in range(12)})
    errors = errors_by_key(out)
    assert sorted(errors) == [("dump.jsonl", i) for i in range(4, 8)]  # the hung record's batch of 4
    for row in errors.values():
        assert row["stage"] == "worker"
        assert f"made no progress for 2 s (executor.watchdog_s); ended it, twice on this batch (pass {where})" in row["error"], row
    assert sorted(r["id"] for r in read_rows(out, "data")) == sorted(f"r{i}" for i in (0, 1, 2, 3, 8, 9, 10, 11))
    assert stats["stages"]["worker"]["counts"] == {"batch_failed": 4}
    assert len(log_lines(proc, "made no progress")) == 2, proc.stderr


def dump_of_files(tmp_path: Path, cue_name: str) -> Path:
    """A folder of four JSONL files of three records each (15 KB: with `read_mb: 0.01` each
    file is a read task of its own); the third is named after `cue_name`."""
    folder = tmp_path / "dump"
    folder.mkdir()
    for n, name in enumerate(["a", "b", cue_name, "d"]):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps({"id": f"{name}{i}", "text": f"{WORDS * 50} {n} {i}"}) + "\n"
                                                    for i in range(3)))
    return folder


def test_a_worker_that_dies_while_reading_its_files_reads_them_again(tmp_path: Path) -> None:
    """Input is read in the workers (read tasks), which the pool guards like any batch."""
    out, _ = previous_output(tmp_path)
    dump = dump_of_files(tmp_path, "c-READ-DIE-ONCE")
    config = write_stage_config(tmp_path, QUALITY, "executor: {read_mb: 0.01, watchdog_s: 2}\n")
    proc = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(config))
    assert_clean_exit(proc, 0)
    assert (tmp_path / "markers" / "READ-DIE-ONCE").exists(), "the fault never fired"
    names = ["a", "b", "c-READ-DIE-ONCE", "d"]
    assert_committed(out, {(f"{name}.jsonl", i) for name in names for i in range(3)})
    assert [r["id"] for r in read_rows(out, "data")] == [f"{name}{i}" for name in names for i in range(3)]
    [line] = log_lines(proc, "worker process")
    assert "was killed by SIGKILL; running its batch again" in line, proc.stderr


def test_files_whose_read_task_hangs_twice_are_one_error_row_each(tmp_path: Path) -> None:
    out, _ = previous_output(tmp_path)
    dump = dump_of_files(tmp_path, "c-READ-HANG")
    config = write_stage_config(tmp_path, QUALITY, "executor: {read_mb: 0.01, watchdog_s: 2}\n"
                                "readers: {max_errors: 0.5}\n")
    proc = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(config))
    assert_clean_exit(proc, 0)
    stats = assert_committed(out, {(f"{name}.jsonl", i) for name in "abd" for i in range(3)} | {("c-READ-HANG.jsonl", None)})
    [row] = errors_by_key(out).values()
    assert row["source"] == "c-READ-HANG.jsonl" and row["record"] is None and row["stage"] == "read"
    assert "not read: " in row["error"] and "made no progress for 2 s" in row["error"], row
    assert stats["records"] == {"read": 10, "kept": 9, "removed": 0, "errors": 1}


def test_kill_9_of_the_run_then_resume_writes_the_bytes_of_an_uninterrupted_run(tmp_path: Path) -> None:
    """The main process is SIGKILLed while a batch of the first pass is running (its
    workers exit with it); `--resume` replays what it had finished, runs only the rest and
    writes exactly what a run that was never interrupted writes."""
    dump = dump_with(tmp_path, {13: "PAUSE-ONCE"}, count=24)
    config = fault_config(tmp_path, stages=f"dedup, {QUALITY}")
    fresh = tmp_path / "fresh"
    proc = subprocess.run(clean_command("run", "-i", str(dump), "-o", str(fresh), "-w", "2", "-c", str(config), "-q"),
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert_clean_exit(proc, 0)
    out = tmp_path / "out"
    run = subprocess.Popen(clean_command("run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(config), "-q"),
                           cwd=REPO, env=faulty_env(tmp_path / "markers"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(tmp_path / "markers" / "PAUSE-ONCE")
    time.sleep(1.0)  # the batches before the paused one come back and are accepted
    run.kill()
    run.wait()
    [staging] = tmp_path.glob(".out.staging-*")
    assert not out.exists()
    resumed = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(config), "-q", "--resume")
    assert_clean_exit(resumed, 0)
    assert not staging.exists() and not list(tmp_path.glob(".out.staging-*"))
    assert output_digests(out) == output_digests(fresh)
    assert (out / "manifest.json").read_bytes() == (fresh / "manifest.json").read_bytes()
    tasks = json.loads((out / "stats.json").read_text())["run"]["tasks"]
    all_tasks = json.loads((fresh / "stats.json").read_text())["run"]["tasks"]
    assert all_tasks["replayed"] == 0 and tasks["replayed"] > 0
    assert tasks["run"] + tasks["replayed"] == all_tasks["run"]
    assert tasks["run"] < all_tasks["run"]


def test_resume_with_another_config_starts_afresh(tmp_path: Path) -> None:
    dump = dump_with(tmp_path, {13: "PAUSE-ONCE"}, count=24)
    config = fault_config(tmp_path, stages=f"dedup, {QUALITY}")
    out = tmp_path / "out"
    run = subprocess.Popen(clean_command("run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(config), "-q"),
                           cwd=REPO, env=faulty_env(tmp_path / "markers"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(tmp_path / "markers" / "PAUSE-ONCE")
    time.sleep(1.0)
    run.kill()
    run.wait()
    other = write_stage_config(tmp_path, "{quality: {min_words: 2}}", "executor: {batch_docs: 4}\n")
    resumed = run_faulty(tmp_path, "run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(other), "--resume")
    assert_clean_exit(resumed, 0)
    stats = json.loads((out / "stats.json").read_text())["run"]
    assert stats["resumed"] is False and stats["tasks"]["replayed"] == 0
    assert not list(tmp_path.glob(".out.staging-*")), "the killed run's staging folder is removed as stale"


# --- Ctrl-C and SIGTERM (issue 8 item 1) ---------------------------------------------------------


def test_ctrl_c_in_a_terminal_cancels_the_workers_and_exits_130(tmp_path: Path) -> None:
    """Through a real pseudo-terminal: ^C reaches the whole foreground process group, the
    progress bar is on, and a worker is an hour into a document."""
    out, before = previous_output(tmp_path)
    dump = dump_with(tmp_path, {5: "SLOW"})
    markers = tmp_path / "markers"
    env = faulty_env(markers)
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the `clean` process, with the pty as its terminal
        os.chdir(REPO)
        os.execve(sys.executable, clean_command("run", "-i", str(dump), "-o", str(out), "-w", "2",
                                                "-c", str(fault_config(tmp_path))), env)
    shown = bytearray()
    _read_until(terminal, shown, lambda: (markers / "SLOW").exists())
    slow_worker = int(wait_for(markers / "SLOW"))
    interrupted = time.monotonic()
    os.write(terminal, b"\x03")
    _read_until(terminal, shown, lambda: False)
    _, status = os.waitpid(pid, 0)
    elapsed = time.monotonic() - interrupted
    text = shown.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 130, text
    assert elapsed < 10, f"took {elapsed:.1f} s: the workers were drained, not cancelled"
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert text.count("error: interrupted (SIGINT); the previous output was left as it was") == 1, text
    assert not pid_alive(slow_worker)
    assert_previous_intact(out, before)


def _read_until(fd: int, into: bytearray, done, seconds: float = 120) -> str:
    """Read the terminal's output into `into` until `done()` or end of output."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                return ""
            if not chunk:
                return ""
            into += chunk
    return ""


def test_sigterm_cancels_the_workers_and_exits_143(tmp_path: Path) -> None:
    out, before = previous_output(tmp_path)
    dump = dump_with(tmp_path, {5: "SLOW"})
    markers = tmp_path / "markers"
    proc = subprocess.Popen(clean_command("run", "-i", str(dump), "-o", str(out), "-w", "2", "-c", str(fault_config(tmp_path))),
                            cwd=REPO, env=faulty_env(markers), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    slow_worker = int(wait_for(markers / "SLOW"))
    terminated = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - terminated < 10
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert_clean_exit(result, 143)
    assert stderr.strip() == "error: interrupted (SIGTERM); the previous output was left as it was", stderr
    assert not pid_alive(slow_worker)
    assert_previous_intact(out, before)


# --- output storage that fails ---------------------------------------------------------------------


def big_dump(tmp_path: Path, megabytes: int) -> Path:
    """About `megabytes` MB of JSONL whose text compresses poorly (random letters)."""
    rng = random.Random(13)
    path = tmp_path / "big.jsonl"
    with path.open("w") as sink:
        for i in range(megabytes * 1000):
            text = " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(180))
            sink.write(json.dumps({"id": f"b{i}", "text": text}) + "\n")
    return path


def assert_storage_error(proc: subprocess.CompletedProcess, out: Path, reason: str) -> None:
    assert_clean_exit(proc, 1)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("hint: "), proc.stderr
    assert lines[0] == (f"error: cannot write the output folder {str(out)!r}: {reason}; the run was abandoned and nothing "
                        "was changed (the previous output, if any, is as it was)"), lines[0]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_size_limit_hit_while_writing_is_one_error_line(tmp_path: Path, workers: str) -> None:
    """RLIMIT_FSIZE (ulimit -f) makes every write past 1 MB fail with EFBIG, in the main
    process and in its workers alike: a full disk anyone can reproduce without root."""
    out, before = previous_output(tmp_path)
    dump = big_dump(tmp_path, 6)

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of killing

    proc = subprocess.run(clean_command("run", "-i", str(dump), "-o", str(out), "-w", workers, "-q",
                                        "-c", str(write_stage_config(tmp_path, "encoding"))),
                          cwd=REPO, capture_output=True, text=True, preexec_fn=limit_file_size, timeout=300)
    assert_storage_error(proc, out, os.strerror(errno.EFBIG))
    assert_previous_intact(out, before)


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path("/tmp") / f"cleaner-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 5 MB tmpfs (needs root and mount; skipped otherwise)."""
    if not can_mount():
        pytest.skip("needs root and tmpfs mounts")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_is_one_error_line_and_the_previous_output_stays(tmp_path: Path, small_disk: Path) -> None:
    earlier, _ = previous_output(tmp_path)
    out = small_disk / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    proc = subprocess.run(clean_command("run", "-i", str(big_dump(tmp_path, 12)), "-o", str(out), "-w", "2", "-q",
                                        "-c", str(write_stage_config(tmp_path, "encoding"))),
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert_storage_error(proc, out, os.strerror(errno.ENOSPC))
    assert_previous_intact(out, before)


def test_a_read_only_file_system_is_one_error_line(tmp_path: Path, small_disk: Path) -> None:
    earlier, _ = previous_output(tmp_path)
    out = small_disk / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    proc = subprocess.run(clean_command("run", "-i", str(tmp_path / "earlier.jsonl"), "-o", str(out), "-w", "1", "-q",
                                        "-c", str(write_stage_config(tmp_path, "encoding"))),
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert_storage_error(proc, out, os.strerror(errno.EROFS))
    assert_previous_intact(out, before)


@pytest.fixture
def unwritable(tmp_path: Path):
    """A folder this process may not create entries in: immutable for root (chattr +i),
    read-only by mode for anyone else."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("root, and chattr +i is not available here")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = None
    yield folder
    if undo:
        subprocess.run(undo, check=True)
    else:
        folder.chmod(0o755)


def test_an_output_folder_we_may_not_write_is_one_error_line(tmp_path: Path, unwritable: Path) -> None:
    out = unwritable / "out"
    proc = subprocess.run(clean_command("run", "-i", str(dump_with(tmp_path, {})), "-o", str(out), "-w", "1", "-q",
                                        "-c", str(write_stage_config(tmp_path, "encoding"))),
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    reason = os.strerror(errno.EPERM if os.geteuid() == 0 else errno.EACCES)
    assert_storage_error(proc, out, reason)
    assert not list(unwritable.iterdir())
