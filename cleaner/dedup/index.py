"""Document-level near-duplicate detection: sketches in, verified star clusters out.

Workers call `sketch_documents` on each batch; the main process feeds the sketches to a
`DocumentIndex` in input order and calls `finish` once. The index keeps per document only
fixed-size numpy rows (exact key, a few counters); band keys go to a file per band under
the work folder, read back one band at a time to find candidates, and shingle sets to a
spill file, read back with pread for exact verification only for candidate pairs. 50k
documents of ~725 words take ~10 MB of memory and ~140 MB of disk.

Steps in `finish`: exact groups by the 128-bit key (best-ranked copy stays), LSH candidates
among the remaining documents (`lsh.candidate_pairs`), then star clustering in
keeper-priority order with verification (exact Jaccard of the shingle sets, checked lazily
inside the clustering by `kernels.star_verify`; or the signature estimate with
`verify="signature"`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.dedup import clusters, kernels, lsh
from cleaner.dedup.runtime import Clock
from cleaner.dedup.spill import ColumnSpill, Growable, SpillFile, check_capacity

VERIFY_CHOICES = ("exact", "signature")


@dataclass(frozen=True)
class DocConfig:
    """Settings of document-level dedup (the `dedup` stage's options)."""

    threshold: float = 0.8
    ngram: int = 5
    num_perm: int = 128
    bands: int | None = None
    rows: int | None = None
    keep: str = "first"
    verify: str = "exact"
    exact: bool = True
    max_partners: int = 64
    seed: int = kernels.DEFAULT_SEED

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.keep not in clusters.KEEP_CHOICES:
            raise ValueError(f"keep must be one of {clusters.KEEP_CHOICES}, got {self.keep!r}")
        if self.verify not in VERIFY_CHOICES:
            raise ValueError(f"verify must be one of {VERIFY_CHOICES}, got {self.verify!r}")
        lsh.check_layout(*self.layout(), self.num_perm)

    def layout(self) -> tuple[int, int]:
        """(bands, rows): as configured, the missing one derived, or `lsh.choose_layout`."""
        if self.bands and self.rows:
            return self.bands, self.rows
        if self.bands:
            return self.bands, max(1, self.num_perm // self.bands)
        if self.rows:
            return max(1, self.num_perm // self.rows), self.rows
        return lsh.choose_layout(self.threshold, self.num_perm)


@dataclass(slots=True)
class DocSketch:
    """One batch's summary for the index (picklable, numpy only)."""

    exact: np.ndarray
    bands: np.ndarray
    words: np.ndarray
    set_values: np.ndarray | None
    set_offsets: np.ndarray | None
    signatures: np.ndarray | None
    scores: np.ndarray | None
    seconds: float


def sketch_documents(texts: list[str], config: DocConfig) -> DocSketch:
    """Worker side: hash, shingle and band one batch of texts."""
    started = time.perf_counter()
    exact_verify = config.verify == "exact"
    sk = kernels.sketch_texts(texts, config.ngram, config.num_perm, config.seed, sets=exact_verify)
    assert sk.signatures is not None
    scores = None
    if config.keep == "best":
        scores = np.array([clusters.quality_score(t, int(w), int(a), int(c))
                           for t, w, a, c in zip(texts, sk.words, sk.alpha_words, sk.word_chars)], dtype=np.float64)
    return DocSketch(
        exact=sk.exact,
        bands=lsh.band_keys(sk.signatures, *config.layout()),
        words=sk.words,
        set_values=sk.set_values if exact_verify else None,
        set_offsets=sk.set_offsets if exact_verify else None,
        signatures=None if exact_verify else sk.signatures,
        scores=scores,
        seconds=time.perf_counter() - started,
    )


@dataclass
class DocResult:
    """The verdict for every document added, by position.

    `owner[i]` is the keeper document i is dropped for (-1: kept); `similarity[i]` its
    verified Jaccard to that keeper; `exact[i]` whether its normalised text is identical to
    the keeper's; `copy_of[i]` the exact copy it was grouped with before that copy was
    itself dropped as a near duplicate (-1 otherwise).
    """

    ids: list[str]
    owner: np.ndarray
    similarity: np.ndarray
    exact: np.ndarray
    copy_of: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)

    def cluster_sizes(self) -> dict[int, int]:
        """Keeper position -> cluster size, keeper included."""
        return clusters.cluster_sizes(self.owner)


class DocumentIndex:
    """Main-process accumulator of document sketches (see the module docstring)."""

    def __init__(self, config: DocConfig, workdir: Path) -> None:
        self.config = config
        self.ids: list[str] = []
        self._lengths = Growable(np.int64)
        self._words = Growable(np.int64)
        self._scores = Growable(np.float64)
        self._exact: list[np.ndarray] = []
        self._bands = ColumnSpill(Path(workdir) / f"dedup-bands-{os.getpid()}-{id(self):x}", config.layout()[0])
        self._signatures: list[np.ndarray] = []
        self._sets = SpillFile(Path(workdir) / f"dedup-sets-{os.getpid()}-{id(self):x}.u32")
        self._sketch_seconds = 0.0

    def add(self, ids: list[str], lengths: list[int], sketch: DocSketch) -> None:
        """Take one batch, in input order."""
        if len(ids) != len(sketch.words):
            raise ValueError(f"{len(ids)} ids for a sketch of {len(sketch.words)} documents")
        check_capacity(len(self.ids) + len(ids), "documents", "dedup")
        self.ids.extend(ids)
        self._lengths.extend(np.asarray(lengths, dtype=np.int64))
        self._words.extend(sketch.words)
        self._exact.append(sketch.exact)
        self._bands.append(sketch.bands)
        if sketch.scores is not None:
            self._scores.extend(sketch.scores)
        if sketch.signatures is not None:
            self._signatures.append(sketch.signatures)
        if sketch.set_values is not None and sketch.set_offsets is not None:
            self._sets.append_csr(sketch.set_values, sketch.set_offsets)
        self._sketch_seconds += sketch.seconds

    def finish(self) -> DocResult:
        """Decide every document; the spill files are deleted afterwards."""
        try:
            return self._finish()
        finally:
            self._sets.close()
            self._bands.close()

    def _finish(self) -> DocResult:
        cfg, n = self.config, len(self.ids)
        clock = Clock()
        eligible = self._words.view() > 0
        scores = self._scores.view() if cfg.keep == "best" else None
        rank = clusters.priority_ranks(cfg.keep, self.ids, self._lengths.view(), scores)
        keys = np.concatenate(self._exact) if self._exact else np.zeros((0, 2), np.uint64)
        leader = clusters.exact_groups(keys, rank, eligible) if cfg.exact else np.full(n, -1, np.int64)
        clock.lap("exact")
        left, right = lsh.candidate_pairs(self._bands.columns(), rank, eligible & (leader < 0), cfg.max_partners)
        clock.lap("candidates")
        owner, similarity, checked = self._verify_and_cluster(left, right, rank)
        verified = int((owner >= 0).sum())
        result = _fold_exact_copies(self.ids, owner, similarity, leader)
        clock.lap("verify_cluster")
        result.stats = {
            "documents": n,
            "exact_duplicates": int(result.exact.sum()),
            "near_duplicates": int((result.owner >= 0).sum() - result.exact.sum()),
            "candidates": len(left),
            "verifications": checked,
            "verified_pairs": verified,
            "clusters": len(result.cluster_sizes()),
            "bands": cfg.layout()[0],
            "rows": cfg.layout()[1],
            "backend": kernels.BACKEND,
            "phase_seconds": {"sketch": round(self._sketch_seconds, 3), **clock.laps},
        }
        return result

    def _verify_and_cluster(self, left: np.ndarray, right: np.ndarray,
                            rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Star clusters over the candidates; returns (owner, similarity, pairs verified).

        Exact verification is lazy (`kernels.star_verify`): a pair is only checked while
        its better end is still a keeper and its other end unclaimed, so 1,000 copies of a
        page cost ~1,000 checks, not one per candidate pair. Signature verification is
        cheap enough to estimate every pair up front.
        """
        n = len(rank)
        if self.config.verify == "signature":
            if len(left) == 0:
                return np.full(n, -1, np.int64), np.zeros(n), 0
            sigs = np.concatenate(self._signatures)
            sims = kernels.estimate_jaccard(sigs[left], sigs[right])
            ok = sims >= self.config.threshold
            owner, similarity = clusters.star_clusters(left[ok], right[ok], sims[ok], rank, n)
            return owner, similarity, len(left)
        owner = np.full(n, -1, dtype=np.int64)
        similarity = np.zeros(n, dtype=np.float64)
        order = np.lexsort((rank[right], rank[left]))
        self._sets.flush()
        checked = kernels.star_verify(self._sets.fileno(), self._sets.offsets, self._sets.lengths, left[order],
                                      right[order], owner, similarity, "jaccard", self.config.threshold)
        return owner, similarity, checked


def _fold_exact_copies(ids: list[str], owner: np.ndarray, similarity: np.ndarray, leader: np.ndarray) -> DocResult:
    """Attach exact copies to their group leader's cluster (or to the leader itself)."""
    n = len(ids)
    owner = owner.copy()
    exact = np.zeros(n, dtype=bool)
    copy_of = np.full(n, -1, dtype=np.int64)
    copies = np.flatnonzero(leader >= 0)
    lead = leader[copies]
    kept_lead = owner[lead] < 0
    owner[copies] = np.where(kept_lead, lead, owner[lead])
    similarity[copies] = np.where(kept_lead, 1.0, similarity[lead])
    exact[copies[kept_lead]] = True
    copy_of[copies[~kept_lead]] = lead[~kept_lead]
    return DocResult(ids, owner, similarity, exact, copy_of)
