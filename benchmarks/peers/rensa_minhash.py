"""rensa: R-MinHash sketches and its `RMinHashDeduplicator` (LSH candidates + threshold check).

Its README's recipe for keeping unique documents:
`RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)` and `add_pairs((key,
tokens))`, which returns, in order, True for a document kept and False for one that
duplicates an earlier document (candidates from LSH are checked against the estimated
Jaccard threshold). The deduplicator keeps its index across calls, so the corpus is fed in
batches and memory stays bounded by the index.

Bands: its default (8 bands x 16 rows, as in its own benchmark) finds a pair of Jaccard 0.9
only 80% of the time (1 - (1 - 0.9^16)^8), and every candidate is checked against the 0.8
threshold anyway, so we give it 16 bands x 8 rows (candidates from ~0.71): on the self-check
corpus that lifts its recall from 0.85 to 1.0 at the same precision, for a little more time.

The tokens are our shingles (lowercase word 5-grams). Shingling is Python work, so it and
the sketches (`RMinHash.from_token_sets`, Rust) run in a `multiprocessing` pool of
`workers` processes; the sketches are pickled back and added in input order.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

from peers.common import NUM_PERM, SEED, THRESHOLD, PeerResult, iter_docs, package_version, word_shingles

CHUNK = 1000
BANDS = 16


def _sketches(chunk: list[tuple[str, str]]) -> list[tuple[str, object]]:
    from rensa import RMinHash

    minhashes = RMinHash.from_token_sets([word_shingles(text) for _, text in chunk], num_perm=NUM_PERM, seed=SEED)
    return list(zip((doc_id for doc_id, _ in chunk), minhashes))


def _chunks(corpus: Path) -> Iterator[list[tuple[str, str]]]:
    docs = iter_docs(corpus)
    while chunk := list(itertools.islice(docs, CHUNK)):
        yield chunk


def run(corpus: Path, workdir: Path, workers: int) -> PeerResult:
    from rensa import RMinHashDeduplicator

    dedup = RMinHashDeduplicator(threshold=THRESHOLD, num_perm=NUM_PERM, use_lsh=True, num_bands=BANDS, seed=SEED)
    removed: set[str] = set()
    docs = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for pairs in pool.imap(_sketches, _chunks(corpus)):
            keep = dedup.add_pairs(pairs)
            docs += len(pairs)
            removed.update(doc_id for (doc_id, _), kept in zip(pairs, keep) if not kept)
    params = {"num_perm": NUM_PERM, "threshold": THRESHOLD, "use_lsh": True, "bands": BANDS, "workers": workers}
    return PeerResult("rensa", package_version("rensa"), docs, removed, params=params)
