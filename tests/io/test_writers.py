"""Parquet writers: empty output files stay loadable by every loader that can load them;
row groups are cut at exactly `row_group_rows` rows and data parts roll over every
`rows_per_file` rows, whatever the batches; the explicit schema is what the files hold."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.io import schemas
from cleaner.io.output import StagedOutput
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


# Row groups, parts and the schema -----------------------------------------------------------

#: A small schema of our own: non-nullable and narrow types, field and schema metadata.
SCHEMA = pa.schema(
    [
        pa.field("n", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("tag", pa.string(), metadata={b"doc": b"a short code"}),
    ],
    metadata={b"origin": b"tests"},
)


def rows(start: int, count: int) -> pa.RecordBatch:
    """`count` rows numbered from `start`."""
    numbers = range(start, start + count)
    return pa.record_batch([pa.array(numbers, pa.int32()), pa.array([f"document {i} " * 3 for i in numbers]),
                            pa.array([f"t{i % 3}" for i in numbers])], schema=SCHEMA)


def write(writer: TableWriter | PartitionedWriter, sizes: list[int]) -> None:
    start = 0
    for size in sizes:
        writer.write_batch(rows(start, size))
        start += size


def groups(path: Path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def numbers(path: Path) -> list[int]:
    return pq.read_table(path).column("n").to_pylist()


@pytest.mark.parametrize(("sizes", "expected"), [
    ([23], [5, 5, 5, 5, 3]),
    ([3, 0, 7, 1, 10, 2], [5, 5, 5, 5, 3]),  # batches smaller and larger than a group, and empty
    ([1] * 12, [5, 5, 2]),
    ([5, 5], [5, 5]),  # whole groups: no empty trailing group
    ([4], [4]),  # less than one group: written on close
])
def test_row_groups_are_cut_at_exactly_row_group_rows(tmp_path: Path, sizes: list[int], expected: list[int]) -> None:
    writer = TableWriter(tmp_path / "t.parquet", SCHEMA, 5)
    write(writer, sizes)
    writer.close()
    assert writer.rows == sum(sizes)
    assert groups(tmp_path / "t.parquet") == expected
    assert numbers(tmp_path / "t.parquet") == list(range(sum(sizes)))


def test_a_files_bytes_do_not_depend_on_how_its_rows_were_batched(tmp_path: Path) -> None:
    digests = set()
    for n, sizes in enumerate(([40], [1] * 40, [7, 13, 0, 20], [25, 15])):
        path = tmp_path / f"t{n}.parquet"
        writer = TableWriter(path, SCHEMA, 8)
        write(writer, sizes)
        writer.close()
        digests.add(path.read_bytes())
    assert len(digests) == 1


def test_the_explicit_schema_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "t.parquet"  # the folder is made
    writer = TableWriter(path, SCHEMA, 4)
    write(writer, [6])
    writer.close()
    schema = pq.read_schema(path)
    assert schema.equals(SCHEMA, check_metadata=True)
    assert not schema.field("n").nullable and schema.field("tag").metadata == {b"doc": b"a short code"}


def test_free_text_columns_get_neither_dictionary_nor_statistics(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    writer = TableWriter(path, SCHEMA, 100)
    write(writer, [30])
    writer.close()
    group = pq.ParquetFile(path).metadata.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert columns["text"].statistics is None and not columns["text"].has_dictionary_page
    for name in ("n", "tag"):
        assert columns[name].statistics is not None and columns[name].statistics.has_min_max
    assert columns["tag"].has_dictionary_page
    assert columns["n"].statistics.min == 0 and columns["n"].statistics.max == 29


@pytest.mark.parametrize(("codec", "level", "expected"), [
    ("zstd", 3, "ZSTD"), ("snappy", None, "SNAPPY"), ("gzip", 6, "GZIP"), (None, None, "UNCOMPRESSED"),
])
def test_compression(tmp_path: Path, codec: str | None, level: int | None, expected: str) -> None:
    path = tmp_path / "t.parquet"
    writer = TableWriter(path, SCHEMA, 10, codec, level)
    write(writer, [12])
    writer.close()
    meta = pq.ParquetFile(path).metadata
    assert {meta.row_group(g).column(c).compression for g in range(2) for c in range(3)} == {expected}
    assert numbers(path) == list(range(12))


@pytest.mark.parametrize(("sizes", "parts", "part_groups"), [
    ([6, 9, 10], [10, 10, 5], [[4, 4, 2], [4, 4, 2], [4, 1]]),  # each part cuts its own groups
    ([20], [10, 10], [[4, 4, 2], [4, 4, 2]]),  # exactly full: no empty part after the last
    ([10, 10], [10, 10], [[4, 4, 2], [4, 4, 2]]),
    ([35], [10, 10, 10, 5], [[4, 4, 2], [4, 4, 2], [4, 4, 2], [4, 1]]),  # one batch over several parts
    ([3, 3], [6], [[4, 2]]),
])
def test_parts_roll_over_every_rows_per_file_rows(tmp_path: Path, sizes: list[int], parts: list[int],
                                                  part_groups: list[list[int]]) -> None:
    writer = PartitionedWriter(tmp_path / "data", SCHEMA, 10, 4)
    write(writer, sizes)
    writer.close()
    names = [f"part-{n:05d}.parquet" for n in range(len(parts))]
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == names
    assert writer.parts == [tmp_path / "data" / name for name in names]
    assert writer.rows == sum(sizes)
    assert [pq.ParquetFile(p).metadata.num_rows for p in writer.parts] == parts
    assert [groups(p) for p in writer.parts] == part_groups
    assert [n for p in writer.parts for n in numbers(p)] == list(range(sum(sizes)))  # input order
    assert all(pq.read_schema(p).equals(SCHEMA, check_metadata=True) for p in writer.parts)


def test_a_partitioned_writer_without_rows_writes_one_empty_part(tmp_path: Path) -> None:
    writer = PartitionedWriter(tmp_path / "data", SCHEMA, 10, 4)
    writer.write_batch(rows(0, 0))
    writer.close()
    assert writer.parts == [tmp_path / "data" / "part-00000.parquet"] and writer.rows == 0
    assert groups(writer.parts[0]) == []
    assert pq.read_schema(writer.parts[0]).equals(SCHEMA, check_metadata=True)


def test_abort_drops_the_rows_still_pending(tmp_path: Path) -> None:
    """Only whole row groups reached the file before the abort; the pending rest never
    does (the staging folder holding the file is deleted next, see `StagedOutput`)."""
    path = tmp_path / "t.parquet"
    writer = TableWriter(path, SCHEMA, 5)
    write(writer, [7])
    writer.abort()
    assert groups(path) == [5]


def test_abort_ignores_a_failing_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = TableWriter(tmp_path / "t.parquet", SCHEMA, 5)
    write(writer, [3])
    real_close = writer._writer.close

    def full_disk() -> None:
        real_close()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer._writer, "close", full_disk)
    writer.abort()  # no exception


def test_an_aborted_partitioned_writer_keeps_finished_parts_and_drops_pending_rows(tmp_path: Path) -> None:
    writer = PartitionedWriter(tmp_path / "data", SCHEMA, 10, 4)
    write(writer, [13])
    writer.abort()
    assert [groups(p) for p in writer.parts] == [[4, 4, 2], []]


def test_an_aborted_run_leaves_no_output_file(tmp_path: Path) -> None:
    """Writers abort, the staging folder holding their partial files is discarded: nothing
    of a failed run is left beside its target."""
    staged = StagedOutput(tmp_path / "out")
    data = PartitionedWriter(staged.path / "data", SCHEMA, 10, 4)
    errors = TableWriter(staged.path / "errors.parquet", SCHEMA, 4)
    write(data, [13])
    write(errors, [2])
    data.abort()
    errors.abort()
    staged.discard()
    assert list(tmp_path.iterdir()) == []
