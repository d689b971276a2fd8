"""LSH layout (golden values, against datasketch's choice), band keys and bounded candidates."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from cleaner.dedup import lsh

# (threshold, num_perm) -> our layout, datasketch's layout (weights 0.5/0.5)
GOLDEN = {
    (0.5, 128): ((39, 3), (25, 5)),
    (0.8, 128): ((18, 7), (9, 13)),
    (0.9, 128): ((11, 11), (5, 25)),
    (0.8, 256): ((28, 9), (17, 15)),
    (0.7, 64): ((16, 4), (8, 8)),
}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_layout_golden_and_more_recall_than_datasketch(key: tuple[float, int]) -> None:
    threshold, num_perm = key
    ours, theirs = GOLDEN[key]
    assert lsh.choose_layout(threshold, num_perm) == ours
    assert _optimal_param(threshold, num_perm, 0.5, 0.5) == theirs
    # weighting misses 99:1 finds a pair at the threshold far more often
    assert lsh.detection_probability(threshold, *ours) > 0.98
    assert lsh.detection_probability(threshold, *theirs) < 0.65


def test_detection_probability_values() -> None:
    assert lsh.detection_probability(0.8, 18, 7) == pytest.approx(0.985542, abs=1e-6)
    assert lsh.detection_probability(0.5, 18, 7) == pytest.approx(0.131665, abs=1e-6)
    assert lsh.detection_probability(1.0, 3, 4) == 1.0 and lsh.detection_probability(0.0, 3, 4) == 0.0
    table = lsh.probability_table(18, 7)
    assert [j for j, _ in table] == list(lsh.TABLE_POINTS)
    assert all(a[1] < b[1] for a, b in zip(table, table[1:]))


def test_layout_validation() -> None:
    with pytest.raises(ValueError, match="exceeds num_perm"):
        lsh.check_layout(20, 7, 128)
    with pytest.raises(ValueError, match="threshold"):
        lsh.choose_layout(0.0, 128)


def test_band_keys_depend_on_band_values_and_index() -> None:
    sig = np.array([[1, 2, 3, 4], [1, 2, 9, 4], [3, 4, 1, 2]], dtype=np.uint32)
    keys = lsh.band_keys(sig, bands=2, rows=2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert keys[0, 0] != keys[2, 1]  # same values (1, 2) in another band: another key


def test_pairs_from_runs_all_pairs_in_small_buckets() -> None:
    keys = np.array([7, 3, 7, 7, 3, 5], dtype=np.uint64)
    better, worse = lsh.pairs_from_runs(keys, np.arange(6), max_partners=10)
    assert sorted(zip(better.tolist(), worse.tolist())) == [(0, 2), (0, 3), (1, 4), (2, 3)]


def test_pairs_from_runs_respects_rank() -> None:
    keys = np.zeros(3, dtype=np.uint64)
    rank = np.array([2, 0, 1])
    better, worse = lsh.pairs_from_runs(keys, rank, max_partners=10)
    assert all(rank[b] < rank[w] for b, w in zip(better, worse))
    assert sorted(zip(better.tolist(), worse.tolist())) == [(1, 0), (1, 2), (2, 0)]


def test_huge_bucket_is_not_quadratic() -> None:
    """2,000 copies of one template: each pairs with the 64 best-ranked, not with all."""
    n = 2000
    keys = np.zeros((n, 18), dtype=np.uint64)
    left, right = lsh.candidate_pairs(keys, np.arange(n), np.ones(n, bool), max_partners=64)
    assert len(left) == sum(min(q, 64) for q in range(n))
    assert set(left.tolist()) == set(range(64)) and (left < right).all()


def test_ineligible_items_make_no_pairs() -> None:
    keys = np.zeros((4, 2), dtype=np.uint64)
    left, right = lsh.candidate_pairs(keys, np.arange(4), np.array([True, False, True, True]), max_partners=8)
    assert sorted(zip(left.tolist(), right.tolist())) == [(0, 2), (0, 3), (2, 3)]


def test_bands_given_one_column_at_a_time_make_the_same_pairs() -> None:
    """What the dedup index passes (band columns read from disk) equals the whole matrix."""
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 6, size=(400, 9)).astype(np.uint64) * np.uint64(2**40)
    rank = rng.permutation(400)
    eligible = rng.random(400) < 0.9
    whole = lsh.candidate_pairs(keys, rank, eligible, max_partners=5)
    columns = lsh.candidate_pairs((keys[:, b].copy() for b in range(9)), rank, eligible, max_partners=5)
    assert len(whole[0]) > 1000
    assert np.array_equal(whole[0], columns[0]) and np.array_equal(whole[1], columns[1])
