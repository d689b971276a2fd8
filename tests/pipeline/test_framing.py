"""Read tasks: the input is planned from the listing, and workers read and frame it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cleaner.document import Document, ReadFailure, ReadSkip
from cleaner.io.discover import InputFile, discover
from cleaner.io.items import Deferred
from cleaner.io.readers.reader_options import READER_OPTIONS
from cleaner.options import defaults
from cleaner.pipeline.framing import ReadTask, frame, plan_reads, unread
from cleaner.pipeline.source import ReadCounts, batched, read_items


def _files(sizes: list[int]) -> list[InputFile]:
    return [InputFile(Path(f"f{i}"), f"f{i}", size) for i, size in enumerate(sizes)]


@given(st.lists(st.integers(0, 500), max_size=40), st.integers(1, 300))
def test_every_file_is_in_exactly_one_group_in_listing_order(sizes: list[int], budget: int) -> None:
    files = _files(sizes)
    groups = plan_reads(files, budget)
    assert [f for group in groups for f in group] == files
    for group in groups:
        assert len(group) == 1 or sum(f.size for f in group) <= budget
    for before, after in zip(groups, groups[1:]):  # a group closes only when the next file would not fit
        assert sum(f.size for f in before) + after[0].size > budget


def test_a_file_larger_than_a_read_task_is_a_task_alone() -> None:
    groups = plan_reads(_files([10, 10, 1000, 10]), 100)
    assert [[f.source for f in g] for g in groups] == [["f0", "f1"], ["f2"], ["f3"]]


def _dump(root: Path) -> Path:
    root.mkdir()
    (root / "a.txt").write_text("A page about rivers.\n")
    lines = [json.dumps({"id": f"r{i}", "text": f"record {i} " * (i + 1)}) for i in range(23)]
    (root / "b.jsonl").write_text("\n".join(lines[:20]) + "\nnot json\n")
    with gzip.open(root / "c.jsonl.gz", "wt") as sink:
        sink.write("\n".join(lines[20:]) + "\n")
    (root / "d.txt").write_bytes(b"")
    return root


def _key(item) -> tuple:
    if isinstance(item, Deferred):
        item = item.parse()
    if isinstance(item, Document):
        return ("doc", item.id, item.source, item.record, item.text)
    if isinstance(item, ReadFailure):
        return ("error", item.source, item.record, item.error)
    assert isinstance(item, ReadSkip)
    return ("skip", item.source, item.record, item.reason)


def test_read_tasks_frame_the_batches_the_main_process_would_have_cut(tmp_path: Path) -> None:
    files, _ = discover(_dump(tmp_path / "dump"))
    settings = defaults(READER_OPTIONS)
    expected = [[_key(i) for i in batch] for batch in batched(read_items(files, [], settings, None, ReadCounts()), 4, 1 << 20)]
    framed = []
    records = 0
    for n, group in enumerate(plan_reads(files, 1 << 20)):
        folder = tmp_path / "read"
        folder.mkdir(exist_ok=True)
        result = frame(ReadTask(n, group, str(folder), 4, 1 << 20), settings)
        framed += [[_key(i) for i in chunk.load()] for chunk in result.chunks]
        assert [c.records for c in result.chunks] == [len(b) for b in framed[-len(result.chunks):]]
        records += result.records
    assert framed == expected  # one task for the whole (small) dump: the same batches
    assert records == sum(len(b) for b in expected) == 1 + 21 + 3 + 1


def test_batches_of_separate_read_tasks_hold_the_same_records_in_the_same_order(tmp_path: Path) -> None:
    files, _ = discover(_dump(tmp_path / "dump"))
    settings = defaults(READER_OPTIONS)
    whole = [_key(i) for i in read_items(files, [], settings, None, ReadCounts())]
    folder = tmp_path / "read"
    folder.mkdir()
    groups = plan_reads(files, 1)  # every file its own task
    assert len(groups) == len(files)
    framed = [_key(i) for n, g in enumerate(groups) for c in frame(ReadTask(n, g, str(folder), 4, 1 << 20), settings).chunks
              for i in c.load()]
    assert framed == whole


def test_a_read_task_stops_at_its_limit(tmp_path: Path) -> None:
    files, _ = discover(_dump(tmp_path / "dump"))
    result = frame(ReadTask(0, tuple(files), str(tmp_path), 4, 1 << 20, limit=6), defaults(READER_OPTIONS))
    assert result.records == 6 and sum(c.records for c in result.chunks) == 6


def test_a_read_task_given_up_on_is_one_error_row_per_file_and_leaves_no_batch_files(tmp_path: Path) -> None:
    files, _ = discover(_dump(tmp_path / "dump"))
    folder = tmp_path / "read"
    folder.mkdir()
    task = ReadTask(3, tuple(files[:2]), str(folder), 4, 1 << 20)
    frame(task, defaults(READER_OPTIONS))
    keep = frame(ReadTask(4, tuple(files[2:]), str(folder), 4, 1 << 20), defaults(READER_OPTIONS))
    result = unread(task, "its worker was killed by SIGKILL, twice")
    assert [(f.source, f.record) for f in result.failures] == [("a.txt", None), ("b.jsonl", None)]
    assert all("not read: its worker was killed by SIGKILL, twice" in f.error for f in result.failures)
    assert result.records == 2 and not result.chunks
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(c.path).name for c in keep.chunks)
