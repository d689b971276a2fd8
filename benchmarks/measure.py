"""Run a command and measure its wall time and the peak memory of its whole process tree.

Why a process tree: the tools we compare run worker pools (multiprocessing, multiprocess,
Rayon threads, `datasets` map workers). Their memory is spread over many processes, so the
peak RSS of the parent alone understates it and `ru_maxrss` (the largest single process)
does too. We want "how much RAM does this run need at its worst".

Method:

- The command starts in a new session (`setsid`), so every process it forks shares that
  session id, even one that gets re-parented to init when its parent exits first.
- A sampler thread wakes every `interval` seconds (50 ms by default), lists /proc, and takes
  every process that is a descendant of the command (by parent pid) or belongs to its
  session. It sums their resident set sizes (`/proc/PID/statm`, field 2, times the page
  size) and keeps the largest sum seen: `peak_rss_bytes`.
- Every 10th sample (every 0.5 s) it also sums the proportional set sizes (`Pss` of
  `/proc/PID/smaps_rollup`: each shared page divided among the processes sharing it) and
  keeps the largest: `peak_pss_bytes`, what the tree costs the machine without counting a
  copy-on-write page once per forked worker. It is sampled less often because reading
  smaps_rollup costs ~1 ms per process.
- When the command exits, `os.wait4` returns the kernel's own high-water mark of the largest
  single process among the command and the children it waited for (`ru_maxrss`):
  `max_single_rss_bytes`, a lower bound that also catches spikes between two samples.
- On timeout the whole session is killed (SIGTERM, then SIGKILL after 5 s).

Limits, all of which make the number approximate:

- Pages shared between processes (copy-on-write pages after `fork`, shared libraries, a
  shared memory segment) count once per process: the sum over-estimates real use for forked
  worker pools (`peak_pss_bytes` does not, but is sampled 10x less often).
- A spike shorter than the interval, or a process that lives less than one interval, can be
  missed (see `max_single_rss_bytes` for the single-process spike).
- Memory the kernel holds for the tree outside RSS (page cache of files it wrote, tmpfs
  files) is not counted.
- A process that starts its own session (`setsid`) and is re-parented before a sample sees
  it escapes; none of the tools we measure does this.
- Sampling costs the measured run a little CPU (a /proc scan every 50 ms, ~1 ms each).

Usage as a script (prints one JSON object):

    python benchmarks/measure.py --timeout 600 -- python -m cleaner run -i in -o out -w 2
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
_MB = 1 << 20


@dataclass(frozen=True)
class Measurement:
    """What one run of a command cost."""

    command: tuple[str, ...]
    returncode: int | None
    timed_out: bool
    wall_s: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    max_single_rss_bytes: int
    peak_processes: int
    samples: int
    stdout_path: str | None
    stderr_path: str | None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_bytes / _MB

    @property
    def peak_pss_mb(self) -> float:
        return self.peak_pss_bytes / _MB

    def error_tail(self, lines: int = 8) -> str:
        """The last lines of stderr (or stdout when stderr is empty), to explain a failure."""
        for path in (self.stderr_path, self.stdout_path):
            if path and Path(path).is_file():
                text = Path(path).read_text(errors="replace").strip()
                if text:
                    return "\n".join(text.splitlines()[-lines:])
        if self.timed_out:
            return f"timed out after {self.wall_s:.0f} s"
        return f"exit code {self.returncode}"


def stat_fields(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards, so index 0 is
    the state), or None if the process vanished."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces or parentheses.
    return data[data.rfind(b")") + 2 :].split()


def _read_stat(pid: int) -> tuple[int, int] | None:
    """(ppid, session id) of `pid`, or None if it vanished."""
    fields = stat_fields(pid)
    return None if fields is None else (int(fields[1]), int(fields[3]))


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_pids(root: int) -> list[int]:
    """`root`, its descendants, and every process in the session `root` leads."""
    parents: dict[int, int] = {}
    members: set[int] = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        stat = _read_stat(pid)
        if stat is None:
            continue
        ppid, sid = stat
        parents[pid] = ppid
        if sid == root:
            members.add(pid)
    members.add(root)
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in members:
                members.add(child)
            stack.append(child)
    return sorted(members)


def tree_rss_bytes(root: int) -> tuple[int, int]:
    """(sum of RSS over the tree of `root`, number of processes in it)."""
    pids = tree_pids(root)
    return sum(_rss_bytes(pid) for pid in pids), len(pids)


def tree_pss_bytes(root: int) -> int:
    """Sum of PSS over the tree of `root`."""
    return sum(_pss_bytes(pid) for pid in tree_pids(root))


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float, pss_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.pss_every = pss_every
        self.peak = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.samples = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def sample(self) -> None:
        pids = tree_pids(self.pid)
        rss = sum(_rss_bytes(pid) for pid in pids)
        if self.samples % self.pss_every == 0:
            self.peak_pss = max(self.peak_pss, sum(_pss_bytes(pid) for pid in pids))
        self.samples += 1
        if rss > self.peak:
            self.peak, self.peak_processes = rss, len(pids)


def _kill_session(pid: int, grace: float = 5.0) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if _read_stat(pid) is None:
                return
            time.sleep(0.05)


def measure(
    command: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    interval: float = 0.05,
) -> Measurement:
    """Run `command` to completion (or `timeout` seconds) and return what it cost.

    stdout/stderr go to the given files (else are discarded). The command never raises here
    for its own failure: look at `returncode` and `timed_out`.
    """
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        sampler = _Sampler(proc.pid, interval)
        sampler.start()
        fired = threading.Event()

        def expire() -> None:
            fired.set()
            _kill_session(proc.pid)

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        timed_out = fired.is_set()
        sampler.stopped.set()
        sampler.join()
        _kill_session(proc.pid, grace=1.0)  # stray grandchildren of a finished command
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for handle in (out, err):
            if handle is not subprocess.DEVNULL:
                handle.close()
    return Measurement(
        command=tuple(command),
        returncode=proc.returncode,
        timed_out=timed_out,
        wall_s=wall,
        peak_rss_bytes=sampler.peak,
        peak_pss_bytes=sampler.peak_pss,
        max_single_rss_bytes=usage.ru_maxrss * 1024,
        peak_processes=sampler.peak_processes,
        samples=sampler.samples,
        stdout_path=str(stdout) if stdout else None,
        stderr_path=str(stderr) if stderr else None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before the process tree is killed")
    parser.add_argument("--interval", type=float, default=0.05, help="sampling interval in seconds")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    result = measure(command, timeout=args.timeout, interval=args.interval)
    extra = {"peak_rss_mb": round(result.peak_rss_mb, 1), "peak_pss_mb": round(result.peak_pss_mb, 1)}
    print(json.dumps(asdict(result) | extra, indent=2))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
