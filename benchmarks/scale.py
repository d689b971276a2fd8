"""How cleaner scales with the number of documents: 100k against 1M, one machine.

    python benchmarks/scale.py [--sizes 100000 1000000] [--workers 2] [--stages dedup] [--ray [--ray-size N]]

Generates, once (cached under .bench/scale/), a corpus of N documents made of 4-8 real prose
paragraphs each (../shared/data/prose-paragraphs; about 2.4 KB a document), with 10% of
them planted near-duplicates of an earlier original document (2% of the words substituted: word
5-gram Jaccard about 0.9) and 2% exact copies, in JSONL shards of 100k documents. Random
documents of 4+ paragraphs out of 35,554 practically never share 80% of their text, so the
planted pairs are the truth. Then runs `clean run -i SHARDS -o OUT -w W` with `stages:
[STAGES]` for each size, measured by measure.py (wall, peak RSS of the process tree), and
reads stats.json (`run.main_process_cpu_s`, `run.main_process_peak_rss_mb`: what the
driver itself costs) and removed.parquet (dedup precision/recall: a removal is right when
the document's exact 5-gram Jaccard to its `duplicate_of` is >= 0.8; recall over the
planted pairs at >= 0.8).

The issue's targets: driver peak RSS flat (within 10%) from 100k to 1M; total peak RSS and
wall time per document within 1.2x; dedup F1 unchanged; with `--ray`, the first size (or
`--ray-size`) on a 2-node loopback Ray cluster at least 0.85x the local pool's throughput.
Each is printed as PASS or FAIL after the table; the exit code is 1 when one fails.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PARAGRAPHS = REPO.parent / "shared" / "data" / "prose-paragraphs" / "paragraphs.jsonl.xz"
BENCH = REPO / ".bench" / "scale"
SHARD_DOCS = 100_000
_WORD = re.compile(r"\w+")


def paragraphs() -> list[str]:
    with lzma.open(PARAGRAPHS, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def corpus(n: int, pool: list[str], seed: int = 7) -> Path:
    """N documents in JSONL shards (cached); `docs-N.truth.json` beside them maps each planted
    copy to its source."""
    folder = BENCH / f"docs-{n}"
    marker = truth_file(folder)
    if marker.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    vocab = [w for p in rng.sample(pool, 2000) for w in p.split() if w.isalpha()]
    texts: list[str] = []
    truth: dict[str, str] = {}
    originals: list[int] = []
    for i in range(n):
        roll = rng.random()
        if i > 100 and roll < 0.12:
            source = rng.choice(originals)  # copies of copies would make chains the star rule keeps apart
            words = texts[source].split(" ")
            if roll >= 0.02:  # a near copy: 2% of the words substituted
                for k in rng.sample(range(len(words)), max(1, len(words) // 50)):
                    words[k] = rng.choice(vocab)
            texts.append(" ".join(words))
            truth[f"d{i:07d}"] = f"d{source:07d}"
        else:
            originals.append(i)
            texts.append("\n\n".join(rng.choice(pool) for _ in range(rng.randint(4, 8))))
    for s in range(0, n, SHARD_DOCS):
        with open(folder / f"part-{s // SHARD_DOCS:04d}.jsonl", "w", encoding="utf-8") as out:
            for i in range(s, min(n, s + SHARD_DOCS)):
                out.write(json.dumps({"id": f"d{i:07d}", "text": texts[i]}) + "\n")
    marker.write_text(json.dumps(truth))
    return folder


def truth_file(folder: Path) -> Path:
    return folder.with_name(folder.name + ".truth.json")


def shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y) if x or y else 1.0


def score(folder: Path, out: Path) -> dict:
    """Dedup precision and recall against the exact Jaccard of the planted pairs."""
    import pyarrow.parquet as pq

    truth = json.loads(truth_file(folder).read_text())
    text: dict[str, str] = {}
    wanted = set(truth) | set(truth.values())
    removed = pq.read_table(out / "removed.parquet", columns=["id", "stage", "duplicate_of"]).to_pylist()
    removed = [r for r in removed if r["stage"] == "dedup"]
    wanted |= {r["id"] for r in removed} | {r["duplicate_of"] for r in removed if r["duplicate_of"]}
    for shard in sorted(folder.glob("part-*.jsonl")):
        with open(shard, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record["id"] in wanted:
                    text[record["id"]] = record["text"]
    right = sum(1 for r in removed if r["duplicate_of"] and jaccard(text[r["id"]], text[r["duplicate_of"]]) >= 0.8)
    true_pairs = {copy for copy, source in truth.items() if jaccard(text[copy], text[source]) >= 0.8}
    found = {r["id"] for r in removed} & true_pairs
    precision = right / len(removed) if removed else 1.0
    recall = len(found) / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"removed": len(removed), "precision": precision, "recall": recall, "f1": f1}


def run(n: int, folder: Path, args: argparse.Namespace, ray_address: str | None = None) -> dict:
    name = f"{n}-ray" if ray_address else str(n)
    out = BENCH / "runs" / f"out-{name}"
    config = BENCH / "runs" / f"config-{'ray' if ray_address else 'local'}.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    executor = f"executor: {{kind: ray, ray_address: '{ray_address}'}}\n" if ray_address else ""
    config.write_text(f"{executor}stages: [{args.stages}]\n")
    m = measure([sys.executable, "-m", "cleaner", "run", "-i", str(folder), "-o", str(out), "-c", str(config),
                 "-w", str(args.workers), "-q"], timeout=args.timeout, cwd=REPO,
                stderr=BENCH / "runs" / f"stderr-{name}.txt")
    if not m.ok:
        raise SystemExit(f"run of {n:,} documents failed: {m.error_tail()}")
    stats = json.loads((out / "stats.json").read_text())["run"]
    return {"docs": n, "where": "Ray, 2 loopback nodes" if ray_address else "local pool", "wall_s": m.wall_s, "peak_rss_mb": m.peak_rss_mb, "driver_rss_mb": stats.get("main_process_peak_rss_mb"),
            "driver_cpu_s": stats.get("main_process_cpu_s"), **score(folder, out)}


def _on_loopback_cluster(n: int, args: argparse.Namespace) -> dict:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    try:
        for _ in range(2):
            cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        return run(n, BENCH / f"docs-{n}", args, cluster.address)
    finally:
        cluster.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stages", default="dedup", help="the stages: list of the runs' config")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--ray", action="store_true", help="also run the first size on a Ray cluster of "
                        "two one-CPU raylets on loopback (ray.cluster_utils), -w 2, against the local pool")
    parser.add_argument("--ray-size", type=int, help="the size run on Ray (default: the first of --sizes)")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        corpus(args.generate, paragraphs())
        return 0
    if not PARAGRAPHS.is_file():
        print(f"skipped: {PARAGRAPHS} is absent (the shared data folder is not beside this checkout)")
        return 0
    # Generated in a child process: this one then stays small, and the runs it starts measure
    # only themselves (a fork copies the parent's resident pages into the child's count).
    for n in args.sizes:
        subprocess.run([sys.executable, __file__, "--generate", str(n)], check=True)
    rows = [run(n, BENCH / f"docs-{n}", args) for n in args.sizes]
    if args.ray:
        ray_size = args.ray_size or args.sizes[0]
        if ray_size not in args.sizes:
            raise SystemExit(f"--ray-size {ray_size} is not one of --sizes {args.sizes}")
        rows.append(_on_loopback_cluster(ray_size, args))
    base = rows[0]
    print(f"stages: [{args.stages}], -w {args.workers}; ratios against {base['docs']:,} documents\n")
    print("| documents | where | wall s | µs/doc (x) | peak RSS MB (x) | driver RSS MB (x) | driver CPU s | removed | P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        per_doc = r["wall_s"] / r["docs"] * 1e6
        base_per_doc = base["wall_s"] / base["docs"] * 1e6
        driver = r["driver_rss_mb"] or 0.0
        print(f"| {r['docs']:,} | {r['where']} | {r['wall_s']:.1f} | {per_doc:.0f} ({per_doc / base_per_doc:.2f}) | "
              f"{r['peak_rss_mb']:.0f} ({r['peak_rss_mb'] / base['peak_rss_mb']:.2f}) | "
              f"{driver:.0f} ({driver / (base['driver_rss_mb'] or 1):.2f}) | {r['driver_cpu_s']:.1f} | {r['removed']:,} | "
              f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} |")
    verdicts = targets(rows)
    print()
    print("\n".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in verdicts))
    return 0 if all(ok for _, ok in verdicts) else 1


def targets(rows: list[dict]) -> list[tuple[str, bool]]:
    """The issue's targets over the local runs (smallest against largest) and the Ray run
    against the local run of its size."""
    local = sorted((r for r in rows if r["where"] == "local pool"), key=lambda r: r["docs"])
    verdicts = []
    small, large = local[0], local[-1]
    if large["docs"] > small["docs"]:  # the growth targets need two sizes
        span = f"{small['docs']:,} -> {large['docs']:,}"
        per_doc = (large["wall_s"] / large["docs"]) / (small["wall_s"] / small["docs"])
        driver = (large["driver_rss_mb"] or 0.0) / (small["driver_rss_mb"] or 1.0)
        verdicts += [
            (f"driver peak RSS {span} within 1.10x ({driver:.2f}x)", driver <= 1.10),
            (f"peak RSS of the tree {span} within 1.2x ({large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x)",
             large["peak_rss_mb"] <= 1.2 * small["peak_rss_mb"]),
            (f"wall time per document {span} within 1.2x ({per_doc:.2f}x)", per_doc <= 1.2),
        ]
    verdicts.append((f"dedup F1 unchanged ({min(r['f1'] for r in rows):.4f} - {max(r['f1'] for r in rows):.4f})",
                     max(r["f1"] for r in rows) - min(r["f1"] for r in rows) <= 0.001))
    for r in rows:
        if r["where"] != "local pool":
            same = next(x for x in local if x["docs"] == r["docs"])
            ratio = same["wall_s"] / r["wall_s"]
            verdicts.append((f"Ray at {r['docs']:,} at least 0.85x the local pool's throughput ({ratio:.2f}x)", ratio >= 0.85))
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
