"""manifest.json and `clean verify`: what a finished run wrote, checkable after a copy."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from cleaner.io import manifest
from cleaner.io.discover import discover
from tests.helpers import REPO, run_clean


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("manifest")
    shutil.copytree(REPO / "raw", root / "raw")
    run_clean("run", "-i", str(root / "raw"), "-o", str(root / "clean"), "-c", str(REPO / "config.yaml"), "-q")
    return root / "clean"


@pytest.fixture
def copy(sample_output: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(sample_output, target)
    return target


def test_the_manifest_lists_every_parquet_file_with_rows_size_and_checksum(sample_output: Path) -> None:
    found = json.loads((sample_output / "manifest.json").read_text())
    names = sorted([p.relative_to(sample_output).as_posix() for p in sample_output.rglob("*.parquet")])
    assert [part["path"] for part in found["parts"]] == names
    for part in found["parts"]:
        path = sample_output / part["path"]
        assert part["rows"] == pq.read_metadata(path).num_rows
        assert part["bytes"] == path.stat().st_size
        assert part["sha256"] == manifest.file_sha256(path)
    stats = json.loads((sample_output / "stats.json").read_text())
    assert found["records"] == stats["records"] == {"read": 5, "kept": 5, "removed": 0, "errors": 0}
    resolved = yaml.safe_load((sample_output / "config.resolved.yaml").read_text())
    assert found["config_sha256"] == manifest.config_digest(resolved)
    assert found["input"]["files"] == 5 and found["input"]["bytes"] == stats["files"]["bytes"]


def test_verify_passes_on_an_untouched_copy(copy: Path) -> None:
    proc = run_clean("verify", str(copy))
    assert proc.stdout.startswith("ok: 5 Parquet files match") and "5 records read: 5 kept" in proc.stdout


@pytest.mark.parametrize("damage, message", [
    (lambda out: (out / "spans.parquet").write_bytes((out / "spans.parquet").read_bytes()[:-1]), "spans.parquet: "),
    (lambda out: (out / "removed.parquet").unlink(), "removed.parquet: missing"),
    (lambda out: shutil.copy(out / "errors.parquet", out / "data" / "part-00001.parquet"),
     "data/part-00001.parquet: not in the manifest"),
    (lambda out: _flip_a_byte(out / "data" / "part-00000.parquet"), "data/part-00000.parquet: contents differ"),
])
def test_verify_names_each_difference_and_exits_1(copy: Path, damage, message: str) -> None:
    damage(copy)
    proc = run_clean("verify", str(copy), check=False)
    assert proc.returncode == 1
    assert f"error: {message}" in proc.stderr, proc.stderr


def test_verify_checks_that_the_counts_add_up(copy: Path) -> None:
    found = json.loads((copy / "manifest.json").read_text())
    found["records"]["kept"] = 4
    (copy / "manifest.json").write_text(json.dumps(found))
    _, problems = manifest.verify(copy)
    assert problems == ["data: 5 rows listed but the run counted 4 kept",
                        "records: 4 kept + 0 removed + 0 errors = 4, not the 5 read"]


def test_verify_of_a_folder_without_a_manifest_is_one_error_line(tmp_path: Path) -> None:
    proc = run_clean("verify", str(tmp_path), check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"error: {tmp_path / 'manifest.json'} does not exist",
                                        "hint: is this the output folder of a finished `clean run`?"]


def test_the_input_fingerprint_follows_names_sizes_and_modification_times(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one")
    b.write_text("two")
    listing, _ = discover(tmp_path)
    first = manifest.input_fingerprint(listing)
    assert manifest.input_fingerprint(list(reversed(listing))) == first  # order of listing is not input
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000_000))
    assert manifest.input_fingerprint(discover(tmp_path)[0]) != first
    assert manifest.input_fingerprint(listing[:1]) != manifest.input_fingerprint(listing)


def test_a_different_config_gives_a_different_manifest(sample_output: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("stages: [encoding, boilerplate]\n")
    run_clean("run", "-i", str(REPO / "raw"), "-o", str(tmp_path / "out"), "-c", str(config), "-q")
    one, other = (json.loads((p / "manifest.json").read_text()) for p in (sample_output, tmp_path / "out"))
    assert one["config_sha256"] != other["config_sha256"]
    assert one["parts"] != other["parts"]


def test_the_config_digest_leaves_out_how_the_work_is_spread() -> None:
    """Two configs that differ only in `executor` write the same outputs (see
    test_outputs_are_byte_identical_for_any_worker_count), so their manifests are equal too."""
    from cleaner.config import parse_config

    base = parse_config({"stages": ["encoding"]}, "test").to_plain()
    spread = parse_config({"stages": ["encoding"], "executor": {"batch_docs": 3, "read_mb": 0.5}}, "test").to_plain()
    other = parse_config({"stages": ["encoding"], "output": {"rows_per_file": 7}}, "test").to_plain()
    assert manifest.config_digest(base) == manifest.config_digest(spread)
    assert manifest.config_digest(base) != manifest.config_digest(other)


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(data)
