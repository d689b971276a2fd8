"""Passage-level near duplicates: sentences and paragraphs repeated across documents.

Units (`cleaner.dedup.units`) are sentences or short paragraphs. Candidates come from
*anchors*: in every window of consecutive word-5-gram hashes of a unit, the minimum (a
local MinHash, "winnowing") is an anchor; units sharing an anchor key are candidates. The
window is sized so that any two units sharing a run of `min_run` words share an anchor,
whatever else surrounds the run: this is what makes detection containment-aware (a
sentence embedded in a longer one is found), which a Jaccard-tuned MinHash LSH over whole
units cannot do. Anchors are spilled to partition files and each partition is sorted on
its own; a unit is paired with at most `max_partners` earlier units per anchor; the pairs
are spilled again, bucketed by their earlier unit, and read back bucket by bucket in order
by the lazy star clustering (`kernels.star_verify`), which aligns a pair only while its
earlier unit is a keeper and its later one unclaimed. Memory stays flat however repetitive
the corpus: a sentence repeated in 10,000 pages costs ~10,000 alignments.

Verification aligns the two word sequences: `lcs` = longest common subsequence (words in
order), `run` = longest common contiguous run. A pair matches when

- `run >= min_run` (default 8): a substantial verbatim core. Pages on one topic share
  many 3-6 word phrases ("studies have shown that magnesium"); in the sample pages every
  unrelated pair has run <= 6 while the recurring "involved in over 300 biochemical
  reactions in the" sentences have run 8;
- `lcs / shorter >= threshold` (default 0.6): the alignment covers most of the shorter
  unit, not just a shared phrase inside two otherwise different sentences (the 003/004
  pair: 12 of 17 words, 0.71);
- `lcs / longer >= COVER_LONGER` (0.4): the longer unit is not mostly other content either
  (003/004: 12 of 27, 0.44), so a short stock phrase inside a long sentence, or a short
  sentence inside a long chunk, does not pull the long one in.

What this cannot tell apart is an idiom of 8+ words that recurs with different endings
("I have to say this is one of the best/weakest ..."): by this definition it is a
recurring passage, and in review-style text such idioms make up a visible share of the
cuts (raise `min_run` or `threshold` there).

The reported similarity is `lcs / min(len_a, len_b)`. Clusters are stars around the first
occurrence (input order); only later occurrences in *other* documents are removed.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.dedup import clusters, kernels, lsh
from cleaner.dedup.runtime import Clock
from cleaner.dedup.spill import Growable, PartitionedKeys, SpillFile
from cleaner.dedup.units import split_units

ACTION_CHOICES = ("remove", "flag")
#: Anchors per chunk when turning a sorted anchor partition into pairs (bounds memory).
_CHUNK = 1 << 17
#: Share of the longer unit the alignment must cover (see the module docstring).
COVER_LONGER = 0.4


@dataclass(frozen=True)
class PassageConfig:
    """Settings of passage dedup (the `passages` stage's options)."""

    min_words: int = 8
    max_words: int = 100
    threshold: float = 0.6
    min_run: int = 8
    ngram: int = 5
    action: str = "remove"
    max_partners: int = 4

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.action not in ACTION_CHOICES:
            raise ValueError(f"action must be one of {ACTION_CHOICES}, got {self.action!r}")
        if self.min_run < self.ngram:
            raise ValueError(f"min_run ({self.min_run}) must be at least ngram ({self.ngram})")
        if self.max_words < self.min_words:
            raise ValueError(f"max_words ({self.max_words}) must be at least min_words ({self.min_words})")

    @property
    def window(self) -> int:
        """Winnowing window that guarantees an anchor for every shared run of `min_run` words."""
        return self.min_run - self.ngram + 1


@dataclass(slots=True)
class PassageSketch:
    """One batch's units and anchors (picklable, numpy only).

    `anchors` packs (key << 32 | unit index within the batch); `words` holds the low 32
    bits of each unit's word hashes, unit after unit.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    word_count: np.ndarray
    words: np.ndarray
    anchors: np.ndarray
    seconds: float


def sketch_passages(texts: list[str], config: PassageConfig) -> PassageSketch:
    """Worker side: cut texts into units, keep their words and anchors."""
    started = time.perf_counter()
    u = split_units(texts, config.min_words, config.max_words)
    keys, unit = kernels.anchors(u.words, u.word_start, u.word_count, config.ngram, config.window)
    anchors = (keys.astype(np.uint64) << np.uint64(32)) | unit.astype(np.uint64)
    index = np.repeat(u.word_start - np.cumsum(np.concatenate(([0], u.word_count[:-1]))), u.word_count)
    words = u.words[np.arange(len(index)) + index].astype(np.uint32) if len(index) else np.zeros(0, np.uint32)
    return PassageSketch(u.doc.astype(np.int32), u.start, u.end, u.word_count, words, anchors,
                         time.perf_counter() - started)


@dataclass
class PassageResult:
    """Every unit seen, by global position, and the verdict on it.

    `owner[u]` is the unit's keeper (the first occurrence) or -1; `similarity[u]` the
    verified similarity to it; `doc[u]` indexes `ids`.
    """

    ids: list[str]
    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    owner: np.ndarray
    similarity: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)

    def cluster_id(self, keeper: int) -> str:
        """Stable id of the cluster kept at unit `keeper`: p:<doc id>:<start offset>."""
        return f"p:{self.ids[self.doc[keeper]]}:{self.start[keeper]}"

    def members(self) -> np.ndarray:
        """Units that duplicate an earlier one, in order."""
        return np.flatnonzero(self.owner >= 0)


class PassageIndex:
    """Main-process accumulator of passage sketches (see the module docstring)."""

    def __init__(self, config: PassageConfig, workdir: Path) -> None:
        self.config = config
        tag = f"{os.getpid()}-{id(self):x}"
        self._folder = Path(workdir) / f"passages-{tag}"
        self.ids: list[str] = []
        self._doc = Growable(np.int64)
        self._start = Growable(np.int64)
        self._end = Growable(np.int64)
        self._words = SpillFile(self._folder / "words.u32")
        self._anchors = PartitionedKeys(self._folder / "anchors")
        self._sketch_seconds = 0.0

    def add(self, ids: list[str], sketch: PassageSketch) -> None:
        """Take one batch, in input order."""
        base_unit = len(self._doc)
        self._doc.extend(sketch.doc.astype(np.int64) + len(self.ids))
        self.ids.extend(ids)
        self._start.extend(sketch.start)
        self._end.extend(sketch.end)
        offsets = np.concatenate(([0], np.cumsum(sketch.word_count)))
        self._words.append_csr(sketch.words, offsets)
        if len(sketch.anchors):
            self._anchors.add(sketch.anchors + np.uint64(base_unit))
        self._sketch_seconds += sketch.seconds

    def finish(self) -> PassageResult:
        """Decide every unit; the spill files are deleted afterwards."""
        try:
            return self._finish()
        finally:
            self._words.close()
            self._anchors.close()
            shutil.rmtree(self._folder, ignore_errors=True)

    def _finish(self) -> PassageResult:
        cfg, clock = self.config, Clock()
        doc, n = self._doc.view(), len(self._doc)
        pairs = PartitionedKeys(self._folder / "pairs", bits=5)
        try:
            candidates = self._candidates(doc, pairs)
            self._anchors.close()
            clock.lap("candidates")
            owner = np.full(n, -1, dtype=np.int64)
            similarity = np.zeros(n, dtype=np.float64)
            self._words.flush()
            checked = 0
            for packed in pairs.partitions(unique=True):
                left = (packed >> np.uint64(32)).astype(np.int64)
                right = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
                checked += kernels.star_verify(self._words.fileno(), self._words.offsets, self._words.lengths,
                                               left, right, owner, similarity, "passage", cfg.threshold,
                                               cfg.min_run, COVER_LONGER)
            clock.lap("verify_cluster")
        finally:
            pairs.close()
        result = PassageResult(self.ids, doc, self._start.view(), self._end.view(), owner, similarity)
        result.stats = {
            "units": n,
            "anchors": self._anchors.count,
            "candidates": candidates,
            "verifications": checked,
            "verified_pairs": int((owner >= 0).sum()),
            "clusters": len(clusters.cluster_sizes(owner)),
            "duplicate_passages": int((owner >= 0).sum()),
            "backend": kernels.BACKEND,
            "phase_seconds": {"sketch": round(self._sketch_seconds, 3), **clock.laps},
        }
        return result

    def _candidates(self, doc: np.ndarray, pairs: PartitionedKeys) -> int:
        """Spill (earlier, later) unit pairs of different documents sharing an anchor,
        bucketed by the earlier unit; returns how many were spilled (before deduplication).

        Each sorted anchor partition is cut into chunks of whole runs of equal keys, so the
        temporary pair arrays stay at a few tens of MB whatever the corpus size.
        """
        n, count = max(len(doc), 1), 0
        for packed in self._anchors.partitions():
            keys = packed >> np.uint64(32)
            bounds = np.unique(np.searchsorted(keys, keys[::_CHUNK], side="left"))
            for lo, hi in zip(bounds, np.append(bounds[1:], len(keys))):
                unit = (packed[lo:hi] & np.uint64(0xFFFFFFFF)).astype(np.int64)
                better, worse = lsh.pairs_from_runs(keys[lo:hi], unit, self.config.max_partners, presorted=True)
                a, b = unit[better], unit[worse]
                keep = doc[a] != doc[b]
                a, b = a[keep], b[keep]
                pairs.add((a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64), a * (1 << pairs.bits) // n)
                count += len(a)
        return count
