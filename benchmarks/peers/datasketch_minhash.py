"""datasketch: `MinHash.bulk` signatures and a `MinHashLSH` index, streaming dedup.

Its documented recipe: one `MinHash(num_perm=128)` per document updated with the shingles as
bytes (`MinHash.bulk` reuses the permutation state across documents), `LeanMinHash` for a
compact signature, and `MinHashLSH(threshold=0.8, num_perm=128)`, whose band layout
(9 bands x 13 rows for 0.8/128) it chooses itself. Each document in input order is queried
against the index of documents kept so far; a hit removes it, a miss inserts it.

datasketch has no parallelism of its own. To give it the same two cores as the others, the
signatures are computed in a `multiprocessing` pool of `workers` processes (pure numpy work,
no shared state); the index, which must see documents in order, lives in the main process.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

from peers.common import NUM_PERM, THRESHOLD, PeerResult, iter_docs, package_version, word_shingles

CHUNK = 500
_SEED = 1


def _signatures(chunk: list[tuple[str, str]]) -> list[tuple[str, object]]:
    from datasketch import LeanMinHash, MinHash

    shingles = [[s.encode("utf-8") for s in word_shingles(text)] for _, text in chunk]
    minhashes = MinHash.bulk(shingles, num_perm=NUM_PERM, seed=_SEED)
    return [(doc_id, LeanMinHash(m).hashvalues) for (doc_id, _), m in zip(chunk, minhashes)]


def _chunks(corpus: Path) -> Iterator[list[tuple[str, str]]]:
    docs = iter_docs(corpus)
    while chunk := list(itertools.islice(docs, CHUNK)):
        yield chunk


def run(corpus: Path, workdir: Path, workers: int) -> PeerResult:
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    removed: set[str] = set()
    docs = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for signed in pool.imap(_signatures, _chunks(corpus)):
            for doc_id, hashvalues in signed:
                docs += 1
                minhash = LeanMinHash(seed=_SEED, hashvalues=hashvalues, scheme="affine32")
                if lsh.query(minhash):
                    removed.add(doc_id)
                else:
                    lsh.insert(doc_id, minhash, check_duplication=False)
    params = {"num_perm": NUM_PERM, "threshold": THRESHOLD, "bands": lsh.b, "rows": lsh.r, "workers": workers}
    return PeerResult("datasketch", package_version("datasketch"), docs, removed, params=params)
