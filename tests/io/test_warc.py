"""The WARC/ARC parser on real archives (../shared/data/warc-samples) and constructed broken ones.

What must hold everywhere: every document-like record yields exactly one item, in file
order, with its file-wide index; a broken record yields exactly one Malformed and costs
nothing else; records that are not documents are counted, not yielded.
"""

from __future__ import annotations

import gzip
import io
import re
import tracemalloc
import zlib
from collections import Counter
from pathlib import Path

import pytest

from cleaner.io.decode import decode_bytes
from cleaner.io.warc import Malformed, RecordStats, Skipped, WarcItem, WebPage, iter_records
from cleaner.io.warc import http as warc_http
from cleaner.io.warc.dates import normalize_arc_date, normalize_warc_date

SAMPLES = "warc-samples"


# --- building archives --------------------------------------------------------------------


def http_response(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = "".join(f"{header}\r\n" for header in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def html_response(n: int, *extra: str) -> bytes:
    return http_response(page_html(n), "Content-Type: text/html; charset=utf-8", *extra)


def page_html(n: int) -> bytes:
    return f"<html><head><title>Page {n}</title></head><body><p>Body of page {n} — café.</p></body></html>".encode()


def warc_record(
    record_type: str,
    block: bytes,
    *,
    url: str | None = None,
    content_type: str | None = "application/http; msgtype=response",
    length: str | None = None,
    extra: tuple[str, ...] = (),
    version: str = "WARC/1.0",
) -> bytes:
    lines = [version, f"WARC-Type: {record_type}", "WARC-Date: 2024-05-18T01:58:10Z"]
    lines += [f"WARC-Target-URI: {url}"] if url else []
    lines += [f"Content-Type: {content_type}"] if content_type else []
    lines += [f"Content-Length: {len(block) if length is None else length}"] if length != "" else []
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def response(n: int, **kwargs: object) -> bytes:
    return warc_record("response", html_response(n), url=f"https://example.com/{n}", **kwargs)  # type: ignore[arg-type]


def parse(data: bytes, **kwargs: object) -> tuple[list[WarcItem], RecordStats]:
    stats = RecordStats()
    items = list(iter_records(io.BytesIO(data), stats=stats, **kwargs))  # type: ignore[arg-type]
    return items, stats


def summary(items: list[WarcItem]) -> list[tuple[str, int]]:
    """(kind, index) per item: `page`, `skip` or `bad`."""
    names = {WebPage: "page", Skipped: "skip", Malformed: "bad"}
    return [(names[type(item)], item.index) for item in items]


def read_sample(shared_data: Path, name: str, **kwargs: object) -> tuple[list[WarcItem], RecordStats]:
    stats = RecordStats()
    with gzip.open(shared_data / SAMPLES / name, "rb") as stream:
        items = list(iter_records(stream, stats=stats, **kwargs))  # type: ignore[arg-type]
    return items, stats


# --- real samples -------------------------------------------------------------------------

# file: (format, records, pages by kind, skipped by key, not documents by kind)
SAMPLE_COUNTS = {
    "cc-whirlwind-whirlwind.warc.gz": ("warc", 4, {"html": 1}, {}, {"warcinfo": 1, "request": 1, "metadata": 1}),
    "cc-whirlwind-whirlwind.warc.wet.gz": ("warc", 2, {"text": 1}, {}, {"warcinfo": 1}),
    "cc-whirlwind-whirlwind.warc.wat.gz": ("warc", 2, {}, {}, {"warcinfo": 1, "metadata": 1}),
    "resiliparse-cc-2020-08-sample.warc.gz": ("warc", 50, {"html": 16}, {}, {"warcinfo": 1, "request": 17, "metadata": 16}),
    "resiliparse-clueweb09-quirk.warc.gz": ("warc", 30, {"html": 29}, {}, {"warcinfo": 1}),
    "dolma-sample-0000.warc.gz": (
        "warc", 48, {"html": 22}, {}, {"warcinfo": 1, "request": 22, "metadata": 1, "resource (metadata)": 2},
    ),
    "dolma-sample-0001.warc.gz": (
        "warc", 34, {"html": 15}, {}, {"warcinfo": 1, "request": 15, "metadata": 1, "resource (metadata)": 2},
    ),
    "copycat-cc-small-sample-1213893279526_0.arc.gz": ("arc", 146, {"html": 125}, {"non-html": 6, "http-status": 14}, {"filedesc": 1}),
    "copycat-cc-small-sample-1262850551027_8.arc.gz": ("arc", 9, {"html": 8}, {}, {"filedesc": 1}),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sample_counts(shared_data: Path, name: str) -> None:
    fmt, records, pages, skipped, not_documents = SAMPLE_COUNTS[name]
    items, stats = read_sample(shared_data, name)
    assert (stats.format, stats.records, stats.malformed) == (fmt, records, 0)
    assert Counter(i.kind for i in items if isinstance(i, WebPage)) == pages
    assert Counter(i.key for i in items if isinstance(i, Skipped)) == skipped
    assert stats.not_documents == not_documents
    assert len(items) + sum(not_documents.values()) == records
    indexes = [item.index for item in items]
    assert indexes == sorted(set(indexes)) and all(0 <= i < records for i in indexes)


@pytest.mark.parametrize("name", sorted(n for n in SAMPLE_COUNTS if ".warc" in n))
def test_record_types_match_an_independent_count(shared_data: Path, name: str) -> None:
    """Count `WARC-Type:` header lines in the decompressed bytes, as grep would."""
    raw = gzip.decompress((shared_data / SAMPLES / name).read_bytes())
    expected = Counter(m.decode() for m in re.findall(rb"(?m)^WARC-Type: (\S+)\r?$", raw))
    _, stats = read_sample(shared_data, name)
    assert stats.by_type == expected


@pytest.mark.parametrize(
    ("name", "index", "url", "date"),
    [
        ("cc-whirlwind-whirlwind.warc.gz", 2, "https://an.wikipedia.org/wiki/Escopete", "2024-05-18T01:58:10Z"),
        ("resiliparse-cc-2020-08-sample.warc.gz", 2, "http://003338.cn/l41/481397.html", "2020-08-08T17:27:41Z"),
        ("resiliparse-cc-2020-08-sample.warc.gz", 5, "http://01spb.ru/company/", "2020-08-08T18:31:12Z"),
        ("resiliparse-cc-2020-08-sample.warc.gz", 47, "http://096355.com/video/11073.html?11073-0-2", "2020-08-08T17:21:07Z"),
        ("dolma-sample-0000.warc.gz", 2, "https://www.semanticscholar.org/research/research-team", "2024-04-25T16:24:44Z"),
        ("dolma-sample-0001.warc.gz", 2, "https://creativecommons.org/", "2024-04-25T16:27:48Z"),
        ("copycat-cc-small-sample-1213893279526_0.arc.gz", 1, "http://cineciudad.com/pelicula/index/502", "2008-05-09T19:02:41Z"),
        ("copycat-cc-small-sample-1213893279526_0.arc.gz", 145, "http://lgrossman.com/pics/riocal2008/", "2008-05-09T19:02:41Z"),
        ("copycat-cc-small-sample-1262850551027_8.arc.gz", 1, "http://www.coursehero.com/prefix/32/documents/14501/", "2009-11-21T00:45:01Z"),
    ],
)
def test_sample_page_url_and_date(shared_data: Path, name: str, index: int, url: str, date: str) -> None:
    items, _ = read_sample(shared_data, name)
    [page] = [item for item in items if item.index == index]
    assert isinstance(page, WebPage)
    assert (page.url, page.date, page.kind) == (url, date, "html")


def test_wet_conversion_text(shared_data: Path) -> None:
    [page], _ = read_sample(shared_data, "cc-whirlwind-whirlwind.warc.wet.gz")
    assert isinstance(page, WebPage)
    assert (page.index, page.kind, page.content_type, page.url) == (1, "text", "text/plain", "https://an.wikipedia.org/wiki/Escopete")
    assert page.record_id == "urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d"
    assert len(page.payload) == 4456  # its Content-Length
    text = decode_bytes(page.payload, page.charset).text
    assert text.startswith("Escopete - Biquipedia, a enciclopedia libre\nIr al contenido\nMenú principal\n")
    assert text.endswith("Activar o desactivar el límite de anchura del contenido\n")


def test_truncated_real_warc_gz_keeps_the_records_before_the_cut(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / SAMPLES / "resiliparse-cc-2020-08-sample.warc.gz").read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(raw[: len(raw) // 2])
    full, _ = read_sample(shared_data, "resiliparse-cc-2020-08-sample.warc.gz")
    with gzip.open(path, "rb") as stream:
        *good, last = iter_records(stream)
    assert len(good) >= 5 and good == full[: len(good)]
    assert isinstance(last, Malformed) and "the input breaks off: EOFError" in last.message


def test_wat_yields_no_documents(shared_data: Path) -> None:
    items, stats = read_sample(shared_data, "cc-whirlwind-whirlwind.warc.wat.gz")
    assert items == []
    assert stats.describe_not_documents() == "1 metadata, 1 warcinfo records (not documents)"


def test_clueweb09_malformed_dates_keep_the_pages(shared_data: Path) -> None:
    items, _ = read_sample(shared_data, "resiliparse-clueweb09-quirk.warc.gz")
    assert all(isinstance(page, WebPage) and page.date is None and page.charset == "euc-jp" for page in items)
    first = items[0]
    assert isinstance(first, WebPage)
    assert first.url == "http://www.uraharajuku.st/shopdetail/001005000005/019/000/order/"
    # "Content-Encoding: gzip" is stale there: the body was stored decoded
    decoded = decode_bytes(first.payload, first.charset, html=True)
    assert (decoded.encoding, decoded.method) == ("euc_jp", "declared")
    assert "<title>ブラウニー ブリーフケース【ヘッドポーター HEADPORTER 吉田かばん】" in decoded.text


def test_dechunked_payloads_match_the_sizes_in_wgets_log(shared_data: Path) -> None:
    """wget logs each download's size; the samples keep the raw chunked bodies."""
    for name in ("dolma-sample-0000.warc.gz", "dolma-sample-0001.warc.gz"):
        raw = gzip.decompress((shared_data / SAMPLES / name).read_bytes())
        logged = {m[0].decode(): int(m[1]) for m in re.findall(rb"\d\d URL:(\S+) \[(\d+)(?:/\d+)?\] ->", raw)}
        items, _ = read_sample(shared_data, name)
        sizes = {item.url: len(item.payload) for item in items if isinstance(item, WebPage)}
        assert sizes and sizes == {url: logged[url] for url in sizes}
    assert b"Transfer-Encoding: chunked" in raw


def test_arc_skips_say_why(shared_data: Path) -> None:
    items, _ = read_sample(shared_data, "copycat-cc-small-sample-1213893279526_0.arc.gz")
    reasons = Counter(item.reason for item in items if isinstance(item, Skipped))
    assert reasons == {
        "non-HTML response (application/pdf)": 6,
        "HTTP 404 response": 5,
        "HTTP 301 response": 3,
        "HTTP 302 response": 3,
        "HTTP 406 response": 3,
    }
    # CC's ARCs keep "Transfer-Encoding: chunked" and "Content-Encoding: gzip" on decoded bodies
    page = next(item for item in items if isinstance(item, WebPage))
    assert page.payload.startswith(b"<!DOCTYPE html PUBLIC")
    assert all(not item.truncated for item in items if isinstance(item, WebPage))


def test_every_sample_page_decodes_without_replacement_characters(shared_data: Path) -> None:
    for name in SAMPLE_COUNTS:
        items, _ = read_sample(shared_data, name)
        for page in (item for item in items if isinstance(item, WebPage)):
            text = decode_bytes(page.payload, page.charset, html=page.kind == "html").text
            assert ("\ufffd" in text) == (b"\xef\xbf\xbd" in page.payload), (name, page.index)


# --- HTTP handling ------------------------------------------------------------------------


def only_item(block: bytes, **kwargs: object) -> WarcItem:
    [item], _ = parse(warc_record("response", block, url="https://example.com/x"), **kwargs)
    return item


def chunked(body: bytes, size: int = 7) -> bytes:
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x;ext=1\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\nX-Trailer: t\r\n\r\n"


def test_chunked_transfer_encoding_is_undone() -> None:
    item = only_item(http_response(chunked(page_html(1)), "Content-Type: text/html", "Transfer-Encoding: chunked"))
    assert isinstance(item, WebPage) and item.payload == page_html(1) and not item.truncated


def test_gzip_and_deflate_content_encodings_are_undone() -> None:
    body = page_html(2)
    raw_deflate = zlib.compressobj(wbits=-15)
    encodings = {
        "gzip": gzip.compress(body),
        "x-gzip": gzip.compress(body),
        "deflate": zlib.compress(body),
        "Deflate": raw_deflate.compress(body) + raw_deflate.flush(),  # raw deflate, as IIS sends
    }
    for coding, data in encodings.items():
        item = only_item(http_response(data, "Content-Type: text/html", f"Content-Encoding: {coding}"))
        assert isinstance(item, WebPage) and item.payload == body, coding


def test_gzip_inside_chunked() -> None:
    block = http_response(chunked(gzip.compress(page_html(3)), 100), "Content-Type: text/html",
                          "Transfer-Encoding: chunked", "Content-Encoding: gzip")
    item = only_item(block)
    assert isinstance(item, WebPage) and item.payload == page_html(3)


def test_truncated_gzip_body_keeps_what_arrived_and_says_so() -> None:
    body = b"<html><body>" + b"<p>paragraph</p>" * 2000 + b"</body></html>"
    compressed = gzip.compress(body)
    item = only_item(http_response(compressed[: len(compressed) // 2], "Content-Type: text/html", "Content-Encoding: gzip"))
    assert isinstance(item, WebPage) and item.truncated
    assert body.startswith(item.payload) and len(item.payload) > 1000


def test_corrupt_gzip_body_is_malformed() -> None:
    data = bytearray(gzip.compress(page_html(4) * 20))
    data[20:40] = b"\xff" * 20
    item = only_item(http_response(bytes(data), "Content-Type: text/html", "Content-Encoding: gzip"))
    assert isinstance(item, Malformed) and item.message.startswith("corrupt gzip body")
    assert item.url == "https://example.com/x"


def test_brotli_without_a_module_is_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_http, "_brotli_decompress", lambda: None)
    item = only_item(http_response(bytes(range(256)) * 4, "Content-Type: text/html", "Content-Encoding: br"))
    assert isinstance(item, Malformed) and "br" in item.message and "brotli" in item.message


def test_stale_coding_headers_on_decoded_bodies_are_ignored() -> None:
    block = http_response(page_html(5), "Content-Type: text/html", "Transfer-Encoding: chunked", "Content-Encoding: gzip")
    item = only_item(block)
    assert isinstance(item, WebPage) and item.payload == page_html(5)


def test_broken_chunking_is_malformed() -> None:
    body = b"5\r\nhello\r\nZZZ\r\nmore\r\n0\r\n\r\n"
    item = only_item(http_response(body, "Content-Type: text/html", "Transfer-Encoding: chunked"))
    assert isinstance(item, Malformed) and "broken chunked encoding" in item.message


def test_header_names_are_case_insensitive_folded_and_duplicated() -> None:
    block = (
        b"HTTP/1.1 200 OK\n"  # bare LF line ends, as in ClueWeb09
        b"content-type: text/html;\n"
        b"\tcharset=ISO-8859-1\n"  # folded continuation
        b"Content-Type: text/html\n"  # duplicate without charset: the charset stays
        b"X-Junk line without colon\n"
        b"\n" + "<p>café</p>".encode("latin-1")
    )
    item = only_item(block)
    assert isinstance(item, WebPage)
    assert (item.content_type, item.charset, item.payload) == ("text/html", "iso-8859-1", "<p>café</p>".encode("latin-1"))


@pytest.mark.parametrize(
    ("block", "reason", "key"),
    [
        (http_response(b"\xff\xd8\xff\xe0JFIF", "Content-Type: image/jpeg"), "non-HTML response (image/jpeg)", "non-html"),
        (http_response(b"%PDF-1.4", "Content-Type: application/pdf"), "non-HTML response (application/pdf)", "non-html"),
        (http_response(b"{}", "Content-Type: application/json"), "non-HTML response (application/json)", "non-html"),
        (http_response(b"<html>gone</html>", "Content-Type: text/html", status="404 Not Found"), "HTTP 404 response", "http-status"),
        (http_response(b"", "Location: /x", status="301 Moved Permanently"), "HTTP 301 response", "http-status"),
        (http_response(b"", "Content-Type: text/html"), "empty payload", "empty"),
        (http_response(b"  \r\n ", "Content-Type: text/html"), "empty payload", "empty"),
        (http_response(b"plain", "Content-Type: application/octet-stream"), "non-HTML response (application/octet-stream)", "non-html"),
        (http_response(b"plain"), "non-HTML response (no Content-Type)", "non-html"),
    ],
)
def test_unusable_responses_are_skipped_with_a_reason(block: bytes, reason: str, key: str) -> None:
    item = only_item(block)
    assert isinstance(item, Skipped) and (item.reason, item.key, item.url) == (reason, key, "https://example.com/x")


def test_interim_100_continue_is_passed_over() -> None:
    item = only_item(b"HTTP/1.1 100 Continue\r\n\r\n" + html_response(8))
    assert isinstance(item, WebPage) and item.payload == page_html(8)


def test_untyped_html_is_recognised() -> None:
    item = only_item(http_response(b"\n<!DOCTYPE html><html><body>hi</body></html>"))
    assert isinstance(item, WebPage) and item.content_type == "text/html"


def test_unparsable_http_response_is_malformed_and_the_next_record_is_read() -> None:
    data = warc_record("response", b"GARBAGE instead of HTTP\r\n\r\nbody", url="https://example.com/0") + response(1)
    items, _ = parse(data)
    assert summary(items) == [("bad", 0), ("page", 1)]
    assert isinstance(items[0], Malformed) and items[0].message.startswith("unparsable HTTP status line")


def test_other_record_types() -> None:
    data = b"".join([
        warc_record("warcinfo", b"software: test\r\n", content_type="application/warc-fields"),
        warc_record("request", b"GET / HTTP/1.1\r\n\r\n", url="https://example.com/", content_type="application/http; msgtype=request"),
        warc_record("resource", "plain text résumé".encode(), url="file:///a.txt", content_type="text/plain; charset=UTF-8"),
        warc_record("resource", b"<p>x</p>", url="file:///a.html", content_type="text/html"),
        warc_record("resource", b"\x89PNG\r\n\x1a\n", url="file:///a.png", content_type="image/png"),
        warc_record("resource", b"log", url="metadata://gnu.org/software/wget/warc/wget.log", content_type="text/plain"),
        warc_record("conversion", b"Converted text.\n", url="https://example.com/c", content_type=None),
        warc_record("revisit", http_response(b""), url="https://example.com/r", extra=("WARC-Profile: identical-payload-digest",)),
        warc_record("response", b"1.2.3.4", url="dns:example.com", content_type="text/dns"),
        warc_record("metadata", b"via: x\r\n", url="https://example.com/", content_type="application/warc-fields"),
    ])
    items, stats = parse(data)
    assert summary(items) == [("page", 2), ("page", 3), ("skip", 4), ("page", 6), ("skip", 7)]
    assert [(i.kind, i.charset) for i in items if isinstance(i, WebPage)] == [("text", "utf-8"), ("html", None), ("text", None)]
    assert [i.reason for i in items if isinstance(i, Skipped)] == [
        "non-text resource (image/png)", "revisit record: the payload is stored with an earlier capture"
    ]
    assert stats.not_documents == {"warcinfo": 1, "request": 1, "resource (metadata)": 1, "response (dns)": 1, "metadata": 1}
    assert (stats.records, stats.pages, stats.skipped, stats.malformed) == (10, 3, 2, 0)


def test_warc_truncated_header_marks_the_page() -> None:
    [item], _ = parse(response(1, extra=("WARC-Truncated: length", "WARC-Record-ID: <urn:uuid:1>")))
    assert isinstance(item, WebPage) and item.truncated and item.record_id == "urn:uuid:1"


# --- broken framing: every good record survives, every bad one is one Malformed -----------

GOOD = 5


def corrupt(record: bytes, kind: str) -> bytes:
    """`record` (a response) damaged in one way."""
    header, sep, rest = record.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", header).group(1))  # type: ignore[union-attr]
    def with_length(value: bytes) -> bytes:
        return re.sub(rb"Content-Length: \d+", b"Content-Length: " + value, header) + sep + rest
    if kind == "length too long":
        return with_length(b"%d" % (length + 60))
    if kind == "length too short":
        return with_length(b"%d" % (length - 60))
    if kind == "length not a number":
        return with_length(b"12x")
    if kind == "no length":
        return re.sub(rb"\r\nContent-Length: \d+", b"", header) + sep + rest
    if kind == "header line without colon":
        return header + b"\r\nthis is not a header" + sep + rest
    if kind == "bad version line":
        return record.replace(b"WARC/1.0", b"WARX/1.0", 1)
    if kind == "unparsable http":
        return record.replace(b"HTTP/1.1 200 OK", b"HTTZ/1.1 200 OK", 1)
    raise ValueError(kind)


CORRUPTIONS = [
    "length too long", "length too short", "length not a number", "no length",
    "header line without colon", "bad version line", "unparsable http",
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
@pytest.mark.parametrize("bad", [0, 2, GOOD - 1])
def test_one_broken_record_costs_only_itself(kind: str, bad: int) -> None:
    records = [response(n) for n in range(GOOD)]
    records[bad] = corrupt(records[bad], kind)
    items, stats = parse(b"".join(records))
    assert summary(items) == [("bad" if n == bad else "page", n) for n in range(GOOD)]
    assert [page.payload for page in items if isinstance(page, WebPage)] == [page_html(n) for n in range(GOOD) if n != bad]
    assert stats.malformed == 1 and stats.records == GOOD


def test_two_adjacent_broken_records() -> None:
    records = [response(n) for n in range(GOOD)]
    records[1] = corrupt(records[1], "length too long")
    records[2] = corrupt(records[2], "length too short")
    items, _ = parse(b"".join(records))
    assert summary(items) == [("page", 0), ("bad", 1), ("bad", 2), ("page", 3), ("page", 4)]


def test_garbage_between_records_is_one_malformed_item() -> None:
    data = response(0) + b"\x00\x01 some junk\nmore junk WARC/ not a header\n" + response(1) + b"\r\n\r\n\r\n" + response(2)
    items, _ = parse(data)
    assert summary(items) == [("page", 0), ("bad", 1), ("page", 2), ("page", 3)]
    assert isinstance(items[1], Malformed) and items[1].message.startswith("expected a WARC record at byte")


def test_garbage_before_the_first_record() -> None:
    items, stats = parse(b"junk\n" + response(0))
    assert summary(items) == [("bad", 0), ("page", 1)] and stats.format == "warc"


def test_truncated_last_record() -> None:
    data = response(0) + response(1)
    items, _ = parse(data[: len(data) - 40])
    assert summary(items) == [("page", 0), ("bad", 1)]
    assert isinstance(items[1], Malformed) and items[1].message.startswith("truncated record")
    assert items[1].url == "https://example.com/1"


def test_record_cut_inside_its_header() -> None:
    data = response(0) + response(1)[:50]
    items, _ = parse(data)
    assert summary(items) == [("page", 0), ("bad", 1)]
    assert isinstance(items[1], Malformed) and "cut off" in items[1].message


def test_lf_only_and_missing_separators_are_tolerated() -> None:
    loose = response(0).replace(b"\r\n", b"\n")  # also changes the HTTP block, so fix its length
    block = html_response(0).replace(b"\r\n", b"\n")
    loose = re.sub(rb"Content-Length: \d+", b"Content-Length: %d" % len(block), loose)
    items, _ = parse(loose.rstrip(b"\n") + b"\n" + response(1).rstrip(b"\r\n"))
    assert summary(items) == [("page", 0), ("page", 1)]


def multi_member_gzip(records: list[bytes]) -> bytes:
    return b"".join(gzip.compress(record) for record in records)


def test_truncated_gzip_file_keeps_every_record_before_the_damage() -> None:
    records = [response(n) for n in range(GOOD)]
    data = multi_member_gzip(records)
    last = len(gzip.compress(records[-1]))
    cut = data[: len(data) - last // 2]
    stats = RecordStats()
    items = list(iter_records(gzip.GzipFile(fileobj=io.BytesIO(cut)), stats=stats))
    assert summary(items) == [("page", n) for n in range(GOOD - 1)] + [("bad", GOOD - 1)]
    last_item = items[-1]
    assert isinstance(last_item, Malformed) and "the input breaks off: EOFError" in last_item.message


def test_gzip_cut_at_a_member_boundary_plus_a_stub() -> None:
    records = [response(n) for n in range(3)]
    data = multi_member_gzip(records) + gzip.compress(response(3))[:10]  # only a member header
    items = list(iter_records(gzip.GzipFile(fileobj=io.BytesIO(data))))
    assert summary(items) == [("page", 0), ("page", 1), ("page", 2), ("bad", 3)]
    assert isinstance(items[-1], Malformed) and items[-1].message.startswith("the input breaks off after 3 records: EOFError")


def test_corrupt_gzip_member_stops_with_a_clear_item() -> None:
    records = [response(n) for n in range(3)]
    members = [bytearray(gzip.compress(r)) for r in records]
    members[2][30:60] = b"\x00" * 30
    items = list(iter_records(gzip.GzipFile(fileobj=io.BytesIO(b"".join(members)))))
    assert summary(items)[:2] == [("page", 0), ("page", 1)]
    assert len(items) == 3 and isinstance(items[2], Malformed) and "breaks off" in items[2].message


# --- size limits --------------------------------------------------------------------------


def test_records_above_the_limit_are_not_loaded_but_classified() -> None:
    big_html = warc_record("response", html_response(0) + b" " * 5000, url="https://example.com/big")
    big_image = warc_record("response", http_response(b"\xff" * 5000, "Content-Type: image/jpeg"), url="https://example.com/img")
    big_request = warc_record("request", b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 1000, content_type="application/http; msgtype=request")
    items, stats = parse(big_html + big_image + big_request + response(3), max_record_bytes=2000)
    assert summary(items) == [("bad", 0), ("skip", 1), ("page", 3)]
    assert isinstance(items[0], Malformed) and "above max_record_bytes" in items[0].message
    assert isinstance(items[1], Skipped) and items[1].reason == "non-HTML response (image/jpeg)"
    assert stats.not_documents == {"request": 1}


class ZeroStream(io.RawIOBase):
    """A WARC record whose block is `size` bytes that exist only while being read."""

    def __init__(self, header: bytes, size: int, tail: bytes) -> None:
        self.parts = [header, None, tail]
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self.parts:
            part = self.parts[0]
            if part is None:
                n = min(len(buffer), self.left)
                buffer[:n] = b"a" * n
                self.left -= n
                if not self.left:
                    self.parts.pop(0)
                return n
            if part:
                n = min(len(buffer), len(part))
                buffer[:n] = part[:n]
                self.parts[0] = part[n:]
                return n
            self.parts.pop(0)
        return 0


def test_huge_record_is_streamed_past_in_bounded_memory() -> None:
    size = 64 * 2**20
    header = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: file:///huge.txt\r\n"
        b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % size
    )
    stream = io.BufferedReader(ZeroStream(header, size, b"\r\n\r\n" + response(1)))
    tracemalloc.start()
    try:
        items = list(iter_records(stream, max_record_bytes=2**20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary(items) == [("bad", 0), ("page", 1)]
    assert isinstance(items[0], Malformed) and items[0].message.startswith("record of 64.0 MB is above max_record_bytes (1 MB)")
    assert peak < 8 * 2**20


def test_max_record_bytes_is_validated() -> None:
    with pytest.raises(ValueError, match="max_record_bytes"):
        list(iter_records(io.BytesIO(b""), max_record_bytes=0))


# --- ARC ----------------------------------------------------------------------------------


def arc_file(*records: bytes) -> bytes:
    desc = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    return b"filedesc://test.arc 0.0.0.0 20080619093439 text/plain %d\n%s\n" % (len(desc), desc) + b"".join(records)


def arc_record(url: str, block: bytes, *, mime: str = "text/html", date: str = "20080509190241", length: int | None = None) -> bytes:
    size = len(block) if length is None else length
    return f"{url} 10.0.0.1 {date} {mime} {size}\n".encode() + block + b"\n"


def test_arc_records() -> None:
    data = arc_file(
        arc_record("http://a.example/", html_response(0)),
        arc_record("http://b.example/x.pdf", http_response(b"%PDF", "Content-Type: application/pdf"), mime="application/pdf"),
        arc_record("http://c.example/", page_html(2), date="20081399000000"),  # no HTTP headers, bad date
        arc_record("dns:c.example", b"10.0.0.2\n", mime="text/dns"),
    )
    items, stats = parse(data)
    assert summary(items) == [("page", 1), ("skip", 2), ("page", 3)]
    first, _, third = items
    assert isinstance(first, WebPage) and (first.url, first.date, first.payload) == ("http://a.example/", "2008-05-09T19:02:41Z", page_html(0))
    assert isinstance(third, WebPage) and (third.date, third.payload, third.content_type) == (None, page_html(2), "text/html")
    assert (stats.format, stats.by_type) == ("arc", {"filedesc": 1, "response": 3, "dns": 1})
    assert stats.not_documents == {"filedesc": 1, "dns": 1}


def test_arc_url_with_a_space() -> None:
    records = [arc_record(url, html_response(n)) for n, url in enumerate(["http://a.example/x y.html", "http://b.example/"])]
    items, _ = parse(arc_file(*records))
    assert [(i.index, i.url) for i in items] == [(1, "http://a.example/x y.html"), (2, "http://b.example/")]


def test_arc_version_2_header_line() -> None:
    block = html_response(7)
    line = f"http://v2.example/ 10.0.0.1 20100106234911 text/html 200 ABCDEF - 0 file.arc {len(block)}\n".encode()
    items, _ = parse(arc_file(line + block + b"\n"))
    assert isinstance(items[0], WebPage) and items[0].url == "http://v2.example/" and items[0].payload == page_html(7)


@pytest.mark.parametrize("bad_length", [10, 5000])
def test_arc_bad_length_costs_only_that_record(bad_length: int) -> None:
    records = [arc_record(f"http://{n}.example/", html_response(n)) for n in range(4)]
    records[1] = arc_record("http://1.example/", html_response(1), length=bad_length)
    items, _ = parse(arc_file(*records))
    assert summary(items) == [("page", 1), ("bad", 2), ("page", 3), ("page", 4)]


def test_not_an_archive_and_empty_input() -> None:
    items, stats = parse(b"just some text\nthat is no archive\n")
    assert summary(items) == [("bad", 0)] and stats.format is None
    assert isinstance(items[0], Malformed) and items[0].message.startswith("not a WARC or ARC file")
    [still_compressed], _ = parse(gzip.compress(response(0)))
    assert isinstance(still_compressed, Malformed) and still_compressed.message.endswith("(gzip data: decompress it first)")
    assert parse(b"")[0] == [] and parse(b"\r\n\r\n")[0] == []


def test_describe_not_documents() -> None:
    stats = RecordStats()
    stats.not_documents.update({"request": 120, "warcinfo": 1})
    assert stats.describe_not_documents() == "120 request, 1 warcinfo records (not documents)"
    assert RecordStats().describe_not_documents() == ""


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-18T01:58:10Z", "2024-05-18T01:58:10Z"),
        ("2016-09-19T18:03:53.123456Z", "2016-09-19T18:03:53Z"),
        ("2008-10-29T05:21:46-0700", "2008-10-29T12:21:46Z"),
        ("2020-08-08T17:27:41+02:00", "2020-08-08T15:27:41Z"),
        ("2020-01-01", "2020-01-01T00:00:00Z"),
        ("2008-10-294T05:21:46-0700", None),  # ClueWeb09
        ("2020-02-30T00:00:00Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_warc_date(value: str | None, expected: str | None) -> None:
    assert normalize_warc_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20080509190241", "2008-05-09T19:02:41Z"), ("20081301000000", None), ("2008050919024", None), ("", None)],
)
def test_normalize_arc_date(value: str, expected: str | None) -> None:
    assert normalize_arc_date(value) == expected
