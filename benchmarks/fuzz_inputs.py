"""Fuzzed real input through the whole pipeline: no crash, nothing lost, bounded time.

    python benchmarks/fuzz_inputs.py [--cases 10000] [--seed 13] [--batch 250]

The cases are those of tests/test_fuzz.py (which runs 2,000 of them in CI), made by the
seeded mutator of tests/fuzzing.py from small real files of ../shared/data: JSON lines,
Parquet, text, Markdown, HTML, WARC, WET, WAT and ARC, plain or compressed, damaged by bit
flips, random bytes, truncation, splicing, deleted or repeated chunks, long runs of one
pattern, or not at all (a damaged compressed container or its content). They run in
batches of `--batch` files, each batch one in-process `run_pipeline` with the default
stages and one worker.

A batch fails when the run raises, when a record the readers find does not come out
exactly once (kept, removed or errored), or when an error row is an unnamed internal error.
The table gives, per seed format and per mutation: cases, records read, kept, removed,
errors, and failed batches' cases; then the totals, throughput and the slowest batch.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fuzzing import load_seeds, make_cases, run_batches  # noqa: E402

DATA = REPO.parent / "shared" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13, help="seed of the mutator (13 is the CI test's)")
    parser.add_argument("--batch", type=int, default=250)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return 0
    seeds = load_seeds(DATA)
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    problems: list[str] = []
    slowest = (0.0, 0)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        for report in run_batches(make_cases(seeds, args.cases, args.seed), Path(work), args.batch):
            slowest = max(slowest, (report.seconds, report.cases[0].number))
            problems += [f"cases {report.cases[0].number}-{report.cases[-1].number}: {p}" for p in report.problems]
            for case in report.cases:
                counts = report.by_file.get(case.filename, Counter())
                for key in (("format", case.seed.rsplit(".", 1)[1]), ("mutation", f"{case.mutation} ({case.damaged})")):
                    rows[key].update(cases=1, **counts, failed=1 if report.problems else 0)
                rows[("total", "")].update(cases=1, **counts, failed=1 if report.problems else 0)
            done = sum(1 for _ in report.cases)
            print(f"  {report.cases[-1].number + 1:>6} cases, batch of {done} in {report.seconds:.1f} s", file=sys.stderr)
    seconds = time.perf_counter() - started
    print_table(rows)
    total = rows[("total", "")]
    records = total["kept"] + total["removed"] + total["errors"]
    print(f"\n{total['cases']:,} cases, {records:,} records in {seconds:.0f} s ({total['cases'] / seconds:.0f} cases/s); "
          f"slowest batch {slowest[0]:.1f} s (cases from {slowest[1]}); failed batches: {len({p.split(':')[0] for p in problems})}")
    for problem in problems[:20]:
        print(f"  {problem}")
    return 1 if problems else 0


def print_table(rows: dict[tuple[str, str], Counter[str]]) -> None:
    columns = ("cases", "kept", "removed", "errors", "failed")
    print("| by | value | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for (by, value), counts in sorted(rows.items(), key=lambda item: (item[0][0] == "total", item[0])):
        cells = " | ".join(f"{counts[c]:,}" for c in columns)
        print(f"| {'**total**' if by == 'total' else by} | {value} | {cells} |")


if __name__ == "__main__":
    raise SystemExit(main())
