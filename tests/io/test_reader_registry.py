"""Adding a reader is one module plus one registry line: a CSV reader from outside the
package, named in config.yaml or registered as an entry point, read by `clean run`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cleaner.config import parse_config
from cleaner.errors import ConfigError
from cleaner.io.readers import READERS, readers_for
from cleaner.io.readers.registry import UnknownReader
from tests.helpers import read_rows, run_clean, user_module, write_config

CSV_READER = '''
import csv
import io

from cleaner.document import Document, ReadFailure
from cleaner.io.readers.registry import Reader


def read_csv(file, settings):
    text = file.stream.read().decode("utf-8")
    for index, row in enumerate(csv.DictReader(io.StringIO(text))):
        if not row.get("body"):
            yield ReadFailure(file.source, index, "row has no body")
            continue
        yield Document(id=f"{file.source}:{index}", text=row["body"], source=file.source, record=index, url=row.get("url"))


CSV = Reader("csv", (".csv",), read_csv)
CLASH = Reader("csv2", (".jsonl",), read_csv)
'''


@pytest.fixture
def csv_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    with user_module(tmp_path, monkeypatch, "csvreader", CSV_READER) as site:
        yield site


def _csv_dump(root: Path) -> Path:
    raw = root / "raw"
    raw.mkdir()
    (raw / "pages.csv").write_text("url,body\nhttps://a.example/1,First page about magnesium and sleep.\n"
                                   "https://a.example/2,\nhttps://a.example/3,Third page about zinc.\n")
    (raw / "page.txt").write_text("A plain text page about iron.\n")
    return raw


def test_a_reader_named_in_config_reads_its_files(tmp_path: Path, csv_plugin: Path) -> None:
    raw = _csv_dump(tmp_path)
    config = write_config(tmp_path / "c.yaml", textwrap.dedent("""\
        readers: {plugins: ["csvreader:CSV"], max_errors: 0.5}
        stages: [encoding]
        """))
    out = tmp_path / "out"
    run_clean("run", "-i", str(raw), "-o", str(out), "-c", str(config))
    kept = {row["id"]: row for row in read_rows(out, "data")}
    assert set(kept) == {"pages.csv:0", "pages.csv:2", "page.txt"}
    assert kept["pages.csv:0"]["url"] == "https://a.example/1"
    [error] = read_rows(out, "errors.parquet")
    assert (error["source"], error["record"], error["error"]) == ("pages.csv", 1, "row has no body")


def test_without_the_plugin_the_file_is_plain_text(tmp_path: Path) -> None:
    raw = _csv_dump(tmp_path)
    out = tmp_path / "out"
    run_clean("run", "-i", str(raw), "-o", str(out), "-c", str(write_config(tmp_path / "c.yaml", "stages: [encoding]\n")))
    assert {row["id"] for row in read_rows(out, "data")} == {"pages.csv", "page.txt"}


def test_an_entry_point_registers_a_reader(tmp_path: Path, csv_plugin: Path) -> None:
    dist = csv_plugin / "csvreader-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: csvreader\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[cleaner.readers]\ncsv = csvreader:CSV\nbad = csvreader:CLASH\n")
    readers_for.cache_clear()
    names = [reader.name for reader in readers_for(())]
    assert names == [reader.name for reader in READERS] + ["csv"]  # the clashing one is skipped


@pytest.mark.parametrize("reference, message", [
    ("csvreader:CLASH", "readers.plugins[0]: reader 'csvreader:CLASH' claims .jsonl, which the 'jsonl' reader reads"),
    ("csvreader:read_csv", "readers.plugins[0]: 'csvreader:read_csv' is not a reader"),
    ("nosuch:CSV", "readers.plugins[0]: cannot import 'nosuch' for reader 'nosuch:CSV'"),
    ("csvreader", "readers.plugins[0]: 'csvreader' is not an import path"),
])  # fmt: skip
def test_a_bad_reader_plugin_is_a_config_error(csv_plugin: Path, reference: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"readers": {"plugins": [reference]}}, "t")
    assert str(info.value).startswith(message)


def test_unknown_reader_is_a_lookup_error() -> None:
    with pytest.raises(UnknownReader):
        readers_for(("nosuch:CSV",))
