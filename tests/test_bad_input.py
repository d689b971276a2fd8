"""Bad input that used to end the whole run (issue 13): each case runs the real `clean` over
an earlier output and checks the exit code, that no traceback is printed, that every
readable record is accounted for exactly once, and what happens to the earlier output (a
finished run replaces it; a refused one leaves it as it was).

Damaged compressed files, lone surrogates in JSON, Parquet dates Python cannot hold, file
names that are not UTF-8, a page that hung a worker, and hostile configs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.config import parse_config
from cleaner.document import Document, ReadFailure
from cleaner.io.discover import InputFile
from cleaner.io.readers import read_file
from tests.faults import (
    FIXTURES,
    assert_clean_exit,
    assert_committed,
    assert_previous_intact,
    errors_by_key,
    previous_output,
    write_stage_config,
)
from tests.helpers import read_rows, run_clean


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is absent")
    return FIXTURES


def lines_of(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def story(i: int) -> str:
    return f"Entry {i}: the ferry left the harbour at dawn and crossed the bay while the gulls followed it, number {i}."


# --- damaged compressed files -----------------------------------------------------------------


def test_damaged_gzip_keeps_every_record_before_the_damage_and_the_run_goes_on(tmp_path: Path, fixtures: Path) -> None:
    """A shard whose first gzip member is sound (600 records, ~75 KB) and whose second is the
    fixture's "invalid distance too far back" damage: all 600 records are kept (Python's
    gzip module inflates 128 KB per step and would lose every one of them), the damage is
    one error row, and the fixtures on their own are one error row each."""
    out, _ = previous_output(tmp_path)
    dump = tmp_path / "dump"
    dump.mkdir()
    sound = [{"id": f"s{i}", "text": story(i)} for i in range(600)]
    damaged = (fixtures / "gzip-invalid-distance.jsonl.gz").read_bytes()
    (dump / "shard.jsonl.gz").write_bytes(gzip.compress(lines_of(sound)) + damaged)
    shutil.copy(fixtures / "gzip-invalid-distance.jsonl.gz", dump)
    shutil.copy(fixtures / "fuzzed-bad-distance.md.gz", dump)
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-w", "1", "-q",
                     "-c", str(write_stage_config(tmp_path, "encoding")), check=False)
    assert_clean_exit(proc, 0)
    expected = {("shard.jsonl.gz", i) for i in range(601)} | {("gzip-invalid-distance.jsonl.gz", 0), ("fuzzed-bad-distance.md.gz", 0)}
    assert_committed(out, expected)
    kept = {r["id"]: r["text"] for r in read_rows(out, "data")}
    assert kept == {r["id"]: r["text"] for r in sound}
    errors = errors_by_key(out)
    assert set(errors) == expected - {("shard.jsonl.gz", i) for i in range(600)}
    for row in errors.values():
        assert row["stage"] == "read"
        assert "invalid distance too far back" in row["error"], row
    assert errors[("shard.jsonl.gz", 600)]["error"].startswith("truncated or corrupt compressed stream after record 599")


def test_a_damaged_gzip_member_gives_every_byte_zlib_can_decode(tmp_path: Path) -> None:
    """Reader level: damage in the middle of one large member. The records read are exactly
    the complete lines of what zlib decodes before it fails, fed one byte at a time (an
    independent reference), then one error row at the next record."""
    records = [{"id": i, "text": story(i) * 3} for i in range(3000)]
    packed = bytearray(gzip.compress(lines_of(records)))
    reference = b""
    for spot in range(len(packed) // 2, len(packed)):  # the first spot that makes zlib fail
        broken = bytes(packed[:spot]) + bytes([packed[spot] ^ 0xFF]) + bytes(packed[spot + 1:])
        reference = _inflate_until_error(broken)
        if reference is not None:
            break
    assert reference is not None and reference.count(b"\n") > 1000
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(broken)
    settings = parse_config({"stages": []}, "test").readers
    items = list(read_file(InputFile(path, path.name, path.stat().st_size), settings))
    complete = reference[: reference.rfind(b"\n") + 1].splitlines()
    docs = [i for i in items if isinstance(i, Document)]
    good = [json.loads(line) for line in complete if _is_json(line)]
    assert [d.text for d in docs] == [g["text"] for g in good if isinstance(g, dict) and "text" in g]
    assert isinstance(items[-1], ReadFailure) and items[-1].record == len(complete)
    assert "truncated or corrupt compressed stream" in items[-1].error


def _inflate_until_error(data: bytes) -> bytes | None:
    """What zlib outputs for `data` fed one byte at a time, if it fails somewhere; else None."""
    inflater = zlib.decompressobj(31)
    out = bytearray()
    for i in range(len(data)):
        try:
            out += inflater.decompress(data[i:i + 1])
        except zlib.error:
            return bytes(out)
    return None


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def test_the_page_that_hung_a_worker_finishes_in_bounded_time(tmp_path: Path, fixtures: Path) -> None:
    """fuzzed-hang.txt.bz2 (a real page with 200,000 alternating tabs and spaces spliced in)
    kept one worker busy for over 120 s: the boilerplate stage's trailing-space regex was
    quadratic in a run of blanks not followed by a newline. Now the whole run takes seconds."""
    out, _ = previous_output(tmp_path)
    dump = tmp_path / "dump"
    dump.mkdir()
    shutil.copy(fixtures / "fuzzed-hang.txt.bz2", dump)
    started = time.monotonic()
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-w", "1", "-q", "-c", "config.yaml", check=False)
    elapsed = time.monotonic() - started
    assert_clean_exit(proc, 0)
    stats = assert_committed(out, {("fuzzed-hang.txt.bz2", 0)})
    assert elapsed < 60, elapsed
    assert stats["stages"]["boilerplate"]["seconds"] < 10, stats["stages"]["boilerplate"]
    [row] = read_rows(out, "data")
    assert row["text"].startswith("5 Amazing Benefits of Taking Magnesium")


# --- text that UTF-8 cannot encode ------------------------------------------------------------


SURROGATE_RECORDS = [
    # what json.dumps writes for strings decoded with surrogateescape: lone surrogates
    {"id": "s1", "text": "caf\udce9 au lait " + story(1), "url": "http://example.com/\udcff", "title": "T\udc80tle",
     "author": "Ren\udce9", "tag": "x\udc81", "k\udc82": 1, "nested": {"list": ["\udc83", "ok"]}},
    {"id": "s2\ud800", "text": story(2)},
    {"id": "s3", "text": "a real pair stays: \U0001F600 " + story(3)},
]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_lone_surrogates_in_any_field_are_replaced_and_counted(tmp_path: Path, workers: str) -> None:
    out, _ = previous_output(tmp_path)
    dump = tmp_path / "surrogates.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in SURROGATE_RECORDS))  # ensure_ascii: \\udce9 escapes
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-w", workers, "-q",
                     "-c", str(write_stage_config(tmp_path, "encoding", "readers: {title_field: title, author_field: author}\n")),
                     check=False)
    assert_clean_exit(proc, 0)
    stats = assert_committed(out, {("surrogates.jsonl", i) for i in range(3)})
    rows = {r["id"]: r for r in read_rows(out, "data")}
    assert set(rows) == {"s1", "s2\ufffd", "s3"}
    first = rows["s1"]
    assert first["text"] == "caf\ufffd au lait " + story(1)
    assert (first["url"], first["title"], first["author"]) == ("http://example.com/\ufffd", "T\ufffdtle", "Ren\ufffd")
    assert json.loads(first["metadata"]) == {"tag": "x\ufffd", "k\ufffd": 1, "nested": {"list": ["\ufffd", "ok"]}}
    assert rows["s3"]["text"] == "a real pair stays: \U0001F600 " + story(3)
    assert stats["stages"]["read"]["counts"]["lone_surrogates"] == 8  # seven in s1, one in the id of s2


# --- Parquet values Python cannot hold -------------------------------------------------------


def test_parquet_dates_out_of_range_become_null_and_are_counted(tmp_path: Path) -> None:
    out, _ = previous_output(tmp_path)
    dump = tmp_path / "pages.parquet"
    table = pa.table({
        "id": ["p0", "p1", "p2"],
        "text": [story(0), story(1), story(2)],
        "date": pa.array([10**12, 1_600_000_000, None], pa.timestamp("s")),  # 10^12 s: year 33658
        "archived": pa.array([2**31 - 1, 18_000, 0], pa.date32()),  # 2^31-1 days: far past 9999
    })
    pq.write_table(table, dump)
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-w", "1", "-q",
                     "-c", str(write_stage_config(tmp_path, "encoding")), check=False)
    assert_clean_exit(proc, 0)
    stats = assert_committed(out, {("pages.parquet", i) for i in range(3)})
    rows = {r["id"]: r for r in read_rows(out, "data")}
    assert [rows[i]["date"] for i in ("p0", "p1", "p2")] == [None, "2020-09-13T12:26:40", None]
    assert [json.loads(rows[i]["metadata"])["archived"] for i in ("p0", "p1", "p2")] == [None, "2019-04-14", "1970-01-01"]
    assert stats["stages"]["read"]["counts"]["dates_out_of_range"] == 2


# --- file names that are not UTF-8 -------------------------------------------------------------


def test_file_names_that_are_not_utf8_are_escaped_reversibly_and_inspect_finds_them(tmp_path: Path) -> None:
    out, _ = previous_output(tmp_path)
    dump = tmp_path / "dump"
    dump.mkdir()
    latin1 = os.path.join(os.fsencode(dump), b"latin1_\xe9\xe8.txt")
    with open(latin1, "wb") as sink:
        sink.write(story(7).encode())
    (dump / "plain.txt").write_text(story(8))
    proc = run_clean("run", "-i", str(dump), "-o", str(out), "-w", "1", "-q",
                     "-c", str(write_stage_config(tmp_path, "encoding")), check=False)
    assert_clean_exit(proc, 0)
    escaped = "latin1_\\xe9\\xe8.txt"
    assert_committed(out, {(escaped, 0), ("plain.txt", 0)})
    assert {r["id"] for r in read_rows(out, "data")} == {escaped, "plain.txt"}
    shown = run_clean("inspect", escaped, "-o", str(out), check=False)
    assert_clean_exit(shown, 0)
    assert "as read from" in shown.stdout and "the ferry left the harbour" in shown.stdout, shown.stdout


# --- hostile configs ---------------------------------------------------------------------------


def alias_bomb() -> str:
    """Nine lists, each of nine aliases of the previous one: 9^9 = 387 million strings."""
    lists = ["&a [" + ", ".join(["x"] * 9) + "]"]
    lists += [f"&{b} [" + ", ".join([f"*{a}"] * 9) + "]" for a, b in zip("abcdefgh", "bcdefghi")]
    return "readers: {text_field: [" + ", ".join(lists) + "]}\nstages: [quality]\n"


@pytest.mark.parametrize("command", ["run", "config"])
def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path, command: str) -> None:
    out, before = previous_output(tmp_path)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    args = ("run", "-i", str(tmp_path / "earlier.jsonl"), "-o", str(out), "-c", str(bomb)) if command == "run" else ("config", "--check", str(bomb))
    started = time.monotonic()
    proc = run_clean(*args, check=False)
    assert time.monotonic() - started < 20
    assert_clean_exit(proc, 2)
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert "YAML aliases expand to more than 10,000 values; refused" in line
    assert_previous_intact(out, before)


def test_a_config_error_shows_only_a_short_prefix_of_a_huge_value(tmp_path: Path) -> None:
    out, before = previous_output(tmp_path)
    config = tmp_path / "long.yaml"
    config.write_text("readers: {text_field: [" + ", ".join(f'"{"v" * 50}{i}"' for i in range(5000)) + "]}\nstages: [quality]\n")
    proc = run_clean("run", "-i", str(tmp_path / "earlier.jsonl"), "-o", str(out), "-c", str(config), check=False)
    assert_clean_exit(proc, 2)
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: readers.text_field: ['vvvv") and "has the wrong type; expected a string" in line
    assert len(line) < 160, line
    assert_previous_intact(out, before)
