"""The run-wide id registry against a plain Python set, and the per-batch rejection."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document, ReadFailure
from cleaner.pipeline.ids import IdRegistry, reject_repeated_ids

ID = st.text(alphabet="ab\x00é\ud800", min_size=0, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ID, max_size=12, unique=True), max_size=30))
def test_registry_answers_like_a_set(batches: list[list[str]]) -> None:
    registry, seen = IdRegistry(), set()
    for batch in batches:
        assert registry.taken(batch) == frozenset(i for i in batch if i in seen)
        fresh = not (set(batch) & seen)
        assert registry.add_new(batch) is fresh
        if not fresh:
            registry.add(batch)
        seen.update(batch)
    assert registry.taken(sorted(seen)) == frozenset(seen)


def test_registry_keeps_few_runs() -> None:
    registry = IdRegistry()
    for n in range(1000):
        registry.add([f"doc-{n}-{k}" for k in range(7)])
    assert len(registry._runs) <= 11  # binary counter: at most log2(1000) + 1 runs
    assert registry.taken(["doc-999-6", "doc-0-0", "new"]) == {"doc-999-6", "doc-0-0"}


def _docs(ids: list[str]) -> list[Document]:
    return [Document(id=i, text=f"text {n}", source="a.jsonl", record=n) for n, i in enumerate(ids)]


def test_repeats_within_a_batch_and_taken_ids_become_errors() -> None:
    out = reject_repeated_ids(_docs(["x", "y", "x", "z"]), frozenset({"z"}), "error", "id")
    assert [type(o).__name__ for o in out] == ["Document", "Document", "ReadFailure", "ReadFailure"]
    assert isinstance(out[2], ReadFailure) and out[2].record == 2 and "duplicate id 'x'" in out[2].error


def test_repeats_are_dropped_as_duplicates_of_the_first_by_default() -> None:
    out = reject_repeated_ids(_docs(["x", "y", "x", "z"]), frozenset({"z"}), "drop", "id")
    assert [type(o).__name__ for o in out] == ["Document", "Document", "ReadSkip", "ReadSkip"]
    assert [(o.id, o.reason, o.duplicate_of, o.text) for o in out[2:]] == [
        ("a.jsonl:2", "duplicate_id", "x", "text 2"), ("a.jsonl:3", "duplicate_id", "z", "text 3")]


def test_rename_keeps_repeats_under_ids_that_are_unique_too() -> None:
    out = reject_repeated_ids(_docs(["x", "x", "y", "x"]), frozenset({"y"}), "rename", "id")
    assert [(type(o).__name__, o.id) for o in out] == [
        ("Document", "x"), ("Document", "x@a.jsonl:1"), ("Document", "y@a.jsonl:2"), ("Document", "x@a.jsonl:3")]


def test_a_rename_that_is_taken_too_drops_the_record() -> None:
    out = reject_repeated_ids(_docs(["x@a.jsonl:2", "x", "x"]), frozenset(), "rename", "id")
    assert [type(o).__name__ for o in out] == ["Document", "Document", "ReadSkip"]
    assert (out[2].reason, out[2].duplicate_of) == ("duplicate_id", "x")
    assert "'x@a.jsonl:2' is taken too" in out[2].detail
