"""datatrove's equivalent of our default pipeline, for the IMDb comparison.

Built like its FineWeb example (`examples/fineweb.py`): one filtering pass that writes its
survivors, then the four MinHash steps over them, all with `LocalPipelineExecutor`:

1. `JsonlReader` -> `FTFYFormatter` -> `C4QualityFilter` -> `GopherRepetitionFilter` ->
   `GopherQualityFilter` -> `JsonlWriter` (uncompressed): one task per input shard;
2. `MinhashDedupSignature`, 3. `MinhashDedupBuckets` (9 tasks), 4. `MinhashDedupCluster`
   (1 task), with the same configuration as the dedup benchmark (`datatrove_common`);
5. `JsonlReader` -> `MinhashDedupFilter` -> `ParquetWriter` of the kept documents.

Every step uses its defaults except the word tokenizer: `SplitWordTokenizer` instead of
spaCy (see `datatrove_common`), for the filters as for MinHash. The kept ids are read back
from the Parquet output.
"""

from __future__ import annotations

from pathlib import Path

from peers.common import PeerResult, corpus_files, package_version


def run(corpus: Path, workdir: Path, workers: int) -> PeerResult:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import C4QualityFilter, GopherQualityFilter, GopherRepetitionFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

    from peers.datatrove_common import SplitWordTokenizer, kept_ids, minhash_config, minhash_steps

    config = minhash_config()
    tokenizer = SplitWordTokenizer()
    shards = len(corpus_files(corpus))
    filtered = str(workdir / "filtered")
    steps = [
        LocalPipelineExecutor(
            [
                JsonlReader(str(corpus), glob_pattern="**/*.jsonl", text_key="text", id_key="id"),
                FTFYFormatter(),
                C4QualityFilter(language=tokenizer),
                GopherRepetitionFilter(language=tokenizer),
                GopherQualityFilter(language=tokenizer),
                JsonlWriter(filtered, compression=None),
            ],
            tasks=shards, workers=workers, logging_dir=str(workdir / "logs/filter"),
        ),
    ]  # fmt: skip
    steps += minhash_steps(lambda: JsonlReader(filtered), workdir, config, tokenizer, shards, workers,
                           [ParquetWriter(str(workdir / "output"))])
    for step in steps:
        step.run()
    kept = kept_ids(workdir / "output")
    params = {"tokenizer": "whitespace", "buckets": config.num_buckets, "hashes_per_bucket": config.hashes_per_bucket, "workers": workers}
    return PeerResult("datatrove", package_version("datatrove"), None, kept, ids_are="kept", params=params)
