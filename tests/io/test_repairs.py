"""Unit tests of the repairs made at the reader boundary: escaped file names, lone
surrogates, values Parquet holds and Python cannot, and the salvaging gzip reader."""

from __future__ import annotations

import gzip
import os
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.io.compression import open_with_codec
from cleaner.io.names import escape_name, input_path, unescape_name
from cleaner.io.readers.parquet import batch_rows
from cleaner.io.unicode import printable, replace_surrogates
from cleaner.stages.edits import TextEditor

# --- file names ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b))
def test_escaped_names_are_valid_utf8_and_reversible(raw: bytes) -> None:
    name = os.fsdecode(raw)
    escaped = escape_name(name)
    escaped.encode("utf-8")  # never raises
    assert unescape_name(escaped) == name
    assert os.fsencode(unescape_name(escaped)) == raw


def test_valid_names_are_left_alone_even_with_backslashes() -> None:
    for name in ("page.txt", "café.md", "a\\b.txt", "x\\xe9.txt"):
        assert escape_name(name) == name


def test_input_path_prefers_a_literal_name_and_otherwise_unescapes(tmp_path: Path) -> None:
    literal = tmp_path / "lit\\xe9.txt"
    literal.write_text("x")
    assert input_path(tmp_path, "lit\\xe9.txt") == literal
    real = os.path.join(os.fsencode(tmp_path), b"raw\xe9.txt")
    open(real, "wb").close()
    found = input_path(tmp_path, "raw\\xe9.txt")
    assert os.fsencode(found) == real and found.exists()


# --- lone surrogates ----------------------------------------------------------------------


def test_surrogates_are_replaced_everywhere_in_a_record_and_counted() -> None:
    record = {"text": "a\udc80b", "k\ud800": [{"deep": ["\udfff", 1, None]}], "ok": "é"}
    fixed, count = replace_surrogates(record)
    assert fixed == {"text": "a\ufffdb", "k\ufffd": [{"deep": ["\ufffd", 1, None]}], "ok": "é"}
    assert count == 3
    assert replace_surrogates("plain") == ("plain", 0)


def test_replacing_surrogates_walks_deep_nesting_without_recursion() -> None:
    value: list = ["\udc80"]
    for _ in range(50_000):
        value = [value]
    fixed, count = replace_surrogates(value)
    assert count == 1


def test_printable_escapes_what_utf8_cannot_encode() -> None:
    assert printable("link to '/x/\udce9'") == "link to '/x/\\udce9'"
    assert printable("fine") == "fine"


# --- Parquet values -------------------------------------------------------------------------


def test_a_batch_with_values_python_cannot_hold_keeps_every_row() -> None:
    bad_utf8 = pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(b"\x00\x00\x00\x00\x05\x00\x00\x00\x07\x00\x00\x00"),
                                                      pa.py_buffer(b"caf\xe9!ok")])
    batch = pa.RecordBatch.from_pydict({
        "text": ["one", "two"],
        "when": pa.array([10**12, 0], pa.timestamp("s")),
        "day": pa.array([2**31 - 1, 1], pa.date32()),
        "label": bad_utf8,
    })
    notes: Counter[str] = Counter()
    rows = batch_rows(batch, notes)
    assert rows == [
        {"text": "one", "when": None, "day": None, "label": "café!"},
        {"text": "two", "when": "1970-01-01T00:00:00", "day": "1970-01-02", "label": "ok"},
    ]
    assert notes == {"dates_out_of_range": 2, "invalid_utf8_strings": 1}


def test_a_plain_batch_converts_at_once_without_notes() -> None:
    notes: Counter[str] = Counter()
    assert batch_rows(pa.RecordBatch.from_pydict({"text": ["a"], "n": [1]}), notes) == [{"text": "a", "n": 1}]
    assert not notes


# --- gzip salvage ---------------------------------------------------------------------------


def test_multi_member_gzip_with_zero_padding_reads_whole(tmp_path: Path) -> None:
    parts = [os.urandom(50_000).hex().encode() for _ in range(4)]
    path = tmp_path / "m.gz"
    path.write_bytes(b"".join(gzip.compress(p) for p in parts) + b"\x00" * 10)
    with open_with_codec(path, "gzip") as stream:
        assert stream.read() == b"".join(parts)


def test_truncated_gzip_hands_out_what_was_decoded_then_raises(tmp_path: Path) -> None:
    data = b"".join(b"line %d\n" % i for i in range(200_000))
    packed = gzip.compress(data)
    path = tmp_path / "t.gz"
    path.write_bytes(packed[: len(packed) // 2])
    lines = []
    with open_with_codec(path, "gzip") as stream, pytest.raises(EOFError):
        for line in stream:
            lines.append(line)
    assert len(lines) > 50_000 and data.startswith(b"".join(lines))


# --- whitespace tidying is linear -------------------------------------------------------------


def test_tidying_a_long_run_of_blanks_inside_a_line_is_linear() -> None:
    """The fuzzed-hang page: 200,000 tabs and spaces followed by text, not by a newline."""
    text = "Title\n\n" + "\t " * 20_000 + "text after the run\nend  \n"  # 36 s before the fix
    editor = TextEditor(text, "boilerplate")
    started = time.perf_counter()
    editor.tidy()
    assert time.perf_counter() - started < 2
    assert editor.text == "Title\n\n" + "\t " * 20_000 + "text after the run\nend"
