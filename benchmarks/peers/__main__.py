"""Run one peer adapter in this process, or check them all on a tiny corpus.

    PYTHONPATH=benchmarks python -m peers rensa --input CORPUS --workdir DIR --out removed.txt
    PYTHONPATH=benchmarks python -m peers datatrove-pipeline --input SHARDS --workdir DIR --out kept.txt
    PYTHONPATH=benchmarks python -m peers check [--peers rensa,datatrove]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent
PIPELINE = "datatrove-pipeline"


def main(argv: list[str] | None = None) -> int:
    # datatrove's forkserver workers unpickle our tokenizer: they need benchmarks/ on the path.
    path = os.environ.get("PYTHONPATH", "")
    if str(BENCHMARKS) not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCHMARKS), path) if p)
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    from peers import PEERS

    parser = argparse.ArgumentParser(prog="python -m peers", description=__doc__.split("\n\n")[0])
    parser.add_argument("tool", choices=[*PEERS, PIPELINE, "check"], help=f"a dedup peer, {PIPELINE} (IMDb pipeline), or check")
    parser.add_argument("--input", type=Path, help="corpus: a JSONL file or a folder of them")
    parser.add_argument("--workdir", type=Path, help="an empty folder for the tool's own files")
    parser.add_argument("--out", type=Path, help="where to write the ids (plus a .json sidecar)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peers", default=None, help="for check: comma-separated tools (default: all installed)")
    args = parser.parse_args(argv)
    if args.tool == "check":
        from peers.selfcheck import check

        return check(args.peers.split(",") if args.peers else None, args.workers)
    if not (args.input and args.workdir and args.out):
        parser.error("--input, --workdir and --out are required")
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.tool == PIPELINE:
        from peers.datatrove_pipeline import run
    else:
        run = PEERS[args.tool].runner()
    result = run(args.input, args.workdir, args.workers)
    result.write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
