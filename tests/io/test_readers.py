"""Readers on real and constructed files: every record comes out once, in order, as a
document, a skip or a failure with a clear message."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.config import parse_config
from cleaner.document import Document, ReadFailure, ReadSkip
from cleaner.io.discover import InputFile, discover
from cleaner.io.readers import file_format, read_file

SETTINGS = parse_config({"stages": []}, "test").readers


def items_of(path: Path, settings=SETTINGS) -> list:
    return list(read_file(InputFile(path, path.name, path.stat().st_size), settings))


def docs_of(items: list) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def jsonl(path: Path, records: list, raw_lines: list[bytes] = ()) -> Path:
    lines = [json.dumps(r).encode() for r in records] + list(raw_lines)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


# --- plain text and HTML ---------------------------------------------------------------


def test_text_file_is_one_document_with_its_exact_text(tmp_path: Path) -> None:
    text = "Title\n\nBody with “quotes” and café.\n"
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = items_of(path)
    assert (doc.id, doc.source, doc.record, doc.text, doc.html) == ("page.txt", "page.txt", 0, text, None)


def test_html_file_waits_for_extraction(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>Hello</p></body></html>")
    [doc] = items_of(path)
    assert doc.text == "" and doc.html.startswith("<html>")


def test_cp1252_text_is_decoded_without_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Smart “quotes” – and a café.".encode("cp1252"))
    [doc] = items_of(path)
    assert doc.text == "Smart “quotes” – and a café."
    assert "\ufffd" not in doc.text


def test_empty_file_is_removed_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    [skip] = items_of(path)
    assert isinstance(skip, ReadSkip) and (skip.reason, skip.detail) == ("empty", "the file is empty")


def test_binary_file_is_removed_with_a_reason_not_an_error(tmp_path: Path) -> None:
    """A PNG is no more a read failure as a file than it is inside a WARC (`non_text`)."""
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    [skip] = items_of(path)
    assert isinstance(skip, ReadSkip) and (skip.id, skip.record, skip.reason) == ("image.txt", 0, "non_text")
    assert skip.detail == "binary content (PNG image), not text"


def test_oversized_single_document_is_refused_without_loading(tmp_path: Path) -> None:
    settings = parse_config({"stages": [], "readers": {"max_record_mb": 0.001}}, "t").readers
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    [failure] = items_of(path, settings)
    assert failure.error == "file is larger than readers.max_record_mb (0.001 MB); not loaded"


# --- JSON Lines ----------------------------------------------------------------------


def test_jsonl_maps_fields_and_keeps_the_rest_as_metadata(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [
        {"id": "x1", "text": "first", "url": "http://a", "rating": 7},
        {"text": "second", "title": "T"},
    ])  # fmt: skip
    first, second = items_of(path)
    assert (first.id, first.url, first.metadata) == ("x1", "http://a", {"rating": 7})
    assert (second.id, second.record, second.title) == ("a.jsonl:1", 1, "T")


def test_jsonl_published_and_crawl_dates_are_two_fields(tmp_path: Path) -> None:
    record = {"text": "t", "date": "2019-05-06", "crawl_date": "2024-01-02T03:04:05Z", "fetched": "2023-12-31"}
    [doc] = items_of(jsonl(tmp_path / "a.jsonl", [record]))
    assert (doc.date, doc.crawl_date, doc.metadata) == ("2019-05-06", "2024-01-02T03:04:05Z", {"fetched": "2023-12-31"})
    settings = parse_config({"stages": [], "readers": {"crawl_date_field": "fetched"}}, "t").readers
    [doc] = items_of(jsonl(tmp_path / "b.jsonl", [record]), settings)
    assert (doc.date, doc.crawl_date, doc.metadata) == ("2019-05-06", "2023-12-31", {"crawl_date": "2024-01-02T03:04:05Z"})
    settings = parse_config({"stages": [], "readers": {"crawl_date_field": None}}, "t").readers
    [doc] = items_of(jsonl(tmp_path / "c.jsonl", [record]), settings)
    assert doc.crawl_date is None and doc.metadata["crawl_date"] == "2024-01-02T03:04:05Z"


def test_jsonl_field_names_come_from_config(tmp_path: Path) -> None:
    settings = parse_config({"stages": [], "readers": {"text_field": "body", "id_field": "key"}}, "t").readers
    path = jsonl(tmp_path / "a.jsonl", [{"key": 5, "body": "hello"}])
    [doc] = items_of(path, settings)
    assert (doc.id, doc.text) == ("5", "hello")


def test_dotted_field_paths_reach_into_nested_objects(tmp_path: Path) -> None:
    """dolma writes the url as metadata.url: it used to be accepted and to yield null."""
    settings = parse_config({"readers": {"url_field": "metadata.url", "text_field": "content.body",
                                         "id_field": "metadata.ids.own"}}, "t").readers
    path = jsonl(tmp_path / "a.jsonl", [
        {"content": {"body": "nested text"}, "metadata": {"url": "http://a/1", "lang": "en", "ids": {"own": "d1"}}},
        {"content.body": "a flat key wins", "content": {"body": "not this"}, "metadata": {"url": None}},
        {"content": "not an object", "metadata": {}},
    ])  # fmt: skip
    first, second, third = items_of(path, settings)
    assert (first.id, first.text, first.url) == ("d1", "nested text", "http://a/1")
    assert first.metadata == {"metadata": {"lang": "en"}}, "mapped leaves leave the metadata, their siblings stay"
    assert (second.id, second.text, second.url) == ("a.jsonl:1", "a flat key wins", None)
    assert second.metadata == {"content": {"body": "not this"}}
    assert isinstance(third, ReadFailure) and "has no 'content.body' or 'html' field" in third.error


def test_dotted_field_paths_reach_into_parquet_struct_columns(tmp_path: Path) -> None:
    settings = parse_config({"readers": {"url_field": "meta.url", "title_field": "meta.page.title"}}, "t").readers
    path = tmp_path / "rows.parquet"
    meta = pa.array([{"url": "http://a", "page": {"title": "A"}}, {"url": None, "page": {"title": None}}])
    pq.write_table(pa.table({"text": ["one", "two"], "meta": meta}), path)
    one, two = items_of(path, settings)
    assert (one.url, one.title, two.url, two.title) == ("http://a", "A", None, None)


def test_jsonl_record_with_html_goes_to_extraction(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"html": "<p>hi</p>", "text": "ignored"}])
    [doc] = items_of(path)
    assert doc.html == "<p>hi</p>" and doc.text == ""


def test_jsonl_bad_lines_become_errors_and_good_lines_survive(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "bad.jsonl", [{"text": "ok 0"}], raw_lines=[
        b'{"text": "broken',
        b'{"body": "no text field"}',
        b"",
        b'["a", "list"]',
        b'{"text": "bad utf8 \xff"}',
        b'{"text": 12.5}',
        b'{"text": {"nested": 1}}',
        b'{"text": "ok 7"}',
    ])  # fmt: skip
    items = items_of(path)
    assert [type(i).__name__ for i in items] == ["Document"] + ["ReadFailure"] * 3 + ["ReadFailure", "Document", "ReadFailure", "Document"]
    errors = {i.record: i.error for i in items if isinstance(i, ReadFailure)}
    assert errors[1].startswith("invalid JSON: Unterminated string")
    assert errors[2] == "record has no 'text' or 'html' field (fields: body); set readers.text_field"
    assert errors[3] == "record is a JSON list, not an object"
    assert errors[4] == "line is not valid UTF-8 (byte 19); JSON Lines must be UTF-8"
    assert errors[6] == "field 'text' is a dict, not a string"
    assert [d.record for d in docs_of(items)] == [0, 5, 7]


def test_jsonl_huge_line_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    settings = parse_config({"stages": [], "readers": {"max_record_mb": 0.01}}, "t").readers
    huge = json.dumps({"text": "x" * 50_000}).encode()
    path = jsonl(tmp_path / "a.jsonl", [{"text": "before"}], raw_lines=[huge, json.dumps({"text": "after"}).encode()])
    before, failure, after = items_of(path, settings)
    assert (before.text, after.text, after.record) == ("before", "after", 2)
    assert failure.record == 1 and "larger than readers.max_record_mb" in failure.error


def test_jsonl_empty_text_is_removed_not_lost(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"id": "e", "text": "   "}])
    [skip] = items_of(path)
    assert isinstance(skip, ReadSkip) and (skip.id, skip.reason) == ("e", "empty")


def test_jsonl_null_text_is_an_empty_record_not_a_missing_field(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"id": "n", "text": None}, {"id": "m", "text": None, "html": None}, {"body": "x"}])
    null, both, missing = items_of(path)
    assert isinstance(null, ReadSkip) and (null.id, null.reason) == ("n", "empty")
    assert isinstance(both, ReadSkip) and (both.id, both.reason) == ("m", "empty")
    assert isinstance(missing, ReadFailure) and "has no 'text' or 'html' field" in missing.error


# --- compression -------------------------------------------------------------------------

RECORDS = [{"text": f"document number {i}"} for i in range(50)]


@pytest.mark.parametrize("suffix, compress", [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress), (".zst", None),
])  # fmt: skip
def test_compressed_jsonl_is_read_transparently(tmp_path: Path, suffix: str, compress) -> None:
    plain = jsonl(tmp_path / "plain.jsonl", RECORDS)
    path = tmp_path / f"docs.jsonl{suffix}"
    if compress is None:
        subprocess.run(["zstd", "-q", "-f", str(plain), "-o", str(path)], check=True)
    else:
        path.write_bytes(compress(plain.read_bytes()))
    assert [d.text for d in docs_of(items_of(path))] == [r["text"] for r in RECORDS]


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path: Path) -> None:
    data = gzip.compress(b"\n".join(json.dumps(r).encode() for r in RECORDS * 40))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = items_of(path)
    docs, failure = docs_of(items), items[-1]
    assert isinstance(failure, ReadFailure) and len(docs) > 10
    assert failure.record == docs[-1].record + 1
    assert failure.error.startswith(f"truncated or corrupt compressed stream after record {docs[-1].record}")


def test_gzip_named_html_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(b"<!DOCTYPE html><html><body><p>x</p></body></html>"))
    [doc] = items_of(path)
    assert doc.html.startswith("<!DOCTYPE html>")


# --- format sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, expected", [
    ("a.txt", b"<!doctype html><html><p>x</p></html>", "html"),
    ("a.txt", b"Plain words {not json}", "text"),
    ("a.dat", b'{"text": "x"}\n', "jsonl"),
    ("a.jsonl", b"WARC/1.0\r\n", "webarchive"),
    ("a.html", b"just text, no markup", "html"),
    ("a.parquet", b"not parquet at all", "text"),
])  # fmt: skip
def test_format_is_sniffed_where_the_extension_lies(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert file_format(InputFile(path, name, len(content))) == expected


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_rows_are_documents(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": ["a", "b", None], "text": ["one", None, "three"], "lang": ["en", "de", "fr"]}), path)
    items = items_of(path)
    assert [type(i).__name__ for i in items] == ["Document", "ReadSkip", "Document"]
    assert (items[0].id, items[0].metadata, items[2].id) == ("a", {"lang": "en"}, "rows.parquet:2")
    assert (items[1].id, items[1].reason) == ("b", "empty")  # a null text is an empty record


def test_parquet_binary_columns_are_decoded_like_files(tmp_path: Path) -> None:
    """Crawl exports keep raw HTML as bytes; it used to be `field 'html' is a bytes, not a string`."""
    path = tmp_path / "pages.parquet"
    html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 \u201cquoted\u201d</p></body></html>'
    table = pa.table({
        "html": pa.array([html.encode("cp1252"), None, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8], pa.binary()),
        "text": pa.array([None, "Stra\u00dfe".encode("utf-8"), None], pa.binary()),
    })  # fmt: skip
    pq.write_table(table, path)
    page, text, image = items_of(path)
    assert isinstance(page, Document) and page.html == html
    assert isinstance(text, Document) and (text.text, text.html) == ("Stra\u00dfe", None)
    assert isinstance(image, ReadSkip) and (image.reason, image.detail) == ("non_text", "field 'html': binary content (PNG image), not text")


def test_gzipped_parquet_is_read(tmp_path: Path) -> None:
    plain = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"text": ["one", "two"]}), plain)
    path = tmp_path / "rows.parquet.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert [d.text for d in docs_of(items_of(path))] == ["one", "two"]


def test_corrupt_parquet_is_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"text": ["one"] * 100}), good)
    path.write_bytes(good.read_bytes()[:200] + b"PAR1")
    [failure] = items_of(path)
    assert isinstance(failure, ReadFailure) and failure.error.startswith("unreadable Parquet")


# --- discovery -------------------------------------------------------------------------------


def test_discovery_is_sorted_recursive_and_stays_inside(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "b" / "c.txt").write_text("c")
    (root / ".hidden.txt").write_text("h")
    outside = tmp_path / "secret.txt"
    outside.write_text("s")
    (root / "link.txt").symlink_to(outside)
    (root / "inner.txt").symlink_to(root / "a.txt")
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    files, refused = discover(root)
    assert [f.source for f in files] == ["a.txt", "b/c.txt", "inner.txt"]
    # links that are not followed are removals with a reason, not read failures
    assert all(isinstance(r, ReadSkip) for r in refused)
    assert [(r.source, r.record, r.reason) for r in refused] == [("dangling.txt", 0, "broken_link"), ("link.txt", 0, "link_outside_input")]
    assert refused[1].detail == f"symbolic link to {str(outside)!r} outside the input folder; not followed"


# --- real pages ---------------------------------------------------------------------------


def test_real_scrapinghub_pages_are_read_as_html(shared_data: Path) -> None:
    pages = sorted((shared_data / "scrapinghub-aeb" / "html").glob("*.html.gz"))
    assert len(pages) == 181
    for page in pages:
        [doc] = items_of(page)
        assert isinstance(doc, Document), (page.name, doc)
        replacement_chars = gzip.decompress(page.read_bytes()).count("\ufffd".encode())
        assert "<" in doc.html and doc.html.count("\ufffd") == replacement_chars, page.name


@pytest.mark.parametrize("name, documents, skipped, failures", [
    ("cc-whirlwind-whirlwind.warc.gz", 1, 0, 0),
    ("cc-whirlwind-whirlwind.warc.wet.gz", 1, 0, 0),
    ("cc-whirlwind-whirlwind.warc.wat.gz", 0, 0, 0),
    ("copycat-cc-small-sample-1213893279526_0.arc.gz", 125, 20, 0),
    ("copycat-cc-small-sample-1262850551027_8.arc.gz", 8, 0, 0),
    ("dolma-sample-0000.warc.gz", 22, 0, 0),
    ("dolma-sample-0001.warc.gz", 15, 0, 0),
    ("resiliparse-cc-2020-08-sample.warc.gz", 16, 0, 0),
    ("resiliparse-clueweb09-quirk.warc.gz", 29, 0, 0),
])  # fmt: skip
def test_real_web_archives(shared_data: Path, name: str, documents: int, skipped: int, failures: int) -> None:
    items = items_of(shared_data / "warc-samples" / name)
    docs = docs_of(items)
    assert len(docs) == documents
    assert sum(isinstance(i, ReadSkip) for i in items) == skipped
    assert sum(isinstance(i, ReadFailure) for i in items) == failures
    assert len({d.id for d in docs}) == len(docs)
    for doc in docs:
        assert doc.url and (doc.html or doc.text)
    if name.endswith(".wet.gz"):
        assert docs[0].html is None and len(docs[0].text.split()) > 50
    if name == "cc-whirlwind-whirlwind.warc.gz":
        assert docs[0].url == "https://an.wikipedia.org/wiki/Escopete" and docs[0].crawl_date.startswith("2024-")
        assert all(doc.date is None for doc in docs)  # a capture date is no publication date


def test_warc_skips_non_html_with_a_reason(shared_data: Path) -> None:
    items = items_of(shared_data / "warc-samples" / "copycat-cc-small-sample-1213893279526_0.arc.gz")
    reasons = Counter((i.reason, i.detail) for i in items if isinstance(i, ReadSkip))
    assert reasons == {
        ("non_html", "non-HTML response (application/pdf)"): 6,
        ("http_status", "HTTP 404 response"): 5,
        ("http_status", "HTTP 302 response"): 3,
        ("http_status", "HTTP 406 response"): 3,
        ("http_status", "HTTP 301 response"): 3,
    }


def test_every_web_archive_record_kind_is_identified_by_its_warc_record_id(tmp_path: Path) -> None:
    """Revisits, non-HTML responses and error pages are removals; their ids used to be positional."""
    from tests.io.test_warc import http_response, response, warc_record

    def rid(n: int) -> str:
        return f"WARC-Record-ID: <urn:uuid:0000000{n}-aaaa-bbbb-cccc-dddddddddddd>"

    path = tmp_path / "crawl.warc"
    path.write_bytes(
        response(0, extra=(rid(0),))
        + warc_record("revisit", http_response(b""), url="https://example.com/r", extra=(rid(1),))
        + warc_record("response", http_response(b"\x89PNG\r\n", "Content-Type: image/png"), url="https://example.com/i", extra=(rid(2),))
        + warc_record("response", http_response(b"gone", "Content-Type: text/html", status="404 Not Found"), url="https://example.com/g", extra=(rid(3),))
        + warc_record("resource", b"\x00\x01", url="https://example.com/b", content_type="application/octet-stream", extra=(rid(4),))
        + warc_record("revisit", http_response(b""), url="https://example.com/n")  # no WARC-Record-ID: positional
    )
    items = items_of(path)
    assert [type(i).__name__ for i in items] == ["Document"] + ["ReadSkip"] * 5
    assert [i.id for i in items] == [f"urn:uuid:0000000{n}-aaaa-bbbb-cccc-dddddddddddd" for n in range(5)] + ["crawl.warc:5"]
    assert [i.reason for i in items[1:]] == ["revisit", "non_html", "http_status", "non_text", "revisit"]
