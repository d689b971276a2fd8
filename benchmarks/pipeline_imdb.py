"""Our whole default pipeline vs datatrove's equivalent, on 100k real IMDb reviews, side by side.

    python benchmarks/pipeline_imdb.py [--repeat 3] [--peers datatrove] [--timeout 1800]

- **cleaner**: `python -m cleaner run -i aclimdb-100k.jsonl.xz -o OUT -w 2` with the repo's
  config.yaml (built-in defaults, i.e. every stage, when the repo has none), reading the
  compressed file as shipped (`--plain` gives it the same uncompressed shards as datatrove).
- **datatrove**: JsonlReader -> FTFYFormatter -> C4QualityFilter -> GopherRepetitionFilter ->
  GopherQualityFilter -> its four-step MinHash dedup -> ParquetWriter, 2 workers
  (`peers/datatrove_pipeline.py` says exactly how). datatrove splits work by input file, so
  it reads the reviews decompressed once into 2 JSONL shards under .bench/imdb/.

Both run as measured subprocesses (wall time, peak RSS of the process tree: see
measure.py) in the same invocation; the table shows wall s, docs/s (input documents per
second), peak RSS (and PSS, see measure.py) and documents kept, datatrove's time as a multiple of ours, and the 1-minute
load average as each tool's runs ended (well above 2: the cores were shared). Target for
cleaner: <= 45 s wall on 2 cores and faster than datatrove. The two pipelines do not apply
the same filters, so "kept" differs; it is shown to make that visible, not as a score.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import sys
from pathlib import Path

from measure import Measurement
from peers import choose_peers
from peers.common import read_removed
from peers.harness import (
    BENCH,
    OURS,
    REPO,
    Runs,
    ours_kept,
    ours_version,
    run_interleaved,
    run_ours,
    run_peer,
    table,
)

IMDB = REPO.parent / "shared" / "data" / "imdb-reviews" / "aclimdb-100k.jsonl.xz"
SHARDS = BENCH / "imdb" / "shards"
PIPELINE_PEERS = {"datatrove": "datatrove-pipeline"}


def prepare_shards(source: Path, folder: Path, shards: int = 2) -> tuple[Path, int]:
    """Decompress `source` once into `shards` contiguous JSONL files; returns (folder, documents)."""
    marker = folder / ".done.json"
    if marker.is_file() and json.loads(marker.read_text()).get("source_bytes") == source.stat().st_size:
        return folder, json.loads(marker.read_text())["documents"]
    with lzma.open(source, "rt", encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    per_shard = -(-len(lines) // shards)
    for s in range(shards):
        part = folder / f"part-{s:04d}.jsonl"
        tmp = part.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(lines[s * per_shard : (s + 1) * per_shard])
        os.replace(tmp, part)
    marker.write_text(json.dumps({"source_bytes": source.stat().st_size, "documents": len(lines)}))
    return folder, len(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", default=None, help="comma-separated (default: every installed one of: datatrove)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool, interleaved; the median wall time is shown")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run before it is killed")
    parser.add_argument("--config", type=Path, default=REPO / "config.yaml", help="our config [default: the repo's config.yaml]")
    parser.add_argument("--plain", action="store_true", help="give cleaner the decompressed shards instead of the .xz")
    parser.add_argument("--skip-ours", action="store_true", help="run only the peers")
    args = parser.parse_args(argv)
    if not IMDB.is_file():
        print(f"skipped: {IMDB} is absent (the shared data folder is not beside this checkout)")
        return 0
    peers = choose_peers(args.peers, list(PIPELINE_PEERS))
    shards, documents = prepare_shards(IMDB, SHARDS, args.workers)
    config = args.config if args.config.is_file() else None
    print(f"IMDb: {documents:,} reviews; cleaner reads {'the shards' if args.plain else IMDB.name}, "
          f"config {config or 'built-in defaults'}; peers: {', '.join(peers) or 'none'}; workers {args.workers}")  # fmt: skip
    root = BENCH / "runs" / "imdb"

    def run_one(tool: str, record: Runs) -> Measurement:
        if tool == OURS:
            m, output = run_ours(shards if args.plain else IMDB, config, root / tool, args.workers, args.timeout)
            record.version = ours_version()
            record.add(m)
            if m.ok:
                record.kept = ours_kept(output)
        else:
            m, ids = run_peer(PIPELINE_PEERS[tool], shards, root / tool, args.workers, args.timeout)
            record.add(m)
            if m.ok:
                _, meta = read_removed(ids, [])
                record.version = str(meta["version"])
                record.kept = int(meta["ids"])
        return m

    runs = run_interleaved(([] if args.skip_ours else [OURS]) + peers, args.repeat, run_one)
    print()
    print(_report(runs, documents))
    return 0


def _report(runs: dict[str, Runs], documents: int) -> str:
    ours = runs.get(OURS)
    base = ours.wall_s if ours is not None and ours.ok else None
    rows = []
    for tool, r in runs.items():
        if not r.ok:
            rows.append([tool, r.version or "?", *[None] * 7, f"error: {r.error}"])
            continue
        ratio = r.wall_s / base if base else None
        rows.append([tool, r.version, r.wall_s, documents / r.wall_s, r.peak_rss_mb, r.peak_pss_mb, r.kept, ratio, r.load, ""])
    headers = ["tool", "version", "wall s", "docs/s", "peak RSS MB", "peak PSS MB", "docs kept", "x cleaner time", "load", "note"]
    text = table(headers, rows)
    if base is not None:
        verdict = "meets" if base <= 45 else "misses"
        text += f"\n\ncleaner: {base:.1f} s wall ({verdict} the <= 45 s target)"
        peers_ok = [r for t, r in runs.items() if t != OURS and r.ok]
        if peers_ok:
            fastest = min(peers_ok, key=lambda r: r.wall_s)
            text += f"; {fastest.wall_s / base:.2f}x faster than {fastest.tool}" if fastest.wall_s > base else f"; slower than {fastest.tool}"
    return text


if __name__ == "__main__":
    sys.exit(main())
