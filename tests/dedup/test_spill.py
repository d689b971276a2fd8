"""On-disk stores: CSR items read back by index, keys read back sorted per partition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner.dedup.spill import ColumnSpill, Growable, PartitionedKeys, SpillFile
from cleaner.errors import CleanerError


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


# --- capacity: 32-bit item indices inside uint64 keys ----------------------------------------


@pytest.mark.parametrize("stage_name", ["dedup", "passages"])
def test_an_index_past_its_capacity_stops_the_run_instead_of_mixing_keys(
    stage_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs and anchors pack item indices into 32 bits; past 2**32 items they would alias
    other items silently. The limit is made small here: the batch that would cross it is
    refused with a message naming the stage and what to do."""
    from cleaner.dedup import spill
    from cleaner.options import defaults
    from cleaner.stages import stage_class
    from tests.dedup.helpers import collect

    monkeypatch.setattr(spill, "MAX_ITEMS", 5)
    cls = stage_class(stage_name)
    stage = cls(defaults(cls.options))
    texts = [f"Sentence number {i} tells of gardens, of rivers and of the hills around the town. " * 3 for i in range(8)]
    with pytest.raises(CleanerError, match=rf"^{stage_name}: \d+ (documents|passage units) in one run, more than the 5 ") as caught:
        collect(stage, [f"d{i}" for i in range(8)], texts, tmp_path, batch=2)
    assert "split the input" in caught.value.hint
    spill.check_capacity(5, "documents", "dedup")  # at the limit is fine


def test_column_spill_reads_back_each_column_of_the_batches_appended(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    batches = [rng.integers(0, 2**63, size=(n, 5), dtype=np.uint64) for n in (7, 0, 300, 1)]
    spill = ColumnSpill(tmp_path / "bands", 5)
    for batch in batches:
        spill.append(batch)
    whole = np.concatenate(batches)
    columns = list(spill.columns())
    assert spill.rows == len(whole) and len(columns) == 5
    for c, column in enumerate(columns):
        assert np.array_equal(column, whole[:, c])
    with pytest.raises(ValueError, match="5 columns"):
        spill.append(whole[:, :4])
    spill.close()
    assert not (tmp_path / "bands").exists()
