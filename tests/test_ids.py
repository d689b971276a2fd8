"""The run-wide id registry against a plain Python set, and the per-batch rejection."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.io.readers.base import ReadFailure
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


def test_repeats_within_a_batch_and_taken_ids_become_errors() -> None:
    docs = [Document(id=i, text="t", source="a.jsonl", record=n) for n, i in enumerate(["x", "y", "x", "z"])]
    out = reject_repeated_ids(docs, frozenset({"z"}))
    assert [type(o).__name__ for o in out] == ["Document", "Document", "ReadFailure", "ReadFailure"]
    assert isinstance(out[2], ReadFailure) and out[2].record == 2 and "duplicate id 'x'" in out[2].error
