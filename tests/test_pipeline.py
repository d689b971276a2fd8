"""End-to-end runs of the real `clean` command: the sample dump, bad input, determinism,
atomic output. Each asserts the invariant: every input record ends up exactly once as kept,
removed or errored."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.io import schemas
from tests.helpers import REPO, assert_each_record_once, output_digests, read_rows, run_clean, write_config

SAMPLES = sorted(p.name for p in (REPO / "raw").glob("*.txt"))


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("sample") / "clean"
    proc = run_clean("run", "--input", "raw", "--output", str(out), "--config", "config.yaml")
    return out, proc


def test_sample_dump_produces_every_output(sample_run) -> None:
    out, _ = sample_run
    expected = {"data", "removed.parquet", "spans.parquet", "clusters.parquet", "errors.parquet", "stats.json", "config.resolved.yaml", "manifest.json", ".gitignore"}
    assert {p.name for p in out.iterdir()} == expected
    assert pq.read_schema(out / "data" / "part-00000.parquet") == schemas.DATA
    for name, schema in [("removed.parquet", schemas.REMOVED), ("spans.parquet", schemas.SPANS),
                         ("clusters.parquet", schemas.CLUSTERS), ("errors.parquet", schemas.ERRORS)]:
        assert pq.read_schema(out / name) == schema, name


def test_sample_dump_keeps_all_five_pages(sample_run) -> None:
    out, _ = sample_run
    kept = read_rows(out, "data")
    assert sorted(r["id"] for r in kept) == SAMPLES
    assert all(len(r["text"].split()) > 200 for r in kept)
    assert_each_record_once(out, {(name, 0) for name in SAMPLES})


def test_sample_dump_summary_and_stats(sample_run) -> None:
    out, proc = sample_run
    assert "kept" in proc.stdout and "errors" in proc.stdout
    stats = json.loads((out / "stats.json").read_text())
    assert stats["records"] == {"read": 5, "kept": 5, "removed": 0, "errors": 0}
    for name in ["read", "html", "encoding", "boilerplate", "templates", "quality", "dedup", "passages"]:
        assert name in stats["stages"]
    assert stats["stages"]["boilerplate"]["chars_out"] < stats["stages"]["boilerplate"]["chars_in"]
    assert sum(stats["stages"]["boilerplate"]["counts"].values()) == len(
        [s for s in read_rows(out, "spans.parquet") if s["stage"] == "boilerplate"]
    )


def test_output_loads_in_pandas_polars_and_datasets(sample_run) -> None:
    out, _ = sample_run
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    datasets = pytest.importorskip("datasets")
    assert len(pandas.read_parquet(out / "data")) == 5
    assert polars.read_parquet(out / "data" / "*.parquet").height == 5
    for name in ("removed.parquet", "spans.parquet", "clusters.parquet", "errors.parquet"):
        pandas.read_parquet(out / name)
        polars.read_parquet(out / name)
    ds = datasets.load_dataset("parquet", data_files=str(out / "data" / "*.parquet"), split="train", cache_dir=str(out.parent / "hf"))
    assert sorted(ds["id"]) == SAMPLES


# --- bad input ---------------------------------------------------------------------------

WARC_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><title>T</title></head><body><article><p>" + b"A readable paragraph of real words. " * 30 + b"</p></article></body></html>"
)


def _warc_record(payload: bytes, url: str, length: int | None = None) -> bytes:
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(payload) if length is None else length}\r\n\r\n"
    )
    return head.encode() + payload + b"\r\n\r\n"


def build_bad_dump(root: Path) -> None:
    """One of every kind of bad input, next to good records that must survive."""
    root.mkdir()
    (root / "good.txt").write_text("A perfectly ordinary page of text. " * 40)
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (root / "program.bin").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(4000))
    (root / "latin.txt").write_bytes(("Une page écrite en latin-1, déjà ancienne. " * 30).encode("latin-1"))
    lines = [
        json.dumps({"id": "j0", "text": "A good JSON line with enough words to matter. " * 20}),
        '{"id": "j1", "text": "unterminated',
        json.dumps({"id": "j2", "body": "no text field"}),
        json.dumps({"id": "j3", "text": "x" * 3_000_000}),
        json.dumps({"id": "j4", "text": "Another good line that should be kept as it is. " * 20}),
    ]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n")
    whole = gzip.compress(("\n".join(json.dumps({"text": f"Record {i} of a gzip file. " * 20}) for i in range(400))).encode())
    (root / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    warc = _warc_record(WARC_PAGE, "http://a.example/1") + _warc_record(WARC_PAGE, "http://a.example/2", length=999_999)
    (root / "broken.warc").write_bytes(warc)


def test_bad_input_never_crashes_and_nothing_is_lost(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    build_bad_dump(dump)
    config = write_config(tmp_path / "c.yaml", "readers:\n  max_errors: 1.0\n  max_record_mb: 1\nstages: [html, encoding, boilerplate, quality]\n")
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", "2")
    errors = read_rows(out, "errors.parquet")
    by_source = {}
    for row in errors:
        by_source.setdefault(row["source"], []).append(row)
    assert {"image.txt", "program.bin"}.isdisjoint(by_source), "a binary file is a removal, not an error"
    assert {r["record"] for r in by_source["records.jsonl"]} == {1, 2, 3}
    assert by_source["cut.jsonl.gz"][0]["error"].startswith("truncated or corrupt compressed stream after record")
    assert by_source["broken.warc"], "the broken WARC record must be an error row"
    removed = {r["source"]: r for r in read_rows(out, "removed.parquet")}
    assert removed["empty.txt"]["reason"] == "empty"
    for name, kind in [("image.txt", "PNG image"), ("program.bin", "ELF executable")]:
        assert (removed[name]["stage"], removed[name]["reason"]) == ("read", "non_text")
        assert removed[name]["detail"] == f"binary content ({kind}), not text"
    kept = {r["id"]: r for r in read_rows(out, "data")}
    assert {"good.txt", "latin.txt", "j0", "j4"} <= set(kept)
    assert "déjà" in kept["latin.txt"]["text"]
    assert f"{len(errors)}" in proc.stdout
    stats = json.loads((out / "stats.json").read_text())
    assert stats["records"]["errors"] == len(errors)
    total = stats["records"]["read"]
    assert total == stats["records"]["kept"] + stats["records"]["removed"] + stats["records"]["errors"]
    assert len(read_rows(out, "data")) + len(read_rows(out, "removed.parquet")) + len(errors) == total


def test_too_many_errors_exits_non_zero_but_writes_outputs(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    build_bad_dump(dump)
    config = write_config(tmp_path / "c.yaml", "readers:\n  max_errors: 0.01\nstages: [encoding]\n")
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), check=False)
    assert proc.returncode == 3
    assert proc.stderr.startswith("error: ") and "above readers.max_errors (1.0%)" in proc.stderr
    assert (out / "errors.parquet").exists()
    errors = len(read_rows(out, "errors.parquet"))
    assert re.search(r"│ read\s+│\s+\d+ │", proc.stdout), "exit 3 wrote outputs: the summary table is shown too"
    assert re.search(rf"│ errors\s+│\s+{errors} │", proc.stdout), proc.stdout


def test_only_real_read_failures_count_toward_max_errors(tmp_path: Path) -> None:
    """Binary files and links out of the input are removals (as a PNG inside a WARC is):
    with max_errors 0 they must not fail the run, and the summary counts them as removed."""
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "good.txt").write_text("A perfectly ordinary page of text. " * 40)
    (dump / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10)
    (dump / "tool.exe").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(3000))
    (tmp_path / "elsewhere.txt").write_text("outside the dump")
    (dump / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    config = write_config(tmp_path / "c.yaml", "readers:\n  max_errors: 0.0\nstages: [encoding]\n")
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", "1")
    assert read_rows(out, "errors.parquet") == []
    reasons = {r["source"]: r["reason"] for r in read_rows(out, "removed.parquet")}
    assert reasons == {"photo.jpg": "non_text", "tool.exe": "non_text", "link.txt": "link_outside_input"}
    assert "removed by read: non_text" in proc.stdout
    assert_each_record_once(out, {("good.txt", 0), ("photo.jpg", 0), ("tool.exe", 0), ("link.txt", 0)})


def _repeated_id_dump(root: Path) -> set[tuple[str, int]]:
    """a.jsonl x1..x5; b.jsonl repeats x2 (an earlier batch's id) and x6 (its own batch's)."""
    root.mkdir()
    words = "A record long enough to be kept by the quality stage, with its own words: {}. "

    def lines(ids: list[str]) -> str:
        return "\n".join(json.dumps({"id": i, "text": words.format(f"{i} {n}") * 12}) for n, i in enumerate(ids)) + "\n"

    (root / "a.jsonl").write_text(lines(["x1", "x2", "x3", "x4", "x5"]))
    (root / "b.jsonl").write_text(lines(["x6", "x2", "x6", "x7"]))
    return {("a.jsonl", n) for n in range(5)} | {("b.jsonl", n) for n in range(4)}


def test_a_mapped_field_that_never_occurs_is_a_warning_in_the_summary_and_stats(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    rows = [{"text": f"Record {i} with enough words to keep. " * 10, "meta": {"link": f"http://a/{i}"}} for i in range(3)]
    (dump / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    pq.write_table(pa.table({"text": ["A Parquet row of words. " * 10]}), dump / "b.parquet")
    config = write_config(tmp_path / "c.yaml", "readers:\n  url_field: meta.url\n  title_field: meta.link\nstages: [encoding]\n")
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", "2")
    warning = "warning: readers.url_field 'meta.url' occurred in none of the 4 JSONL/Parquet records"
    assert warning in proc.stdout
    assert "title_field" not in proc.stdout, "a field found in some records is no warning"
    stats = json.loads((out / "stats.json").read_text())
    assert stats["warnings"] == [warning.removeprefix("warning: ")]
    assert stats["readers"]["records"] == 4
    assert stats["readers"]["fields"]["url_field"] == {"field": "meta.url", "records": 0}
    assert stats["readers"]["fields"]["title_field"] == {"field": "meta.link", "records": 3}
    assert stats["readers"]["fields"]["text_field"] == {"field": "text", "records": 4}
    assert [r["title"] for r in read_rows(out, "data")] == [f"http://a/{i}" for i in range(3)] + [None]


@pytest.mark.parametrize("policy", ["drop", "error", "rename"])
def test_repeated_ids_whatever_the_batching(tmp_path: Path, policy: str) -> None:
    """Ids are checked in the workers (within a batch) and in the main process (across
    batches, by running a batch again): the first record with an id wins either way, and
    what happens to the later ones is readers.duplicate_ids (default drop)."""
    dump = tmp_path / "dump"
    expected = _repeated_id_dump(dump)
    setting = "" if policy == "drop" else f"  duplicate_ids: {policy}\n"
    digests = []
    for batch, workers in [(2, 2), (2, 1), (100, 2)]:
        config = write_config(tmp_path / f"c{batch}.yaml",
                              f"executor:\n  batch_docs: {batch}\nreaders:\n  max_errors: 1.0\n{setting}stages: [encoding]\n")
        out = tmp_path / f"out-{batch}-{workers}"
        run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", str(workers), "-q")
        errors, removed = read_rows(out, "errors.parquet"), read_rows(out, "removed.parquet")
        kept = [r["id"] for r in read_rows(out, "data")]
        if policy == "drop":
            assert errors == [] and kept == ["x1", "x2", "x3", "x4", "x5", "x6", "x7"]
            assert [(r["id"], r["source"], r["record"], r["stage"], r["reason"], r["duplicate_of"]) for r in removed] == [
                ("b.jsonl:1", "b.jsonl", 1, "read", "duplicate_id", "x2"),
                ("b.jsonl:2", "b.jsonl", 2, "read", "duplicate_id", "x6"),
            ]
            assert all("same id 'x" in r["detail"] and "of readers.id_field 'id'" in r["detail"] and r["text"] for r in removed)
        elif policy == "error":
            assert removed == [] and kept == ["x1", "x2", "x3", "x4", "x5", "x6", "x7"]
            assert [(e["source"], e["record"]) for e in errors] == [("b.jsonl", 1), ("b.jsonl", 2)]
            assert all("duplicate id" in e["error"] and "readers.id_field" in e["error"] for e in errors)
        else:
            assert errors == [] and removed == []
            assert kept == ["x1", "x2", "x3", "x4", "x5", "x6", "x2@b.jsonl:1", "x6@b.jsonl:2", "x7"]
        assert_each_record_once(out, expected)
        digests.append({k: v for k, v in output_digests(out).items() if k != "config.resolved.yaml"})
    assert digests[0] == digests[1] == digests[2]
    if policy != "error":  # `inspect` finds the record in its file under its new id too
        shown = run_clean("inspect", "b.jsonl:1" if policy == "drop" else "x2@b.jsonl:1", "-o", str(out)).stdout
        assert "(as read from" in shown and "x2 1" in shown


def test_the_same_shard_twice_is_half_duplicates_not_errors(tmp_path: Path) -> None:
    """a.jsonl.gz and a plain b.jsonl holding the same records: the run used to exit 3 with
    half the records 'could not be read'."""
    dump = tmp_path / "dump"
    dump.mkdir()
    records = "".join(json.dumps({"id": f"cc-{i}", "text": f"Page {i} says something of its own. " * 20}) + "\n" for i in range(30))
    (dump / "a.jsonl.gz").write_bytes(gzip.compress(records.encode()))
    (dump / "b.jsonl").write_text(records)
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(write_config(tmp_path / "c.yaml", "stages: [encoding]\n")))
    assert proc.returncode == 0
    assert [r["id"] for r in read_rows(out, "data")] == [f"cc-{i}" for i in range(30)]
    removed = read_rows(out, "removed.parquet")
    assert [(r["source"], r["duplicate_of"]) for r in removed] == [("b.jsonl", f"cc-{i}") for i in range(30)]
    assert "removed by read: duplicate_id" in proc.stdout


@pytest.mark.parametrize("policy", ["drop", "error"])
def test_the_same_warc_record_in_two_files_is_a_duplicate_named_by_its_warc_record_id(tmp_path: Path, policy: str) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    record = _warc_record(WARC_PAGE, "http://a.example/1").replace(
        b"WARC-Type: response\r\n", b"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-aaaa-bbbb-cccc-000000000001>\r\n")
    (dump / "x.warc").write_bytes(record)
    (dump / "x.warc.gz").write_bytes(gzip.compress(record))
    config = write_config(tmp_path / "c.yaml", f"readers:\n  duplicate_ids: {policy}\n  max_errors: 1.0\nstages: [html]\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    [kept] = read_rows(out, "data")
    assert (kept["id"], kept["source"]) == ("urn:uuid:12345678-aaaa-bbbb-cccc-000000000001", "x.warc")
    if policy == "drop":
        [removed] = read_rows(out, "removed.parquet")
        assert (removed["id"], removed["reason"], removed["duplicate_of"]) == ("x.warc.gz:0", "duplicate_id", kept["id"])
        assert "WARC-Record-ID" in removed["detail"]
    else:
        [error] = read_rows(out, "errors.parquet")
        assert error["source"] == "x.warc.gz" and "WARC-Record-ID" in error["error"]
        assert "id_field" not in error["error"], "the JSONL/Parquet hint makes no sense for a WARC record"


def test_a_batch_run_again_for_its_ids_sees_the_records_as_read(tmp_path: Path) -> None:
    """Records the main process parsed itself (HTML, WARC, Parquet) are Documents in the
    task; the serial executor hands over the task itself, so a rerun for repeated ids must
    not see the first attempt's changes (extracted text instead of the HTML)."""
    dump = tmp_path / "dump"
    dump.mkdir()
    records = b"".join(_warc_record(WARC_PAGE.replace(b"T</title>", f"T{n}</title>".encode()), f"http://a.example/{n}").replace(
        b"WARC-Type: response\r\n", f"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{n:08d}>\r\n".encode()) for n in range(4))
    (dump / "a.warc").write_bytes(records)
    (dump / "b.warc.gz").write_bytes(gzip.compress(records))
    config = write_config(tmp_path / "c.yaml", "executor:\n  batch_docs: 3\nstages: [html, boilerplate]\n")
    digests = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", str(workers), "-q")
        removed = read_rows(out, "removed.parquet")
        assert [r["duplicate_of"] for r in removed] == [f"urn:uuid:{n:08d}" for n in range(4)]
        assert all(r["text"].startswith("<html>") for r in removed), "a removed duplicate keeps the record's HTML"
        digests.append(output_digests(out))
    assert digests[0] == digests[1]


def test_passage_cuts_that_would_read_badly_are_flagged_in_clusters_parquet(tmp_path: Path) -> None:
    quote = "The committee approved the new budget after a long debate on Tuesday evening."
    texts = {
        "a": f"Gardens and flowers in spring bring visitors from all over the region.\n\n{quote}",
        "b": f"Weather reports said it would rain all week in the north.\n\n{quote} However, the mayor vetoed it the very next morning.",
        "c": f"Ferries to the northern islands resume in April after the winter storms. {quote} Museums in the old town stay open until nine every evening.",
    }
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in texts.items()))
    config = write_config(tmp_path / "c.yaml", "stages: [passages]\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    rows = {r["doc_id"]: r for r in read_rows(out, "clusters.parquet")}
    assert {k: (r["kept"], r["flag"]) for k, r in rows.items()} == {
        "a": (True, None), "b": (True, "would_leave_fragment"), "c": (False, None)}
    assert [(s["doc_id"], s["text"].strip()) for s in read_rows(out, "spans.parquet")] == [("c", quote)]
    kept = {r["id"]: r["text"] for r in read_rows(out, "data")}
    assert kept["b"] == texts["b"] and quote not in kept["c"]
    stats = json.loads((out / "stats.json").read_text())["stages"]["passages"]
    assert stats["counts"] == {"duplicate_passage": 1, "would_leave_fragment": 1}


COMMENTED_PAGE = """<html><head><title>Hinges</title></head><body><article><h1>Squeaky doors</h1>
<p>Squeaky doors are caused by dry hinges. Apply a little oil to each hinge pin, then open and close the door a few times so the oil spreads.</p>
<p>If the squeak persists, remove the pin, clean it with steel wool and apply fresh oil before you put the pin back.</p></article>
<div id="comments" class="comments"><ol class="commentlist"><li class="comment"><p>I tried the oil trick on my bedroom door and it worked well for me.</p></li>
<li class="comment"><p>Steel wool was needed on my rusty pin, thanks for the tip.</p></li></ol></div></body></html>"""


def test_kept_comments_are_a_paragraph_apart_and_marked_in_metadata(tmp_path: Path) -> None:
    """Comments kept under an article read as the author's words unless set apart and marked:
    metadata.comments_offset says where they begin in `text`, after every stage's cuts."""
    quote = "The committee approved the new budget after a long debate on Tuesday evening."
    thread = ("Squeaky doors are caused by dry hinges. Apply a little oil to each hinge pin, then open and close the door. "
              f"{quote} Museums in the old town stay open until nine every evening.\n"
              "Mark Evans March 3, 2012 at 5:06 am\nIt worked on my door, the hinge pin needed oil.\n"
              "Lisa October 4, 2012 at 3:43 pm\nWhich oil is best for a brass hinge on a door?")
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "a.jsonl").write_text(json.dumps({"id": "first", "text": f"Gardens bloom in spring in every valley of the north.\n\n{quote}"})
                                  + "\n" + json.dumps({"id": "thread", "text": thread}) + "\n")
    (dump / "page.html").write_text(COMMENTED_PAGE)
    config = write_config(tmp_path / "c.yaml", "stages: [{html: {include_comments: true}}, encoding, {boilerplate: {comments: keep}}, passages]\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    kept = {r["id"]: r for r in read_rows(out, "data")}
    text = kept["thread"]["text"]
    assert quote not in text, "the repeated sentence before the comments is cut"
    offset = json.loads(kept["thread"]["metadata"])["comments_offset"]
    assert text[:offset].endswith("open and close the door. Museums in the old town stay open until nine every evening.\n\n")
    assert text[offset:] == "It worked on my door, the hinge pin needed oil.\n\nWhich oil is best for a brass hinge on a door?"
    page = kept["page.html"]["text"]
    offset = json.loads(kept["page.html"]["metadata"])["comments_offset"]
    assert page[:offset].endswith("before you put the pin back.\n\n")
    assert page[offset:].startswith("I tried the oil trick on my bedroom door")
    assert kept["first"]["metadata"] is None


# --- determinism ----------------------------------------------------------------------------


def build_mixed_dump(root: Path, shared_data: Path | None) -> None:
    shutil.copytree(REPO / "raw", root / "raw")
    rows = [{"id": f"r{i}", "text": (REPO / "raw" / SAMPLES[i % 5]).read_text()[: 800 + 97 * i]} for i in range(40)]
    (root / "records.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    if shared_data is not None:
        html = sorted((shared_data / "scrapinghub-aeb" / "html").glob("*.html.gz"))[:12]
        (root / "html").mkdir()
        for page in html:
            shutil.copy(page, root / "html" / page.name)


@pytest.mark.parametrize("stages", ["html, encoding, boilerplate, templates, quality, dedup, passages",
                                    "html, encoding, boilerplate, dedup"])  # dedup last: the final filter pass
def test_outputs_are_byte_identical_for_any_worker_count(tmp_path: Path, stages: str) -> None:
    dump = tmp_path / "dump"
    from tests.conftest import SHARED_DATA

    build_mixed_dump(dump, SHARED_DATA if SHARED_DATA.is_dir() else None)
    config = write_config(tmp_path / "c.yaml", f"executor:\n  batch_docs: 7\nstages: [{stages}]\n")
    # every file its own read task, and batches of another size
    spread = write_config(tmp_path / "s.yaml", f"executor:\n  batch_docs: 3\n  read_mb: 0.01\nstages: [{stages}]\n")
    runs = [(1, "a", config), (2, "b", config), (2, "c", config), (3, "d", spread), (1, "e", spread)]
    digests = []
    for workers, name, used in runs:
        run_clean("run", "-i", str(dump), "-o", str(tmp_path / name), "-c", str(used), "-w", str(workers), "-q")
        digests.append(output_digests(tmp_path / name))
    assert digests[0] == digests[1] == digests[2]
    parquet = [{k: v for k, v in d.items() if k.endswith(".parquet")} for d in digests]
    assert all(p == parquet[0] for p in parquet)  # the other executor settings: only their config differs
    # the manifests say so too: equal exactly when the Parquet outputs are
    manifests = [(tmp_path / name / "manifest.json").read_bytes() for _, name, _ in runs]
    assert all(m == manifests[0] for m in manifests)
    assert len(read_rows(tmp_path / "a", "data")) > 5


def test_final_filter_pass_equals_the_general_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With dedup last, the final pass filters parked output rows in the main process; it
    must write exactly what re-running the documents through the workers writes."""
    from cleaner.config import load_config
    from cleaner.pipeline import runner

    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    near = [{"id": f"n{i}", "text": (REPO / "raw" / SAMPLES[i % 2]).read_text().replace("the", "a", i)} for i in range(6)]
    (dump / "near.jsonl").write_text("\n".join(json.dumps(r) for r in near) + "\n")
    config = load_config(write_config(tmp_path / "c.yaml", "executor:\n  batch_docs: 5\nstages: [encoding, boilerplate, dedup]\n"))
    assert runner.final_pass_filters(runner.StageRunner(config))

    def run(name: str) -> tuple[dict, dict]:
        summary = runner.run_pipeline(config, runner.RunOptions(dump, tmp_path / name, workers=1))
        stats = {stage: {k: v for k, v in st.items() if k not in ("seconds", "decide")} for stage, st in summary.stats["stages"].items()}
        return output_digests(tmp_path / name), stats

    fast = run("fast")
    monkeypatch.setattr(runner, "final_pass_filters", lambda _: False)
    general = run("general")
    assert fast == general
    assert fast[1]["dedup"]["docs_in"] > fast[1]["dedup"]["docs_out"], "the dump must hold duplicates"
    assert read_rows(tmp_path / "fast", "spans.parquet"), "kept documents must carry boilerplate spans"


# --- atomic output --------------------------------------------------------------------------


def test_killed_run_leaves_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_clean("run", "-i", "raw", "-o", str(out), "-q", "-c", "config.yaml")
    before = output_digests(out)
    dump = tmp_path / "big"
    dump.mkdir()
    (dump / "many.jsonl").write_text("\n".join(json.dumps({"text": f"Document {i}. " + "Some words here. " * 200}) for i in range(20000)))
    env = {**os.environ}
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", "-i", str(dump), "-o", str(out), "-q", "-c", "config.yaml", "-w", "2"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.staging-*")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert output_digests(out) == before
    deadline = time.time() + 10
    while any(_alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)], "worker processes must not outlive a killed run"
    run_clean("run", "-i", "raw", "-o", str(out), "-q", "-c", "config.yaml")
    assert not list(tmp_path.glob(".out.staging-*")), "the next run cleans up after a killed one"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_refuses_to_replace_a_folder_that_is_not_an_output(tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    proc = run_clean("run", "-i", "raw", "-o", str(precious), "-c", "config.yaml", check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        f"error: output folder {str(precious)!r} holds files cleaner did not write (thesis.tex); refusing to replace it")
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_rerun_into_an_output_holding_the_users_files_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "o1"
    run_clean("run", "-i", "raw", "-o", str(out), "-c", "config.yaml", "-q")
    before = output_digests(out)
    (out / "NOTES.md").write_text("my notes")
    (out / "my_eval").mkdir()
    (out / "my_eval" / "scores.csv").write_text("a,b\n")
    (out / "data" / "extra.parquet").write_bytes(b"not cleaner's")
    proc = run_clean("run", "-i", "raw", "-o", str(out), "-c", "config.yaml", "-q", check=False)
    assert proc.returncode == 1
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"error: output folder {str(out)!r} holds files cleaner did not write")
    for name in ("NOTES.md", "my_eval/", "data/extra.parquet"):
        assert name in first
    assert (out / "NOTES.md").read_text() == "my notes"
    assert (out / "my_eval" / "scores.csv").read_text() == "a,b\n"
    assert (out / "data" / "extra.parquet").read_bytes() == b"not cleaner's"
    (out / "data" / "extra.parquet").unlink()
    assert output_digests(out) == before
    assert not list(tmp_path.glob(".o1.staging-*"))


def test_rerun_replaces_an_output_holding_only_cleaners_files(tmp_path: Path) -> None:
    out = tmp_path / "o2"
    out.mkdir()
    (out / ".gitignore").write_text("# Written by cleaner: the contents of an output folder are not tracked.\n*\n")
    run_clean("run", "-i", "raw", "-o", str(out), "-c", "config.yaml", "-q")
    run_clean("run", "-i", "raw", "-o", str(out), "-c", "config.yaml", "-q", "--limit", "2")
    assert len(read_rows(out, "data")) == 2
    (out / ".gitignore").write_text("*.parquet\n")  # the user's own rules: not cleaner's file any more
    proc = run_clean("run", "-i", "raw", "-o", str(out), "-c", "config.yaml", "-q", check=False)
    assert proc.returncode == 1 and ".gitignore" in proc.stderr.splitlines()[0]
    assert (out / ".gitignore").read_text() == "*.parquet\n"


def test_limit_processes_only_the_first_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_clean("run", "-i", "raw", "-o", str(out), "--limit", "2", "-q", "-c", "config.yaml")
    assert sorted(r["id"] for r in read_rows(out, "data")) == SAMPLES[:2]


def test_dedup_alone_runs_from_a_one_line_config(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    body = (REPO / "raw" / SAMPLES[0]).read_text()
    (dump / "a.txt").write_text(body)
    (dump / "b.txt").write_text(body.replace("Pain can be", "Pain may be"))
    (dump / "c.txt").write_text((REPO / "raw" / SAMPLES[4]).read_text())
    config = write_config(tmp_path / "c.yaml", "stages: [{dedup: {threshold: 0.8}}]\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    assert sorted(r["id"] for r in read_rows(out, "data")) == ["a.txt", "c.txt"]
    [dropped] = read_rows(out, "removed.parquet")
    assert (dropped["id"], dropped["stage"], dropped["duplicate_of"]) == ("b.txt", "dedup", "a.txt")
    stats = json.loads((out / "stats.json").read_text())
    assert list(stats["stages"]) == ["read", "dedup"]


@pytest.mark.parametrize("stages", ["[{dedup: {threshold: 0.8}}]", "[]", "[dedup, encoding]"])
def test_html_and_warc_pages_without_the_html_stage_are_removed_never_written_empty(tmp_path: Path, stages: str) -> None:
    """With no per-document stage before the output (or a global one first), HTML used to
    reach data/ with empty text: the "HTML but no html stage" check ran only inside stages."""
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "a.txt").write_text((REPO / "raw" / SAMPLES[0]).read_text())
    (dump / "page.html").write_bytes(WARC_PAGE.split(b"\r\n\r\n", 1)[1])
    (dump / "crawl.warc").write_bytes(_warc_record(WARC_PAGE, "http://a.example/1"))
    config = write_config(tmp_path / "c.yaml", f"stages: {stages}\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    assert [r["id"] for r in read_rows(out, "data")] == ["a.txt"]
    assert all(r["text"].strip() for r in read_rows(out, "data"))
    removed = {r["source"]: r for r in read_rows(out, "removed.parquet")}
    assert set(removed) == {"page.html", "crawl.warc"}
    assert {r["reason"] for r in removed.values()} == {"html_not_extracted"}
    assert all("html stage is not configured" in r["detail"] for r in removed.values())
    assert_each_record_once(out, {("a.txt", 0), ("page.html", 0), ("crawl.warc", 0)})


# --- metadata ------------------------------------------------------------------------------

PUBLISHED_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<html><head><title>Harbour Reopens</title><meta property="article:published_time" content="2019-05-06T10:00:00Z">'
    b'<meta name="author" content="View all posts by Ana Silva"></head><body><article><h1>Harbour Reopens</h1><p>'
    + b"The harbour reopened on Monday after two years of repairs to its walls and its old crane. " * 8
    + b"</p></article></body></html>"
)


def test_web_archive_page_keeps_its_published_date_apart_from_the_crawl_date(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "crawl.warc").write_bytes(_warc_record(PUBLISHED_PAGE, "http://news.example/harbour"))
    (dump / "page.md").write_text("# Harbour Reopens\n\n" + "The harbour reopened on Monday after two years of repairs. " * 6)
    config = write_config(tmp_path / "c.yaml", "stages: [html, encoding, boilerplate, quality]\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", "1", "-q")
    rows = {r["id"]: r for r in read_rows(out, "data")}
    warc = rows["crawl.warc:0"]
    assert (warc["date"], warc["crawl_date"]) == ("2019-05-06", "2024-01-02T03:04:05Z")
    assert (warc["title"], warc["author"]) == ("Harbour Reopens", "Ana Silva")
    page = rows["page.md"]
    assert (page["title"], page["date"], page["crawl_date"]) == ("Harbour Reopens", None, None)
    shown = run_clean("inspect", "crawl.warc:0", "-o", str(out)).stdout
    assert "date: 2019-05-06" in shown and "crawl_date: 2024-01-02T03:04:05Z" in shown
    assert "author: Ana Silva" in shown
