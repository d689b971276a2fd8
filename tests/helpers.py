"""Helpers for end-to-end tests: run the real `clean` command and read what it wrote."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

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


def _clear_registry_caches() -> None:
    from cleaner.io.readers import readers_for
    from cleaner.stages import known_stages

    known_stages.cache_clear()
    readers_for.cache_clear()


@contextmanager
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str,
                entry_points: str | None = None) -> Iterator[Path]:
    """`NAME.py` holding `source`, importable in this process and in the `clean` a test
    starts (a plugin from outside the package); with `entry_points` (the body of an
    entry_points.txt), also an installed distribution NAME that registers them. The
    registries' caches are cleared on the way in and out."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{name}.py").write_text(source)
    if entry_points is not None:
        dist = site / f"{name}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text(entry_points)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))
    _clear_registry_caches()
    try:
        yield site
    finally:
        sys.modules.pop(name, None)
        _clear_registry_caches()
