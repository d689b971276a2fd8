"""The passage rule in the kernels: informative alignment, whole repeats, native == reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.dedup import kernels, reference
from cleaner.dedup.spill import SpillFile

needs_native = pytest.mark.skipif("native" not in kernels.backends(), reason="the C extension is not built")


def spill_of(tmp_path, items: list[list[int]], name: str = "units.u32") -> SpillFile:
    f = SpillFile(tmp_path / name)
    offsets = np.concatenate(([0], np.cumsum([len(i) for i in items])))
    f.append_csr(np.array([v for i in items for v in i], np.uint32), offsets)
    f.flush()
    return f


def test_align_counts_the_most_informative_common_subsequence() -> None:
    common = np.zeros(8, np.uint8)
    common[[1, 2]] = 1  # words 1, 2 (and 9, 10: same buckets) are common
    x = np.array([1, 3, 2, 4, 5], np.uint32)
    y = np.array([3, 1, 2, 4, 9], np.uint32)
    # LCS 3 ("1 2 4" or "3 2 4"); the second holds two informative words (3, 4)
    assert reference.align(x, y, common) == (3, 2, 2)
    assert reference.align(x, y) == (3, 2, 3)  # no table: every word is informative
    assert reference.align(x, np.array([], np.uint32), common) == (0, 0, 0)


@pytest.mark.parametrize("backend", kernels.backends())
def test_star_verify_passage_rule(tmp_path, backend: str) -> None:
    base = list(range(100, 112))  # 12 words
    items = [
        base,                          # 0: the keeper
        base,                          # 1: whole repeat of 12 words
        [1, 2, 3] + base[:9],          # 2: partial: 9 of 12 aligned, not whole
        base[:11],                     # 3: 11 of 11, but shorter than whole_words
    ]
    f = spill_of(tmp_path, items)
    common = np.zeros(1 << 10, np.uint8)
    common[[w & 1023 for w in base[2:]]] = 1  # only 100 and 101 are informative
    left, right = np.zeros(3, np.int64), np.array([1, 2, 3], np.int64)

    def owners(**rule) -> list[int]:
        owner, sim = np.full(4, -1, np.int64), np.zeros(4)
        kernels.star_verify(f.fileno(), f.offsets, f.lengths, left, right, owner, sim, "passage", 0.6, 8, 0.4,
                            backend, common=common, **rule)
        return owner.tolist()

    assert owners() == [-1, 0, 0, 0]  # min_informative 0: the plain alignment rule
    assert owners(min_informative=3, whole_cover=0.8, whole_words=12) == [-1, 0, -1, -1]
    assert owners(min_informative=2, whole_cover=0.8, whole_words=12) == [-1, 0, 0, 0]
    assert owners(min_informative=3, whole_cover=0.8, whole_words=11) == [-1, 0, -1, 0]
    f.close()


def test_common_table_must_be_a_power_of_two(tmp_path) -> None:
    f = spill_of(tmp_path, [[1, 2], [1, 2]])
    for backend in kernels.backends():
        with pytest.raises(ValueError, match="power of two"):
            kernels.star_verify(f.fileno(), f.offsets, f.lengths, np.array([0]), np.array([1]), np.full(2, -1),
                                np.zeros(2), "passage", 0.5, 1, 0.0, backend, common=np.zeros(3, np.uint8),
                                min_informative=1)
    f.close()


@needs_native
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 9), min_size=4, max_size=14), st.data())
def test_native_passage_rule_equals_reference(tmp_path, base: list[int], data) -> None:
    """Units are edits of one base sequence, so that pairs align and every clause matters."""
    edit = st.lists(st.tuples(st.integers(0, 13), st.integers(0, 9)), max_size=4)
    items = [base]
    for changes in data.draw(st.lists(edit, min_size=1, max_size=7)):
        unit = list(base)
        for pos, word in changes:
            unit[pos % len(unit)] = word
        items.append(unit[: data.draw(st.integers(1, len(unit)))])
    n = len(items)
    pairs = sorted(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30)))
    left, right = np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.int64)
    bits = data.draw(st.integers(0, 3))
    common = np.array(data.draw(st.lists(st.integers(0, 1), min_size=1 << bits, max_size=1 << bits)), np.uint8)
    rule = {"common": common, "min_informative": data.draw(st.integers(0, 6)),
            "whole_cover": data.draw(st.sampled_from([0.8, 1.0])), "whole_words": data.draw(st.sampled_from([6, 99]))}
    f = spill_of(tmp_path, items, f"p{bits}.u32")
    results = []
    for backend in ("native", "reference"):
        owner, sim = np.full(n, -1, np.int64), np.zeros(n)
        checked = kernels.star_verify(f.fileno(), f.offsets, f.lengths, left, right, owner, sim, "passage", 0.5, 2,
                                      0.4, backend, **rule)
        results.append((owner.tolist(), sim.tolist(), checked))
    f.close()
    assert results[0] == results[1]
