"""URIs on the command line, and schemes pyarrow does not serve (through fsspec)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.errors import ConfigError
from cleaner.io.remote import as_uri, discover_remote, filesystem


@pytest.mark.parametrize("given, uri", [
    ("s3://bucket/dump", "s3://bucket/dump"),
    (Path("s3://bucket/dump"), "s3://bucket/dump"),  # Path folds the double slash: s3:/bucket/dump
    ("GS://b/k", "gs://b/k"),
    ("hdfs://namenode:8020/data", "hdfs://namenode:8020/data"),
    ("raw", None),
    ("/data/raw", None),
    ("C:/data", None),  # a drive letter, not a scheme
])
def test_uris_are_told_from_local_paths(given, uri) -> None:
    assert as_uri(given) == uri


def test_a_local_folder_named_like_a_scheme_stays_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s3:" / "bucket").mkdir(parents=True)
    assert as_uri(Path("s3://bucket")) is None


def test_a_scheme_pyarrow_lacks_goes_through_fsspec() -> None:
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for name in ["dump/b.txt", "dump/a/x.jsonl", "dump/.hidden"]:
        with memory.open(name, "wb") as sink:
            sink.write(name.encode())
    try:
        fs, path = filesystem("memory://dump")
        assert type(fs).__name__ == "PyFileSystem"
        assert [(f.source, f.size, f.uri) for f in discover_remote("memory://dump")] == [
            ("a/x.jsonl", 14, "memory://dump/a/x.jsonl"), ("b.txt", 10, "memory://dump/b.txt")]
    finally:
        memory.rm("dump", recursive=True)


def test_a_scheme_nothing_serves_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="^'nosuchscheme://x/y': no filesystem serves nosuchscheme://"):
        filesystem("nosuchscheme://x/y")
