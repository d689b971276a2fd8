"""Banding of MinHash signatures: layout choice, detection curve, band keys, candidate pairs.

A signature of `num_perm` values is cut into `bands` bands of `rows` values; two documents
are candidates when some band is identical, which happens with probability
`1 - (1 - J**rows)**bands` for Jaccard J. Every candidate is verified afterwards, so a false
positive only costs one cheap check while a false negative is a duplicate kept for good:
`choose_layout` weights missed pairs 99:1 against spurious ones (datasketch's
`_optimal_param` uses 1:1), which moves the curve's knee below the threshold. For
threshold 0.8 and 128 values it picks 18 bands x 7 rows (P(0.8) = 0.986) where datasketch
picks 9 x 13 (P(0.8) = 0.40).

Candidates come from sorting band keys with numpy, never from Python dicts. A bucket of k
documents yields at most `max_partners` pairs per member (each member is paired with the
highest-priority members of the bucket), so 1,000 copies of a template page cost ~64k pairs,
not 500k.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from cleaner.dedup.reference import mix64
from cleaner.dedup.spill import sorted_unique

#: Relative weights of the false-positive and false-negative areas in `choose_layout`.
FALSE_POSITIVE_WEIGHT = 0.01
FALSE_NEGATIVE_WEIGHT = 0.99
#: Jaccard values of the table the CLI prints.
TABLE_POINTS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
_GRID = np.linspace(0.0, 1.0, 2001)


def detection_probability(jaccard: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """Probability that two texts of Jaccard similarity `jaccard` share at least one band."""
    return 1.0 - (1.0 - np.asarray(jaccard, dtype=float) ** rows) ** bands


def _error_areas(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    p = detection_probability(_GRID, bands, rows)
    below = _GRID < threshold
    false_pos = float(np.trapezoid(np.where(below, p, 0.0), _GRID))
    false_neg = float(np.trapezoid(np.where(below, 0.0, 1.0 - p), _GRID))
    return false_pos, false_neg


@lru_cache(maxsize=64)
def choose_layout(threshold: float, num_perm: int, fp_weight: float = FALSE_POSITIVE_WEIGHT,
                  fn_weight: float = FALSE_NEGATIVE_WEIGHT) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm minimising the weighted error areas.

    The areas are those under the detection curve below the threshold (false positives)
    and above it over 1 - curve (false negatives), as in datasketch's `_optimal_param`.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm}")
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp, fn = _error_areas(threshold, bands, rows)
            error = fp_weight * fp + fn_weight * fn
            if best is None or error < best[0] - 1e-15:
                best = (error, bands, rows)
    assert best is not None
    return best[1], best[2]


def check_layout(bands: int, rows: int, num_perm: int) -> None:
    """Reject a layout that does not fit the signature, with the fix in the message."""
    if bands < 1 or rows < 1:
        raise ValueError(f"bands and rows must be >= 1, got {bands} x {rows}")
    if bands * rows > num_perm:
        raise ValueError(f"bands x rows = {bands} x {rows} = {bands * rows} exceeds num_perm = {num_perm}; "
                         "lower one of them or raise num_perm")


def probability_table(bands: int, rows: int, points: tuple[float, ...] = TABLE_POINTS) -> list[tuple[float, float]]:
    """(Jaccard, detection probability) rows for a layout, for display."""
    return [(j, float(detection_probability(j, bands, rows))) for j in points]


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64: a hash of each band's `rows` values, the band index mixed in.

    The key is a function of the band's values only (plus its index), so two documents
    share a key exactly when datasketch's MinHashLSH would put them in the same bucket
    (up to a 2^-64 hash collision).
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    n = sig.shape[0]
    keys = np.empty((n, bands), dtype=np.uint64)
    for b in range(bands):
        h = np.full(n, b + 1, dtype=np.uint64)
        for r in range(rows):
            h = mix64(h ^ sig[:, b * rows + r].astype(np.uint64))
        keys[:, b] = h
    return keys


def pairs_from_runs(keys: np.ndarray, rank: np.ndarray, max_partners: int,
                    presorted: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (better, worse) of items sharing a key, at most `max_partners` per item.

    Items are sorted by key, then by `rank` (0 = highest priority), unless `presorted` says
    they already are; inside each run of equal keys, the item at position q is paired with
    the min(q, max_partners) items before it. Returns item indices (int64),
    `rank[better] < rank[worse]`.
    """
    keys = np.asarray(keys)
    if len(keys) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.arange(len(keys)) if presorted else np.lexsort((rank, keys))
    k = keys[order]
    new_run = np.ones(len(k), dtype=bool)
    new_run[1:] = k[1:] != k[:-1]
    run_start = np.flatnonzero(new_run)
    start_of = run_start[np.cumsum(new_run) - 1]
    count = np.minimum(np.arange(len(k)) - start_of, max_partners)
    total = int(count.sum())
    worse = np.repeat(order, count)
    first = np.repeat(start_of, count)
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    better = order[first + within]
    return better.astype(np.int64, copy=False), worse.astype(np.int64, copy=False)


def candidate_pairs(keys: np.ndarray | Iterable[np.ndarray], rank: np.ndarray, eligible: np.ndarray,
                    max_partners: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs (better, worse) over all bands of `keys`: an (n, bands) array,
    or its columns one band at a time (the dedup index reads them from disk, so that only
    one band is in memory).

    Only `eligible` items take part (exact-duplicate copies and empty texts do not).
    """
    items = np.flatnonzero(eligible)
    parts = []
    for column in keys.T if isinstance(keys, np.ndarray) else keys:
        better, worse = pairs_from_runs(column[items], rank[items], max_partners)
        parts.append((items[better].astype(np.uint64) << np.uint64(32)) | items[worse].astype(np.uint64))
    packed = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
    packed = sorted_unique(packed)
    return (packed >> np.uint64(32)).astype(np.int64), (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
