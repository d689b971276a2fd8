"""A batch given up on (its worker hung or died twice) still gives every record a row:
reader items, parked documents and parked output rows alike (cleaner.pipeline.failed)."""

from __future__ import annotations

from pathlib import Path

from cleaner.config import parse_config
from cleaner.document import Document, ReadFailure, ReadSkip
from cleaner.io.readers.jsonl import UnparsedLine
from cleaner.io.readers.records import FieldMap
from cleaner.pipeline.failed import failed_batch_result
from cleaner.pipeline.intermediate import pack
from cleaner.pipeline.tasks import FilterBatch, ParcelBatch, ReadBatch

FIELDS = FieldMap.from_settings(parse_config({"stages": []}, "test").readers)


def docs(n: int) -> list[Document]:
    return [Document(id=f"d{i}", text=f"text {i}", source="a.jsonl", record=i) for i in range(n)]


def rows_of(result, name: str) -> list[dict]:
    return result.tables[name].to_pylist()


def test_first_pass_items_keep_what_the_reader_decided() -> None:
    items = [docs(1)[0], UnparsedLine("a.jsonl", 1, b'{"text": "x"}\n', FIELDS), ReadFailure("a.jsonl", 2, "invalid JSON"),
             ReadSkip("a.jsonl:3", "a.jsonl", 3, "empty", "the record's text is empty")]
    result = failed_batch_result(ReadBatch(0, items), "worker process 7 was killed by SIGKILL, twice on this batch")
    errors = rows_of(result, "errors")
    assert [(e["record"], e["stage"]) for e in errors] == [(0, "worker"), (1, "worker"), (2, "read")]
    assert errors[0]["error"] == "not processed: worker process 7 was killed by SIGKILL, twice on this batch (pass 1)"
    assert errors[2]["error"] == "invalid JSON"
    assert [(r["record"], r["reason"]) for r in rows_of(result, "removed")] == [(3, "empty")]
    assert result.stats["worker"].counts == {"batch_failed": 2}
    assert result.read == {"empty": 1, "error": 1} and result.size == 4


def test_a_parcel_of_documents_is_read_back_and_then_deleted(tmp_path: Path) -> None:
    parcel = pack(docs(3), str(tmp_path / "p.pkl"))
    result = failed_batch_result(ParcelBatch(1, parcel), "hung")
    assert [(e["source"], e["record"], e["stage"]) for e in rows_of(result, "errors")] == [("a.jsonl", i, "worker") for i in range(3)]
    assert "(pass 2)" in rows_of(result, "errors")[0]["error"]
    assert not Path(parcel.path).exists()


def test_a_parcel_of_output_rows_is_read_back_too(tmp_path: Path) -> None:
    parcel = pack(docs(2), str(tmp_path / "rows.pkl"), as_rows=True)
    result = failed_batch_result(FilterBatch(2, parcel), "hung")
    assert [(e["record"], e["stage"]) for e in rows_of(result, "errors")] == [(0, "worker"), (1, "worker")]
