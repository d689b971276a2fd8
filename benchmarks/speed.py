"""Document dedup speed, memory and accuracy: cleaner vs datatrove, text-dedup, rensa, datasketch.

    python benchmarks/speed.py                      # 50k and 200k documents, every installed peer
    python benchmarks/speed.py --docs 50000 --skip-200k --peers datatrove,rensa --repeat 3

Install the peers first, in an environment of their own (text-dedup pins old urllib3/rich):
`python3 -m venv .bench/venv && .bench/venv/bin/pip install -e '.[bench]'`, then run this
script with `.bench/venv/bin/python` (see benchmarks/README.md). Peers that are not
installed are skipped.

What runs, side by side in one invocation, on the same corpus, one tool at a time:

- **cleaner**: `python -m cleaner run -i CORPUS -o OUT -w 2 -c dedup-only.yaml`, a config whose
  only stage is `dedup` (with its default options);
- every installed peer, through its adapter in benchmarks/peers/ (MinHash over word 5-grams,
  ~128 permutations, threshold 0.8, 2 workers where the tool can use them; each adapter's
  docstring says exactly how the tool is called).

Each run is a measured subprocess (benchmarks/measure.py: wall time, and peak RSS summed over
the whole process tree, sampled every 50 ms). `--repeat N` interleaves the tools and shows the
median wall time and the largest peak; the last column is each tool's wall time divided by
cleaner's, the number to quote on a noisy machine.

Corpora (benchmarks/corpus.py, from real prose paragraphs): `document_corpus(N, seed=1)`:
about 725 words per document (50k documents ~ 220 MB), about 30 % of them planted near-duplicate
variants of a base document. They are generated once and cached under
.bench/corpora/docs-N-seed1-HASH/ as two JSONL shards (`id`, `text`) plus truth.json; every
tool reads the same shards (datatrove parallelises over input files).

Accuracy. Truth (benchmarks/dedup_accuracy.py `truth_edges`): a pair is a duplicate iff the
exact Jaccard of its word-5-gram sets is >= 0.8; its connected components are duplicate
groups, and an ideal run removes all but one member of each (`ideal_removals`). Peers report
only which documents they removed, not which document each one duplicates, and tools differ
in which member of a group they keep, so every tool (cleaner too) is scored the same way on
its removed ids alone: in a group of n, up to n - 1 removals are true positives; further
removals in the group and removals outside every group are false positives. Precision =
TP / removed, recall = TP / ideal removals, F1 their harmonic mean. (dedup_accuracy.py's own
score additionally checks each removal against the document cleaner says it duplicates.)

Targets for cleaner: on the 50k corpus, wall time <= 0.4x the fastest peer's in the same run,
F1 >= 0.97, peak RSS <= 400 MB; on 200k, wall time <= 4.4x its 50k time and peak RSS <= 1 GB.
A cleaner failure (e.g. the dedup stage not yet there) is reported in the table, and the peers
still run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from measure import Measurement
from peers import PEERS, choose_peers
from peers.common import read_removed
from peers.harness import (
    BENCH,
    BENCHMARKS,
    OURS,
    Runs,
    ours_removed_ids,
    ours_version,
    run_interleaved,
    run_ours,
    run_peer,
    table,
)

SEED = 1
TARGET_RATIO, TARGET_F1, TARGET_MB = 0.4, 0.97, 400
TARGET_SCALE, TARGET_LARGE_MB = 4.4, 1024


@dataclass
class Corpus:
    """A cached benchmark corpus: its shards and its duplicate groups."""

    docs: int
    folder: Path
    ids: list[str]
    groups: list[list[str]]
    ideal: int
    megabytes: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50_000, help="documents in the main corpus")
    parser.add_argument("--large", type=int, default=200_000, help="documents in the scaling corpus")
    parser.add_argument("--skip-200k", action="store_true", help="skip the scaling corpus")
    parser.add_argument("--peers", default=None, help=f"comma-separated, or 'none' (default: every installed one of {', '.join(PEERS)})")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool, interleaved; the median wall time is shown")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run before it is killed")
    parser.add_argument("--config", type=Path, default=None, help="our config [default: stages: [dedup] with defaults]")
    parser.add_argument("--skip-ours", action="store_true", help="run only the peers")
    args = parser.parse_args(argv)
    peers = choose_peers(args.peers, list(PEERS))
    sizes = [args.docs] + ([] if args.skip_200k or args.large == args.docs else [args.large])
    config = args.config or _dedup_only_config()
    print(f"tools: {', '.join(([] if args.skip_ours else [OURS]) + peers)}; workers {args.workers}; repeat {args.repeat}")
    results: dict[int, tuple[Corpus, dict[str, Runs]]] = {}
    for n in sizes:
        corpus = prepare_corpus(n, args.workers)
        if corpus is None:
            print("skipped: the prose paragraphs in ../shared/data are absent")
            return 0
        print(f"\n[{n:,} documents, {corpus.megabytes:.0f} MB, {len(corpus.groups):,} duplicate groups, "
              f"{corpus.ideal:,} ideal removals] {corpus.folder}")  # fmt: skip
        runs = run_all(corpus, peers, config, args)
        results[n] = (corpus, runs)
        print()
        print(report(runs, corpus))
    print()
    print(verdict(results, sizes))
    return 0


def _dedup_only_config() -> Path:
    path = BENCH / "speed" / "dedup-only.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# benchmarks/speed.py: document dedup alone, default options.\nstages:\n  - dedup\n")
    return path


# ---------------------------------------------------------------- corpora


def prepare_corpus(n: int, shards: int) -> Corpus | None:
    """The cached corpus of `n` documents, generating it (and its truth) on first use."""
    sys.path.insert(0, str(BENCHMARKS))
    import corpus as gen
    import dedup_accuracy as accuracy

    key = hashlib.sha256(Path(gen.__file__).read_bytes() + Path(accuracy.__file__).read_bytes()).hexdigest()[:10]
    folder = BENCH / "corpora" / f"docs-{n}-seed{SEED}-{key}-{shards}shards"
    truth_path = folder / "truth.json"
    if not truth_path.is_file():
        pool = gen.load_paragraphs()
        if pool is None:
            return None
        start = time.perf_counter()
        c = gen.document_corpus(n, pool, seed=SEED)
        edges, _ = accuracy.truth_edges(c)
        _write_shards(folder, c.ids, c.texts, shards)
        truth = {
            "docs": n, "seed": SEED, "threshold": accuracy.THRESHOLD, "ids": c.ids,
            "groups": [[c.ids[i] for i in g] for g in accuracy.duplicate_groups(n, edges)],
            "ideal_removals": accuracy.ideal_removals(n, edges), "megabytes": sum(map(len, c.texts)) / 1e6,
        }  # fmt: skip
        tmp = truth_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(truth))
        os.replace(tmp, truth_path)
        for stale in folder.parent.glob(f"docs-{n}-seed{SEED}-*-{shards}shards"):
            if stale != folder:  # made by an earlier version of the generator
                shutil.rmtree(stale, ignore_errors=True)
        print(f"generated {folder.name} in {time.perf_counter() - start:.0f} s (cached for later runs)")
    truth = json.loads(truth_path.read_text())
    return Corpus(n, folder, truth["ids"], truth["groups"], truth["ideal_removals"], truth["megabytes"])


def _write_shards(folder: Path, ids: list[str], texts: list[str], shards: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_shard = -(-len(ids) // shards)
    for s in range(shards):
        part = folder / f"part-{s:04d}.jsonl"
        tmp = part.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for doc_id, text in zip(ids[s * per_shard : (s + 1) * per_shard], texts[s * per_shard : (s + 1) * per_shard]):
                f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        os.replace(tmp, part)


def score(removed: set[str], corpus: Corpus) -> tuple[float, float, float]:
    """(precision, recall, F1) of removed ids against the duplicate groups (see the docstring)."""
    tp = sum(min(sum(doc_id in removed for doc_id in group), len(group) - 1) for group in corpus.groups)
    precision = tp / len(removed) if removed else 1.0
    recall = tp / corpus.ideal if corpus.ideal else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------- runs and report


def run_all(corpus: Corpus, peers: list[str], config: Path, args: argparse.Namespace) -> dict[str, Runs]:
    root = BENCH / "runs" / f"speed-{corpus.docs}"

    def run_one(tool: str, record: Runs) -> Measurement:
        if tool == OURS:
            m, output = run_ours(corpus.folder, config, root / tool, args.workers, args.timeout)
            record.version = ours_version()
            record.add(m)
            if m.ok:
                record.removed = ours_removed_ids(output, stage="dedup")
        else:
            m, ids = run_peer(tool, corpus.folder, root / tool, args.workers, args.timeout)
            record.add(m)
            if m.ok:
                record.removed, meta = read_removed(ids, corpus.ids)
                record.version = str(meta["version"])
        return m

    return run_interleaved(([] if args.skip_ours else [OURS]) + peers, args.repeat, run_one)


def report(runs: dict[str, Runs], corpus: Corpus) -> str:
    ours = runs.get(OURS)
    base = ours.wall_s if ours is not None and ours.ok else None
    rows = []
    for tool, r in runs.items():
        if not r.ok:
            rows.append([tool, r.version or "?", *[None] * 10, f"error: {r.error}"])
            continue
        p, rec, f1 = score(r.removed or set(), corpus)
        ratio = r.wall_s / base if base else None
        removed = len(r.removed or ())
        rows.append([tool, r.version, r.wall_s, corpus.docs / r.wall_s, r.peak_rss_mb, r.peak_pss_mb, removed, p, rec, f1, ratio, r.load, ""])
    headers = ["tool", "version", "wall s", "docs/s", "peak RSS MB", "peak PSS MB", "removed", "precision", "recall", "F1",
               "x cleaner time", "load", "note"]  # fmt: skip
    return table(headers, rows)


def verdict(results: dict[int, tuple[Corpus, dict[str, Runs]]], sizes: list[int]) -> str:
    """The targets, each with its measured value; peers-only runs get a line of peer figures."""
    corpus, small = results[sizes[0]]
    ours = small.get(OURS)
    peers = [r for t, r in small.items() if t != OURS and r.ok]
    lines = []
    if peers:
        fastest = min(peers, key=lambda r: r.wall_s)
        lines.append(f"fastest peer on {sizes[0]:,}: {fastest.tool} {fastest.wall_s:.1f} s")
    if ours is None or not ours.ok:
        lines.append(f"cleaner: no result on {sizes[0]:,} ({ours.error if ours else 'skipped'}); targets not checked")
        return "\n".join(lines)
    checks = []
    if peers:
        ratio = ours.wall_s / fastest.wall_s
        checks.append((f"{sizes[0]:,} wall <= 0.4x fastest peer", f"{ratio:.2f}x", ratio <= TARGET_RATIO))
    f1 = score(ours.removed or set(), corpus)[2]
    checks.append((f"{sizes[0]:,} F1 >= 0.97", f"{f1:.4f}", f1 >= TARGET_F1))
    rss = f"{ours.peak_rss_mb:.0f} MB (PSS {ours.peak_pss_mb:.0f} MB)"
    checks.append((f"{sizes[0]:,} peak RSS <= 400 MB", rss, ours.peak_rss_mb <= TARGET_MB))
    if len(sizes) > 1:
        large = results[sizes[1]][1].get(OURS)
        if large is not None and large.ok:
            scale = large.wall_s / ours.wall_s
            checks.append((f"{sizes[1]:,} wall <= 4.4x {sizes[0]:,} wall", f"{scale:.2f}x", scale <= TARGET_SCALE))
            rss = f"{large.peak_rss_mb:.0f} MB (PSS {large.peak_pss_mb:.0f} MB)"
            checks.append((f"{sizes[1]:,} peak RSS <= 1 GB", rss, large.peak_rss_mb <= TARGET_LARGE_MB))
        else:
            checks.append((f"{sizes[1]:,} run", "failed" if large else "skipped", False))
    lines += [f"{'PASS' if ok else 'FAIL'}  {name}: {value}" for name, value, ok in checks]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
