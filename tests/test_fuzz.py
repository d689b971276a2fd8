"""Fuzzed real input through the whole pipeline (issue 13): 2,000 damaged copies of real
files from ../shared/data (bit flips, truncation, splicing, runs of one pattern, damaged
compression; see tests/fuzzing.py), in batches of 250 files, each batch one in-process run
of the default stages. No run may fail, every record the readers find must come out
exactly once (kept, removed or errored), and no error may be an unnamed internal error.
benchmarks/fuzz_inputs.py runs 10,000 and prints a table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.fuzzing import load_seeds, make_cases, run_batches

CASES = 2_000
BATCH = 250


@pytest.mark.parametrize("rng_seed", [13])
def test_fuzzed_inputs_never_crash_and_every_record_is_accounted_for(shared_data: Path, tmp_path: Path, rng_seed: int) -> None:
    seeds = load_seeds(shared_data)
    assert {s.suffix for s in seeds} >= {".jsonl", ".parquet", ".txt", ".md", ".html", ".warc", ".wet", ".arc"}
    totals: Counter[str] = Counter()
    problems: list[str] = []
    slowest = 0.0
    for report in run_batches(make_cases(seeds, CASES, rng_seed), tmp_path, BATCH):
        problems += [f"batch from case {report.cases[0].number}: {p}" for p in report.problems]
        totals.update(report.records)
        slowest = max(slowest, report.seconds)
    assert not problems, "\n".join(problems[:20])
    assert totals["read"] == totals["kept"] + totals["removed"] + totals["errors"]
    assert totals["kept"] > 500 and totals["removed"] > 500 and totals["errors"] > 500, totals  # all three exercised
    assert slowest < 120, f"a batch of {BATCH} files took {slowest:.0f} s"
