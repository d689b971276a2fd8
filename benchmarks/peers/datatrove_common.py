"""Pieces the datatrove adapters share: the word tokenizer and the MinHash configuration.

datatrove's default English word tokenizer is spaCy's; its own "WhitespaceTokenizer" still
calls spaCy's multilingual tokenizer for words. Its steps accept any `WordTokenizer`
instance in place of a language code, so we pass `SplitWordTokenizer`: words are the text
split on whitespace (the MinHash step has already lowercased it and replaced punctuation by
spaces with `simplify_text`), sentences come from datatrove's own regex splitter. This is
the "whitespace" configuration of the reference figures (47 s vs 338 s with spaCy).

It lives in an importable module (not `__main__`) because datatrove's executor starts its
workers with forkserver and unpickles the pipeline there.
"""

from __future__ import annotations

from pathlib import Path

from datasketch.lsh import _optimal_param
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WhitespaceTokenizer

from peers.common import NGRAM, NUM_PERM, THRESHOLD


class SplitWordTokenizer(WhitespaceTokenizer):
    """Words: `str.split()`; sentences and spans: datatrove's regex splitter."""

    def __init__(self) -> None:
        super().__init__()
        self.language = "en"

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()


def minhash_config() -> MinhashConfig:
    """5-grams and the band layout that minimises false positives + negatives at 0.8/128.

    datatrove has no threshold parameter: the threshold is implied by buckets x hashes per
    bucket. datasketch's optimiser (the same one text-dedup uses) gives 9 x 13 = 117 hashes
    for threshold 0.8 with 128 permutations; datatrove's default is 14 x 8 (~0.72).
    """
    bands, rows = _optimal_param(THRESHOLD, NUM_PERM, 0.5, 0.5)
    return MinhashConfig(n_grams=NGRAM, num_buckets=bands, hashes_per_bucket=rows, hash_config=HashConfig(precision=64))



def minhash_steps(read, workdir: Path, config: MinhashConfig, tokenizer, shards: int, workers: int,
                  writers: list, exclusion_writer=None) -> list:
    """datatrove's four MinHash steps as `LocalPipelineExecutor`s, as in its examples:
    signatures of what `read()` yields, buckets, clusters, then `read()` again through
    `MinhashDedupFilter` (removed documents to `exclusion_writer`) into `writers`."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )

    def logs(name: str) -> str:
        return str(workdir / "logs" / name)

    signatures, buckets, remove_ids = (str(workdir / name) for name in ("signatures", "buckets", "remove_ids"))
    dedup_filter = MinhashDedupFilter(input_folder=remove_ids, exclusion_writer=exclusion_writer)
    return [
        LocalPipelineExecutor([read(), MinhashDedupSignature(output_folder=signatures, config=config, language=tokenizer)],
                              tasks=shards, workers=workers, logging_dir=logs("signatures")),
        LocalPipelineExecutor([MinhashDedupBuckets(input_folder=signatures, output_folder=buckets, config=config)],
                              tasks=config.num_buckets, workers=workers, logging_dir=logs("buckets")),
        LocalPipelineExecutor([MinhashDedupCluster(input_folder=buckets, output_folder=remove_ids, config=config)],
                              tasks=1, workers=1, logging_dir=logs("clusters")),
        LocalPipelineExecutor([read(), dedup_filter, *writers], tasks=shards, workers=workers, logging_dir=logs("dedup")),
    ]


def kept_ids(output: Path) -> set[str]:
    """The ids in the Parquet files a pipeline's final `ParquetWriter` wrote to `output`."""
    import pyarrow.parquet as pq

    kept: set[str] = set()
    for path in sorted(output.glob("*.parquet")):
        kept.update(str(i) for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())
    return kept
