"""Helpers for end-to-end tests: run the real `clean` command and read what it wrote."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
OUTPUT_FILES = ("removed.parquet", "spans.parquet", "clusters.parquet", "errors.parquet")


def run_clean(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run `python -m cleaner ARGS` as a user would; raise with its output if it fails."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONHASHSEED": "random"}
    proc = subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd or REPO, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"clean {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write_config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def read_rows(output: Path, name: str) -> list[dict]:
    """All rows of one output file (`data` means every data part)."""
    target = output / "data" if name == "data" else output / name
    return pq.read_table(target).to_pylist()


def outcome_keys(output: Path) -> Counter:
    """(source, record) of every row of data/, removed.parquet and errors.parquet."""
    keys: Counter = Counter()
    for name in ("data", "removed.parquet", "errors.parquet"):
        for row in read_rows(output, name):
            keys[(row["source"], row["record"])] += 1
    return keys


def assert_each_record_once(output: Path, expected: set[tuple[str, int | None]]) -> None:
    """The invariant: every input record is exactly once kept, removed or errored."""
    keys = outcome_keys(output)
    repeated = {k: n for k, n in keys.items() if n > 1}
    assert not repeated, f"records reported more than once: {repeated}"
    assert set(keys) == expected, f"missing {expected - set(keys)}, unexpected {set(keys) - expected}"


def output_digests(output: Path) -> dict[str, str]:
    """sha256 of every Parquet file and the resolved config (stats.json holds timings)."""
    files = sorted(output.glob("data/*.parquet")) + [output / n for n in OUTPUT_FILES] + [output / "config.resolved.yaml"]
    return {str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
