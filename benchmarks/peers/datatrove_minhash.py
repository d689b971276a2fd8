"""datatrove: its four-step MinHash pipeline with `LocalPipelineExecutor`, as in its example
`examples/minhash_deduplication.py`.

1. `JsonlReader` -> `MinhashDedupSignature`: one task per input file, `workers` processes;
2. `MinhashDedupBuckets`: one task per bucket (9), `workers` processes;
3. `MinhashDedupCluster`: one task (it must be);
4. `JsonlReader` -> `MinhashDedupFilter` (removed documents to an exclusion `JsonlWriter`)
   -> `ParquetWriter` of the kept documents (Parquet, like our own output).

Words come from `SplitWordTokenizer` (see `datatrove_common`). The removed ids are read back
from the exclusion files. datatrove parallelises over input files, so the harness gives
every tool the corpus as `workers` JSONL shards.
"""

from __future__ import annotations

import json
from pathlib import Path

from peers.common import PeerResult, corpus_files, package_version


def run(corpus: Path, workdir: Path, workers: int) -> PeerResult:
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

    from peers.datatrove_common import SplitWordTokenizer, minhash_config, minhash_steps

    config = minhash_config()
    files = corpus_files(corpus)
    folder = str(corpus if corpus.is_dir() else corpus.parent)
    pattern = "**/*.jsonl" if corpus.is_dir() else corpus.name
    shards = len(files)

    def reader() -> JsonlReader:
        return JsonlReader(folder, glob_pattern=pattern, text_key="text", id_key="id")

    removed_writer = JsonlWriter(str(workdir / "removed"), compression=None)
    steps = minhash_steps(reader, workdir, config, SplitWordTokenizer(), shards, workers,
                          [ParquetWriter(str(workdir / "output"))], exclusion_writer=removed_writer)
    for step in steps:
        step.run()
    removed = set()
    for path in sorted((workdir / "removed").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            removed.update(json.loads(line)["id"] for line in f if line.strip())
    docs = _documents_read(workdir / "logs/signatures")
    params = {
        "n_grams": config.n_grams, "buckets": config.num_buckets, "hashes_per_bucket": config.hashes_per_bucket,
        "tokenizer": "whitespace", "workers": workers, "tasks": shards,
    }  # fmt: skip
    return PeerResult("datatrove", package_version("datatrove"), docs, removed, params=params)


def _documents_read(logging_dir: Path) -> int | None:
    """Documents the reader of the signature step read, from the executor's stats file."""
    for step in json.loads((logging_dir / "stats.json").read_text()):
        documents = step.get("stats", {}).get("documents")
        if "READER" in step.get("name", "") and isinstance(documents, dict):
            return int(documents["total"])
    return None
