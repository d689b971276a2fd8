"""Checks shared by the tests of bad input and faults (tests/test_bad_input.py,
tests/test_faults.py): a previous output that a failed run must leave as it was, and what
every such run must show: its exit code, no traceback, every record accounted for once."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from tests.helpers import assert_each_record_once, read_rows, run_clean

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"

GOOD_RECORDS = [
    {"id": f"good-{i}", "text": f"Record number {i} of the earlier run talks about gardens, rivers and the weather in spring."}
    for i in range(3)
]


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (stats.json included), by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def previous_output(root: Path) -> tuple[Path, dict[str, str]]:
    """An output folder written by an earlier, successful run, and its snapshot."""
    dump = root / "earlier.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in GOOD_RECORDS))
    out = root / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-w", "1", "-q", "-c", str(write_stage_config(root, "quality")))
    return out, snapshot(out)


def write_stage_config(root: Path, stages: str, extra: str = "") -> Path:
    path = root / f"config-{hashlib.sha256((stages + extra).encode()).hexdigest()[:8]}.yaml"
    path.write_text(f"stages: [{stages}]\n{extra}")
    return path


def assert_clean_exit(proc: subprocess.CompletedProcess, code: int) -> None:
    """The exit code, and neither a traceback nor the pool's 'Exception ignored' noise."""
    shown = proc.stdout + proc.stderr
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in shown and "Exception ignored" not in shown, shown


def assert_nothing_left_beside(out: Path) -> None:
    """No staging folder or parked previous output next to `out`."""
    left = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert not left, left


def assert_previous_intact(out: Path, before: dict[str, str]) -> None:
    assert snapshot(out) == before, "the previous output changed"
    assert_nothing_left_beside(out)


def assert_committed(out: Path, expected: set[tuple[str, int | None]]) -> dict:
    """The run's output replaced the previous one and accounts for exactly `expected`;
    returns its stats.json."""
    assert_nothing_left_beside(out)
    assert_each_record_once(out, expected)
    stats = json.loads((out / "stats.json").read_text())
    records = stats["records"]
    assert records["read"] == len(expected) == records["kept"] + records["removed"] + records["errors"]
    assert not any(r["source"] == "earlier.jsonl" for r in read_rows(out, "data"))
    return stats


def errors_by_key(out: Path) -> dict[tuple[str, int | None], dict]:
    return {(r["source"], r["record"]): r for r in read_rows(out, "errors.parquet")}
