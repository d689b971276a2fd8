"""Object storage for real: an S3 server on 127.0.0.1 (moto's, started here), read by
`clean run -i s3://...` through pyarrow.fs (the workers fetch their own files) and written
by `clean run -o s3://...` (skipped without moto)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.io.discover import discover
from tests.helpers import output_digests, run_clean, write_config
from tests.test_pipeline import build_mixed_dump

pytest.importorskip("moto")
pafs = pytest.importorskip("pyarrow.fs")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """moto's S3 server on a free loopback port; yields its endpoint URL."""
    port = _free_port()
    # the moto installed beside this interpreter first: one found on PATH may be another
    # environment's (moto 5.2.1 answers CompleteMultipartUpload in a way pyarrow refuses)
    beside = Path(sys.executable).parent / "moto_server"
    moto = str(beside) if beside.is_file() else shutil.which("moto_server") or "moto_server"
    server = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.kill()
        server.wait()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch):
    """The environment a user sets for an S3-compatible store (the `clean` a test starts
    inherits it), and a pyarrow handle on the store for the test's own uploads."""
    for name, value in {"AWS_ENDPOINT_URL": s3_server, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    return pafs.S3FileSystem(endpoint_override=s3_server, access_key="test", secret_key="test", region="us-east-1",
                             allow_bucket_creation=True, allow_bucket_deletion=True)


def upload(fs, local: Path, bucket: str, prefix: str) -> None:
    fs.create_dir(bucket)
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        with fs.open_output_stream(f"{bucket}/{prefix}/{path.relative_to(local).as_posix()}") as sink:
            sink.write(path.read_bytes())


def _parquet(out: Path) -> dict[str, str]:
    return {k: v for k, v in output_digests(out).items() if k.endswith(".parquet")}


def test_a_run_on_s3_input_writes_what_the_same_files_on_disk_give(s3, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    # the local walk lists folder by folder ('a/x.txt' before 'a-b/x.txt'); sorting the keys
    # as strings would not ('-' sorts before '/')
    (dump / "a-b").mkdir()
    (dump / "a-b" / "x.txt").write_text("A page in a folder whose name sorts before 'a/' by characters.\n")
    (dump / "a").mkdir()
    (dump / "a" / "x.txt").write_text("A page in the folder named a.\n")
    upload(s3, dump, "corpus", "raw")
    config = write_config(tmp_path / "c.yaml", "executor: {batch_docs: 5, read_mb: 0.01}\n"
                          "stages: [encoding, boilerplate, quality, dedup, passages]\n")
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "local"), "-c", str(config), "-w", "2", "-q")
    run_clean("run", "-i", "s3://corpus/raw", "-o", str(tmp_path / "remote"), "-c", str(config), "-w", "2", "-q")
    assert _parquet(tmp_path / "remote") == _parquet(tmp_path / "local")


def test_the_s3_listing_is_the_local_walk(s3, tmp_path: Path) -> None:
    from cleaner.io.remote import discover_remote

    dump = tmp_path / "dump"
    for name in ["a/x.txt", "a-b/y.txt", "a.txt", "b/.hidden/z.txt", ".git/config", "b/c/d.jsonl", "b/c.txt"]:
        (dump / name).parent.mkdir(parents=True, exist_ok=True)
        (dump / name).write_text(name)
    upload(s3, dump, "listing", "x/dump")
    local, _ = discover(dump)
    remote = discover_remote("s3://listing/x/dump")
    assert [f.source for f in remote] == [f.source for f in local]
    assert [f.size for f in remote] == [f.size for f in local]
    assert [f.source for f in remote] == ["a/x.txt", "a-b/y.txt", "a.txt", "b/c/d.jsonl", "b/c.txt"]
    assert remote[0].uri == "s3://listing/x/dump/a/x.txt"
    [single] = discover_remote("s3://listing/x/dump/b/c.txt")
    assert (single.source, single.size) == ("c.txt", len("b/c.txt"))


def test_a_missing_bucket_or_prefix_is_one_error_line(s3, tmp_path: Path) -> None:
    s3.create_dir("present")
    proc = run_clean("run", "-i", "s3://present/nothing-here", "-o", str(tmp_path / "out"), "-q", check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[0] == "error: input 's3://present/nothing-here' does not exist"
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def _keys(fs, bucket: str, prefix: str) -> list[str]:
    root = f"{bucket}/{prefix}"
    return sorted(e.path[len(root) + 1:] for e in fs.get_file_info(pafs.FileSelector(root, recursive=True))
                  if e.type == pafs.FileType.File)


def test_a_run_to_s3_uploads_the_output_a_local_run_writes(s3, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    s3.create_dir("out")
    config = write_config(tmp_path / "c.yaml", "output: {rows_per_file: 7}\nstages: [encoding, boilerplate, quality, dedup]\n")
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "local"), "-c", str(config), "-w", "2", "-q")
    run_clean("run", "-i", str(dump), "-o", "s3://out/corpus", "-c", str(config), "-w", "2", "-q")
    local = sorted(p.relative_to(tmp_path / "local").as_posix() for p in (tmp_path / "local").rglob("*") if p.is_file())
    assert _keys(s3, "out", "corpus") == local
    for key in local:
        if key.endswith(".parquet") or key == "manifest.json":
            assert s3.open_input_stream(f"out/corpus/{key}").read() == (tmp_path / "local" / key).read_bytes(), key
    proc = run_clean("run", "-i", str(dump), "-o", "s3://out/corpus", "-c", str(config), "-w", "2")
    assert "s3://out/corpus" in proc.stdout
    ok = run_clean("verify", "s3://out/corpus")
    assert ok.stdout.startswith("ok: ") and "s3://out/corpus/manifest.json" in ok.stdout
    # a smaller output replaces a larger one: the data parts it lacks are deleted
    fewer = write_config(tmp_path / "f.yaml", "stages: [encoding, boilerplate, quality, dedup]\n")
    run_clean("run", "-i", str(dump), "-o", "s3://out/corpus", "-c", str(fewer), "-q")
    assert [k for k in _keys(s3, "out", "corpus") if k.startswith("data/")] == ["data/part-00000.parquet"]
    assert run_clean("verify", "s3://out/corpus").returncode == 0
    # a part changed on the store is found
    with s3.open_output_stream("out/corpus/data/part-00000.parquet") as sink:
        sink.write(b"not what the run wrote")
    bad = run_clean("verify", "s3://out/corpus", check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: data/part-00000.parquet: "), bad.stderr


def test_a_prefix_holding_other_keys_is_refused_before_reading(s3, tmp_path: Path) -> None:
    s3.create_dir("mixed")
    with s3.open_output_stream("mixed/corpus/notes.txt") as sink:
        sink.write(b"my notes")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("A page of text about magnesium and the body.\n")
    proc = run_clean("run", "-i", str(raw), "-o", "s3://mixed/corpus", "-q", check=False)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[0] == ("error: output 's3://mixed/corpus' holds keys cleaner did not write "
                                           "(notes.txt); refusing to replace it")
    assert _keys(s3, "mixed", "corpus") == ["notes.txt"]
