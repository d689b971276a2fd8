"""decode_bytes: golden cases (tests/io/data/decode_cases.json), binary refusal, invariants.

The invariant that matters most: decoding never loses a byte silently. Whatever encoding
is chosen, encoding the text back gives the input (minus a BOM and a character cut off at
the end, both reported), and U+FFFD never appears unless the input had it.
"""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.errors import RecordError
from cleaner.io.decode import (
    HTML_PRESCAN_BYTES,
    Decoded,
    decode_bytes,
    looks_binary,
    normalize_charset,
    sniff_html_charset,
)

CASES = json.loads((Path(__file__).parent / "data" / "decode_cases.json").read_text(encoding="utf-8"))
REPLACEMENT = "\ufffd"
# Codecs whose encode(decode(b)) == b for every byte string they decode.
ROUND_TRIP_CODECS = {"ascii", "utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252",
                     "iso8859-1", "cp1250", "cp1251", "cp1254", "koi8-r", "iso8859-2", "gb18030"}


def case_bytes(case: dict[str, Any]) -> bytes:
    """The input bytes a golden case describes."""
    encoding = case["encode_as"]
    data = (
        bytes.fromhex(case.get("prefix_hex", ""))
        + case["text"].encode(encoding)
        + bytes.fromhex(case.get("suffix_hex", ""))
        + case.get("suffix_text", "").encode(encoding)
    )
    return data[: len(data) - case.get("cut", 0)]


def golden_params() -> list[Any]:
    """One param per case; a known gap (`xfail`) must keep failing, so a fix is noticed."""
    def marks(case: dict[str, Any]) -> list[pytest.MarkDecorator]:
        if "xfail" not in case:
            return []
        return [pytest.mark.xfail(reason=case["xfail"], strict=True, raises=AssertionError)]

    return [pytest.param(case, id=case["name"], marks=marks(case)) for case in CASES["cases"]]


@pytest.mark.parametrize("case", golden_params())
def test_golden_case(case: dict[str, Any]) -> None:
    data = case_bytes(case)
    decoded = decode_bytes(data, case.get("declared"), html=case.get("html", False))
    assert decoded.text == case.get("expect_text", case["text"])
    assert decoded.encoding == case["expect_encoding"]
    if "expect_method" in case:
        assert decoded.method == case["expect_method"]
    assert decoded.cut_bytes == case.get("expect_cut_bytes", 0)
    assert (REPLACEMENT in decoded.text) == (b"\xef\xbf\xbd" in data)


@pytest.mark.parametrize("case", CASES["binary"], ids=[case["name"] for case in CASES["binary"]])
def test_binary_content_is_refused_with_its_kind(case: dict[str, str]) -> None:
    data = bytes.fromhex(case["hex"])
    assert case["expect"] in (looks_binary(data) or "")
    with pytest.raises(RecordError, match=rf"^binary content \({case['expect']}.*\), not text$"):
        decode_bytes(data)


def test_random_bytes_are_binary() -> None:
    data = random.Random(20240601).randbytes(4096)
    with pytest.raises(RecordError, match="binary content .*control bytes"):
        decode_bytes(data, "utf-8", html=True)


def test_text_with_a_stray_nul_is_still_text() -> None:
    decoded = decode_bytes(b"hello\x00world, plain text with one NUL byte")
    assert decoded.text == "hello\x00world, plain text with one NUL byte"
    assert looks_binary(b"hello\x00world") is None


def test_empty_input() -> None:
    assert decode_bytes(b"") == Decoded("", "ascii", "empty")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<html><head><meta charset="UTF-8">', "utf-8"),
        (b"<meta charset=iso-8859-1>", "cp1252"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=EUC-JP'>", "euc_jp"),
        (b'<meta content="text/html; charset=gb2312" http-equiv="Content-Type">', "gb18030"),
        (b'<?xml version="1.0" encoding="Shift_JIS"?><html>', "cp932"),
        (b'<meta charset="utf-16">', "utf-8"),  # an ASCII-readable page is not UTF-16
        (b"<!-- <meta charset=koi8-r> --><meta charset=windows-1251>", "cp1251"),
        (b'<meta name="description" content="charset-free">', None),
        (b'<meta charset="no-such-charset">', None),
        (b" " * HTML_PRESCAN_BYTES + b'<meta charset="koi8-r">', None),  # beyond the prescan
    ],
)
def test_sniff_html_charset(head: bytes, expected: str | None) -> None:
    assert sniff_html_charset(head) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("US-ASCII", "cp1252"),
        (' "windows-1252" ', "cp1252"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("EUC-KR", "cp949"),
        ("big5", "big5hkscs"),
        ("utf8", "utf-8"),
        ("koi8-r", "koi8-r"),
        ("bogus", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, expected: str | None) -> None:
    assert normalize_charset(label) == expected


def test_header_charset_tried_before_meta() -> None:
    page = '<meta charset="windows-1251"><p>Привет</p>'.encode("koi8-r")
    decoded = decode_bytes(page, "koi8-r", html=True)
    assert (decoded.text, decoded.method) == ('<meta charset="windows-1251"><p>Привет</p>', "declared")


def test_meta_ignored_for_plain_text() -> None:
    page = '<meta charset="koi8-r"> Привет, это проверка кодировки текста.'.encode("cp1251")
    assert decode_bytes(page, html=False).method != "meta"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=300))
def test_utf8_text_round_trips_exactly(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding in ("ascii", "utf-8")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_or_decoded_without_loss(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except RecordError as exc:
        assert str(exc).startswith("binary content (")
        return
    assert (REPLACEMENT in decoded.text) == (b"\xef\xbf\xbd" in data) or decoded.encoding not in ("utf-8", "ascii")
    if decoded.method == "bom" or decoded.encoding not in ROUND_TRIP_CODECS:
        return
    kept = data[: len(data) - decoded.cut_bytes]
    assert decoded.text.encode(decoded.encoding) == kept
    assert codecs.lookup(decoded.encoding).name == decoded.encoding
