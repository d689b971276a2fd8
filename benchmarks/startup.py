"""Start-up: `clean run` on one small file, wall time, best of N (issue 11: under 1 s).

Runs the installed `clean` command as a user would, on a one-page plain-text dump with the
default configuration: with the default worker count (a tiny input runs in the command's
own process) and with an explicit `-w 2` (a process pool is started), side by side.

    python benchmarks/startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 1.0


def best_wall(args: list[str], cwd: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    work = Path(tempfile.mkdtemp(prefix="cleaner-startup-"))
    try:
        (work / "raw").mkdir()
        (work / "raw" / "page.txt").write_text("A short page about magnesium and sleep. It has two sentences.\n")
        config = str(REPO / "config.yaml")
        rows = [
            ("default workers (runs in this process)", best_wall(["run", "-q", "-c", config], work, repeat)),
            ("-w 2 (a process pool)", best_wall(["run", "-q", "-c", config, "-w", "2"], work, repeat)),
            ("clean --help", best_wall(["--help"], work, repeat)),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"| `clean run` on one small file (best of {repeat}) | wall s | target |")
    print("|---|---|---|")
    for name, seconds in rows:
        target = f"< {TARGET_S:g} s: {'PASS' if seconds < TARGET_S else 'FAIL'}" if name.startswith("default") else ""
        print(f"| {name} | {seconds:.2f} | {target} |")


if __name__ == "__main__":
    main()
