"""`manifest.json`: what a finished run wrote, checkable after the output has been copied.

A run writes it last, into the staging folder, just before the folder is swapped in: every
Parquet part with its row count, byte size and SHA-256, the SHA-256 of what the resolved
config says about the output (`config_digest`: every section but `executor`), a
fingerprint of the input listing and the record counts. Nothing in it depends on the clock,
the machine, the worker count or how the work was spread, so two runs of the same input and
config have byte-identical manifests exactly when their Parquet outputs are byte-identical:
comparing two runs is comparing two small files (stats.json holds the timings and differs).

`clean verify` reads it back and checks an output folder against it: a part missing, cut
short, changed or added after the run, or row counts that no longer add up to the records
read. The input fingerprint hashes each input file's path (relative to the input root),
size and modification time as the run listed them before reading: the same files,
untouched, give the same fingerprint, as make and rsync judge it; the files' contents are
not read a second time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.errors import OutputError
from cleaner.io.discover import InputFile

NAME = "manifest.json"
FORMAT = 1
#: The per-record outputs and the manifest's record count each one's rows must equal
#: (`data/` sums its parts; spans and clusters have rows of their own and no total).
COUNTED = {"data": "kept", "removed.parquet": "removed", "errors.parquet": "errors"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One Parquet file of the output, as the manifest lists it."""

    path: str
    rows: int
    bytes: int
    sha256: str

    @classmethod
    def of(cls, folder: Path, relative: str) -> Part:
        import pyarrow.parquet as pq

        path = folder / relative
        return cls(relative, pq.read_metadata(path).num_rows, path.stat().st_size, file_sha256(path))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def parquet_files(folder: Path) -> list[str]:
    """The Parquet files of an output folder (at its top and in `data/`; a staging folder's
    `_work/` is not output), relative POSIX paths, sorted."""
    found = [*folder.glob("*.parquet"), *(folder / "data").glob("*.parquet")]
    return sorted(p.relative_to(folder).as_posix() for p in found if p.is_file())


def input_fingerprint(files: Iterable[InputFile]) -> str:
    """SHA-256 over each input file's (relative name, size, modification time in ns) as
    listed, sorted by name."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.source):
        digest.update(f"{file.source}\0{file.size}\0{file.mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def config_digest(plain: dict[str, Any]) -> str:
    """SHA-256 of a resolved config (`Config.to_plain()`) without its `executor` section:
    batch sizes, read task sizes, the executor kind and its watchdog decide how the work is
    spread, never what is written, so runs that differ only there have equal manifests."""
    kept = {key: value for key, value in plain.items() if key != "executor"}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def build(folder: Path, version: str, records: dict[str, int], inputs: list[InputFile], config: dict[str, Any]) -> dict:
    """The manifest of a finished output folder; `config` is the resolved config as plain data."""
    return {
        "format": FORMAT,
        "cleaner_version": version,
        "config_sha256": config_digest(config),
        "input": {"files": len(inputs), "bytes": sum(f.size for f in inputs),
                  "fingerprint": input_fingerprint(inputs)},
        "records": dict(records),
        "parts": [Part.of(folder, name).__dict__ for name in parquet_files(folder)],
    }


def write(folder: Path, manifest: dict) -> None:
    (folder / NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(folder: Path) -> dict:
    path = folder / NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{path} does not exist", "is this the output folder of a finished `clean run`?") from None
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path} cannot be read: {exc}", "it is written by `clean run`; run it again") from None


def verify(folder: Path) -> tuple[dict, list[str]]:
    """The manifest of `folder` and each way the folder differs from it (empty: it matches)."""
    manifest = read(folder)
    problems: list[str] = []
    listed = {part["path"]: part for part in manifest.get("parts", [])}
    present = set(parquet_files(folder))
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not in the manifest (added after the run)")
    rows: dict[str, int] = {}
    for name, part in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: missing")
            continue
        problems += _part_problems(folder, name, part)
        key = "data" if name.startswith("data/") else name
        rows[key] = rows.get(key, 0) + int(part["rows"])
    records = manifest.get("records", {})
    for key, field in COUNTED.items():
        if key in rows and rows[key] != records.get(field):
            problems.append(f"{key}: {rows[key]} rows listed but the run counted {records.get(field)} {field}")
    outcomes = [records.get(f, 0) for f in COUNTED.values()]
    if sum(outcomes) != records.get("read"):
        kept, removed, errors = outcomes
        problems.append(f"records: {kept} kept + {removed} removed + {errors} errors = {sum(outcomes)}, "
                        f"not the {records.get('read')} read")
    return manifest, problems


def _part_problems(folder: Path, name: str, part: dict) -> list[str]:
    path = folder / name
    size = path.stat().st_size
    if size != part["bytes"]:
        return [f"{name}: {size} bytes, the manifest says {part['bytes']}"]
    if file_sha256(path) != part["sha256"]:
        return [f"{name}: contents differ from the manifest's SHA-256"]
    return []
