"""The journal takes a batch result the way its worker wrote it, without pickling it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.config import load_config
from cleaner.pipeline import journal as journal_module
from cleaner.pipeline import runner
from cleaner.pipeline.journal import Journal, Spooled, spool
from tests.helpers import REPO, output_digests, write_config


def test_a_spooled_result_is_renamed_into_the_journal_not_pickled_again(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal(tmp_path / "journal")
    result = {"rows": list(range(1000)), "text": "é" * 100}
    spooled = spool(journal.pending("pass1", 0), result)
    written = Path(spooled.path).read_bytes()
    assert journal.finished("pass1") == 0, "a pending result is not accepted yet"
    loaded = journal.unspool(spooled)

    def no_second_pickle(*args: object, **kwargs: object) -> None:
        raise AssertionError("the main process pickled a result its worker had spooled")

    monkeypatch.setattr(journal_module.pickle, "dump", no_second_pickle)
    journal.record("pass1", 0, loaded, spooled)
    assert not Path(spooled.path).exists()
    assert journal.finished("pass1") == 1
    assert (tmp_path / "journal" / "pass1-0000000.pkl").read_bytes() == written
    assert journal.load("pass1", 0) == result


def test_a_result_made_in_the_main_process_is_pickled_into_the_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    journal.record("pass2", 0, ["error rows"])
    assert journal.finished("pass2") == 1
    assert journal.load("pass2", 0) == ["error rows"]
    assert [p.name for p in (tmp_path / "journal").iterdir()] == ["pass2-0000000.pkl"]


def test_worker_processes_spool_every_batch_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes, three passes: every batch result the main process records is
    one a worker spooled; a run in this process alone spools none (it would only pickle and
    load each result once more), and writes the same outputs."""
    dump = tmp_path / "dump"
    dump.mkdir()
    texts = [(REPO / "raw" / name).read_text() for name in sorted(p.name for p in (REPO / "raw").glob("*.txt"))]
    records = [{"id": f"r{i}", "text": texts[i % len(texts)] + f"\n\nPage {i}."} for i in range(24)]
    (dump / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    config = load_config(write_config(tmp_path / "c.yaml", "executor:\n  batch_docs: 4\n"
                                      "stages: [encoding, boilerplate, dedup, passages]\n"))
    recorded: list[tuple[str, bool]] = []
    record = Journal.record

    def watched(self: Journal, step: str, n: int, result: object, spooled: Spooled | None = None) -> None:
        recorded.append((step, spooled is not None))
        record(self, step, n, result, spooled)

    monkeypatch.setattr(Journal, "record", watched)
    runner.run_pipeline(config, runner.RunOptions(dump, tmp_path / "pool", workers=2))
    passes = [(step, spooled) for step, spooled in recorded if step.startswith("pass")]
    assert {step for step, _ in passes} == {"pass1", "pass2", "pass3"}
    assert len(passes) >= 6 + 2 and all(spooled for _, spooled in passes), recorded
    del recorded[:]
    runner.run_pipeline(config, runner.RunOptions(dump, tmp_path / "alone", workers=1))
    alone = [spooled for step, spooled in recorded if step.startswith("pass")]
    assert len(alone) >= 6 + 2 and not any(alone), "a run in this process spools nothing"
    assert output_digests(tmp_path / "pool") == output_digests(tmp_path / "alone")

