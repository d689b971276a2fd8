"""text-dedup 0.4.0: its `text_dedup.minhash` command (Hugging Face `datasets` + numpy).

Called the way its README shows, on local JSON files through the `json` loader of
`datasets` (which needs no network; HF_DATASETS_OFFLINE=1 and a cache folder inside the work
folder make sure of that and that no earlier run's cache is reused):

    python -m text_dedup.minhash --path json --data_files 'DIR/*.jsonl' --split train
        --cache_dir WORK/cache --output WORK/output --column text --num_proc 2
        --ngram 5 --num_perm 128 --threshold 0.8 --min_length 0 --hash_func xxh3

It picks its own band layout for 0.8/128 (9 x 13, the datasketch optimiser). Its tokens are
the lowercased text split on `\\W` (not configurable). `--min_length 0` keeps documents of
fewer than 5 tokens in play (by default they are dropped before dedup). `--hash_func xxh3`
is its faster documented choice (the default is sha1). It writes the kept documents with
`save_to_disk`; the ids it did not keep are the removed ones.
"""

from __future__ import annotations

import os
from pathlib import Path

from peers.common import NGRAM, NUM_PERM, THRESHOLD, PeerResult, package_version


def run(corpus: Path, workdir: Path, workers: int) -> PeerResult:
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HOME"] = str(workdir / "hf-home")
    data_files = str(corpus / "**" / "*.jsonl") if corpus.is_dir() else str(corpus)
    args = [
        "--path", "json", "--data_files", data_files, "--split", "train",
        "--cache_dir", str(workdir / "cache"), "--output", str(workdir / "output"),
        "--column", "text", "--num_proc", str(workers),
        "--ngram", str(NGRAM), "--num_perm", str(NUM_PERM), "--threshold", str(THRESHOLD),
        "--min_length", "0", "--hash_func", "xxh3",
    ]  # fmt: skip
    from text_dedup import minhash

    minhash.main.main(args=args, prog_name="text_dedup.minhash", standalone_mode=False)
    from datasets import load_from_disk

    kept = set(load_from_disk(str(workdir / "output"))["id"])
    params = {"ngram": NGRAM, "num_perm": NUM_PERM, "threshold": THRESHOLD, "hash_func": "xxh3", "num_proc": workers}
    return PeerResult("text-dedup", package_version("text-dedup"), None, kept, ids_are="kept", params=params)
