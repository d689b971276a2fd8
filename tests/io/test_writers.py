"""Parquet writers: empty output files stay loadable by every loader that can load them."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleaner.io import schemas
from cleaner.io.writers import PartitionedWriter, TableWriter


@pytest.fixture()
def empty_outputs(tmp_path: Path) -> list[str]:
    """An errors.parquet and a data/ part that received no rows."""
    TableWriter(tmp_path / "errors.parquet", schemas.ERRORS, 1024).close()
    PartitionedWriter(tmp_path / "data", schemas.DATA, 100, 1024).close()
    return [str(tmp_path / "errors.parquet"), str(tmp_path / "data" / "part-00000.parquet")]


def test_empty_outputs_hold_the_schema_and_no_row_group(empty_outputs: list[str]) -> None:
    """No row group at all, not one empty row group: `datasets` derives its batch size from
    the first row group's row count and fails on 0 ("BatchSize must be greater than 0")."""
    for path in empty_outputs:
        meta = pq.ParquetFile(path).metadata
        assert (meta.num_row_groups, meta.num_rows) == (0, 0)
    assert pq.read_schema(empty_outputs[0]) == schemas.ERRORS
    assert pq.read_schema(empty_outputs[1]) == schemas.DATA


def test_empty_outputs_load_in_pandas_polars_and_streaming_datasets(empty_outputs: list[str], tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    datasets = pytest.importorskip("datasets")
    for path in empty_outputs:
        assert len(pandas.read_parquet(path)) == 0
        assert polars.read_parquet(path).height == 0
        streamed = datasets.load_dataset("parquet", data_files=path, split="train", streaming=True,
                                         cache_dir=str(tmp_path / "hf"))
        assert list(streamed) == []
        loaded = datasets.Dataset(pq.read_table(path))  # the README's recipe for an empty split
        assert loaded.num_rows == 0 and loaded.column_names == pq.read_schema(path).names
