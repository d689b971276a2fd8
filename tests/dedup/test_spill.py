"""On-disk stores: CSR items read back by index, keys read back sorted per partition."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cleaner.dedup.spill import Growable, PartitionedKeys, SpillFile


def test_spill_file_appends_batches_and_reads_items(tmp_path: Path) -> None:
    f = SpillFile(tmp_path / "x" / "items.u32")
    f.append_csr(np.array([1, 2, 3], np.uint32), np.array([0, 2, 2, 3]))
    f.append_csr(np.array([9, 7, 8, 9], np.uint32), np.array([1, 3, 4]))  # offsets need not start at 0
    assert len(f) == 5
    assert [f.read(i).tolist() for i in range(5)] == [[1, 2], [], [3], [7, 8], [9]]
    f.close()
    assert not (tmp_path / "x" / "items.u32").exists()


def test_partitioned_keys_group_equal_keys_and_sort(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**63, 5000, dtype=np.uint64) * np.uint64(2)
    store = PartitionedKeys(tmp_path / "parts", bits=3)
    store.add(keys[:2000])
    store.add(np.concatenate([keys[2000:], keys[:10]]))
    parts = list(store.partitions())
    assert len(parts) == 8 and sum(map(len, parts)) == 5010
    assert np.array_equal(np.concatenate(parts), np.sort(np.concatenate([keys, keys[:10]])))
    assert sum(map(len, store.partitions(unique=True))) == len(np.unique(keys))
    store.close()
    assert not (tmp_path / "parts").exists()


def test_partitioned_keys_with_named_partitions_read_in_order(tmp_path: Path) -> None:
    store = PartitionedKeys(tmp_path / "pairs", bits=2)
    values = np.arange(100, dtype=np.uint64)[::-1]
    store.add(values, (values.astype(np.int64) * 4) // 100)
    assert np.array_equal(np.concatenate(list(store.partitions())), np.arange(100, dtype=np.uint64))
    store.close()


def test_growable_keeps_values_across_growth() -> None:
    g = Growable(np.int64)
    for k in range(50):
        g.extend(np.arange(k * 100, (k + 1) * 100))
    assert np.array_equal(g.view(), np.arange(5000)) and len(g) == 5000
