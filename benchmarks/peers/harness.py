"""The side-by-side harness shared by speed.py and pipeline_imdb.py.

Every tool, ours included, runs as its own measured subprocess (`measure.measure`: wall time
and peak RSS summed over its process tree) with the same interpreter as the harness, one
after another (the harness never runs two at once), each in a fresh folder under
.bench/runs/ that is kept, with its stdout and stderr, until that tool's next run. With
`--repeat N` the tools take turns (ours, peer 1, peer 2, ..., ours, peer 1, ...) so that a
slow spell of a shared machine hits all of them alike; the table shows the median wall time
and the largest peak RSS of the repeats, and the load average as each run ended, which shows
when something else was using the cores.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from measure import Measurement, measure

BENCHMARKS = Path(__file__).resolve().parent.parent
REPO = BENCHMARKS.parent
BENCH = REPO / ".bench"
OURS = "cleaner"


@dataclass
class Runs:
    """The repeats of one tool on one corpus."""

    tool: str
    version: str = ""
    measurements: list[Measurement] = field(default_factory=list)
    error: str | None = None
    removed: set[str] | None = None
    kept: int | None = None
    loads: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.measurements)

    @property
    def wall_s(self) -> float:
        return statistics.median(m.wall_s for m in self.measurements)

    @property
    def peak_rss_mb(self) -> float:
        return max(m.peak_rss_mb for m in self.measurements)

    @property
    def peak_pss_mb(self) -> float:
        return max(m.peak_pss_mb for m in self.measurements)

    @property
    def load(self) -> float:
        """The highest 1-minute load average seen as one of this tool's runs ended."""
        return max(self.loads)

    def add(self, m: Measurement) -> None:
        """Record a run, with the machine's load average as it ended (other users of the
        2 cores show up there: a load well above the worker count means contention)."""
        self.measurements.append(m)
        self.loads.append(os.getloadavg()[0])
        if not m.ok and self.error is None:
            self.error = m.error_tail(1).strip()[-200:]


def run_interleaved(tools: list[str], repeat: int, run_one: Callable[[str, Runs], Measurement]) -> dict[str, Runs]:
    """Run every tool `repeat` times, taking turns (so machine noise spreads over all of
    them), printing a status line per run. `run_one(tool, record)` runs the tool once,
    adds its measurement to `record` with what it found, and returns the measurement."""
    runs = {tool: Runs(tool) for tool in tools}
    for attempt in range(repeat):
        for tool, record in runs.items():
            m = run_one(tool, record)
            status = f"{m.wall_s:.1f} s, {m.peak_rss_mb:.0f} MB" if m.ok else f"failed: {record.error}"
            status += f" (load average {record.loads[-1]:.1f})"
            print(f"  run {attempt + 1}/{repeat} {tool}: {status}", flush=True)
    return runs


def fresh(path: Path) -> Path:
    """An empty folder at `path` (whatever was there is deleted)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def peer_env() -> dict[str, str]:
    """The environment of a measured run: ours plus benchmarks/ on the path, no network."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCHMARKS), env.get("PYTHONPATH", "")) if p)
    env["HF_DATASETS_OFFLINE"] = "1"
    env["HF_HUB_OFFLINE"] = "1"
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


def run_peer(tool: str, corpus: Path, run_dir: Path, workers: int, timeout: float) -> tuple[Measurement, Path]:
    """Run one adapter (`python -m peers TOOL`) measured; returns the measurement and its ids file."""
    fresh(run_dir)
    out = run_dir / "ids.txt"
    cmd = [sys.executable, "-m", "peers", tool, "--input", str(corpus), "--workdir", str(run_dir / "work"),
           "--out", str(out), "--workers", str(workers)]  # fmt: skip
    m = measure(cmd, timeout=timeout, cwd=run_dir, env=peer_env(), stdout=run_dir / "stdout.txt", stderr=run_dir / "stderr.txt")
    return m, out


def run_ours(corpus: Path, config: Path | None, run_dir: Path, workers: int, timeout: float) -> tuple[Measurement, Path]:
    """Run `python -m cleaner run` measured; returns the measurement and the output folder."""
    fresh(run_dir)
    output = run_dir / "output"
    cmd = [sys.executable, "-m", "cleaner", "run", "-i", str(corpus), "-o", str(output), "-w", str(workers), "-q"]
    if config is not None:
        cmd += ["-c", str(config)]
    m = measure(cmd, timeout=timeout, cwd=REPO, env=peer_env(), stdout=run_dir / "stdout.txt", stderr=run_dir / "stderr.txt")
    return m, output


def ours_version() -> str:
    try:
        from importlib.metadata import version

        return version("cleaner")
    except Exception:  # noqa: BLE001 - a missing install only loses the label
        return "?"


def ours_removed_ids(output: Path, stage: str | None = None) -> set[str]:
    """Ids in our removed.parquet (only those removed by `stage`, if given)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(output / "removed.parquet", columns=["id", "stage"])
    if stage is not None:
        table = table.filter(pc.equal(table.column("stage"), stage))
    return set(table.column("id").to_pylist())


def ours_kept(output: Path) -> int:
    """Documents in our data/ parts (from the Parquet footers)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in sorted((output / "data").glob("*.parquet")))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain fixed-width table: text left-aligned, numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
