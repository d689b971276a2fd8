"""Input and output on object storage (`s3://`, `gs://`, `hdfs://`, ... through `pyarrow.fs`).

The driver lists the files under the URI (`discover_remote`, in the same order as a local
walk: by name, folder by folder); a read task, in whichever worker or node runs it, copies
each of its files from the store into a local temporary file (`fetched`) and reads that,
so every reader (magic-byte detection, gzip salvage, Parquet's random access) works on
remote input unchanged, and the copy is removed as soon as its records are read. Nothing
of the input passes through the driver.

Credentials and endpoints come from the environment as the store's own tools read them
(`AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL`, `AWS_DEFAULT_REGION`, `GOOGLE_APPLICATION_CREDENTIALS`,
...) or from query parameters of the URI that pyarrow understands (`?region=`,
`?endpoint_override=`); every worker needs them, as it reads its files itself. A scheme
pyarrow does not serve is tried through fsspec when fsspec is installed.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from cleaner.errors import ConfigError, InputError, OutputError
from cleaner.io.discover import InputFile

#: `scheme://...`, and the same folded to `scheme:/...` by Path (the CLI's options are Paths).
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/+")
#: Bytes copied per read from the store.
_CHUNK = 8 << 20


def as_uri(path: Path | str) -> str | None:
    """The URI `path` names (`s3://b/k`, also as Path folded it: `s3:/b/k`), or None for a
    local path (a Windows drive letter or an existing local file named `x:` stays local)."""
    text = str(path)
    match = _URI.match(text)
    if match is None or len(match.group(1)) < 2 or Path(text).exists():
        return None
    return f"{match.group(1).lower()}://{text[match.end():]}"


def filesystem(uri: str) -> tuple[Any, str]:
    """(pyarrow FileSystem, path inside it) for `uri`; a one-line error when no library
    serves its scheme."""
    import pyarrow.fs as pafs

    try:
        return pafs.FileSystem.from_uri(uri)
    except ValueError as first:  # pyarrow.lib.ArrowInvalid: a scheme pyarrow does not serve
        scheme = uri.split(":", 1)[0]
        try:
            import fsspec  # type: ignore[import-untyped]
        except ImportError:
            raise ConfigError(f"{uri!r}: {scheme}:// is not served by pyarrow ({first}) and fsspec is not installed",
                              "use s3://, gs://, hdfs:// or a local path, or `pip install fsspec` and its "
                              f"{scheme} package") from None
        try:
            fs, path = fsspec.core.url_to_fs(uri)
        except (ValueError, ImportError) as exc:
            raise ConfigError(f"{uri!r}: no filesystem serves {scheme}:// ({exc})",
                              "use s3://, gs://, hdfs:// or a local path") from None
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path
    except OSError as exc:
        raise InputError(f"cannot reach {uri!r}: {exc}", "check the credentials and the endpoint "
                         "(AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)") from None


def discover_remote(uri: str, skip_hidden: bool = True) -> list[InputFile]:
    """Every file under `uri` (or the one file it names), in local-walk order."""
    import pyarrow.fs as pafs

    fs, root = filesystem(uri)
    root = root.rstrip("/")
    try:
        info = fs.get_file_info(root)
        if info.type == pafs.FileType.NotFound:
            raise InputError(f"input {uri!r} does not exist", "check the bucket and the prefix (and the credentials)")
        if info.type == pafs.FileType.File:
            return [_listed(uri, PurePosixPath(root).name, info)]
        entries = fs.get_file_info(pafs.FileSelector(root, recursive=True))
    except OSError as exc:
        raise InputError(f"cannot list the input {uri!r}: {exc}", "check the credentials and the endpoint "
                         "(AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)") from None
    base = uri.rstrip("/")
    files = []
    for entry in entries:
        if entry.type != pafs.FileType.File:
            continue
        relative = entry.path[len(root) + 1:]
        if skip_hidden and any(part.startswith(".") for part in relative.split("/")):
            continue
        files.append(_listed(f"{base}/{relative}", relative, entry))
    return sorted(files, key=lambda f: f.source.split("/"))


def _listed(uri: str, source: str, info: Any) -> InputFile:
    mtime = info.mtime_ns if info.mtime_ns is not None else -1
    return InputFile(Path(source), source, info.size or 0, mtime, uri=uri)


class FetchError(Exception):
    """A remote input file could not be copied here; the message says why."""


@contextmanager
def fetched(file: InputFile) -> Iterator[InputFile]:
    """`file` readable as a local file: a local temporary copy of the remote file (removed
    on the way out); raises FetchError when it cannot be copied."""
    assert file.uri is not None, "only remote files are fetched"
    folder = tempfile.mkdtemp(prefix="cleaner-fetch-")
    local = Path(folder) / (PurePosixPath(file.source).name or "object")
    try:
        try:
            fs, path = filesystem(file.uri)
            with fs.open_input_stream(path) as source, open(local, "wb") as sink:
                _copy(source, sink)
        except (OSError, ConfigError, InputError) as exc:
            raise FetchError(f"cannot copy {file.uri!r} from the store: {exc}") from None
        yield replace(file, path=local, uri=None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RemoteOutput:
    """`-o s3://bucket/corpus`: the run stages and commits into a local folder exactly as
    for a local output (`local`, under the temporary folder, named after the URI so that
    `--resume` finds it), and `publish` then uploads it.

    Object stores have no atomic folder swap, so `manifest.json` is the commit point: the
    previous output's manifest is deleted first, every other file uploaded, the new manifest
    uploaded last, and only then are keys of the previous output that the new one lacks
    (more data parts) deleted. A reader that finds manifest.json finds the output it
    describes (`clean verify` checks it). Only keys cleaner writes are replaced or deleted:
    any other key under the prefix stops the run before any input is read, as a foreign
    file in a local output folder does.
    """

    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")
        self.fs, self.root = filesystem(self.uri)
        self.root = self.root.rstrip("/")
        digest = hashlib.sha256(self.uri.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.local = Path(tempfile.gettempdir()) / "cleaner-output" / digest / "out"

    def existing(self) -> list[str]:
        """The keys under the prefix, relative to it, sorted."""
        import pyarrow.fs as pafs

        try:
            info = self.fs.get_file_info(self.root)
            if info.type == pafs.FileType.NotFound:
                return []
            if info.type == pafs.FileType.File:
                raise OutputError(f"output {self.uri!r} is an object, not a prefix", "choose another --output")
            entries = self.fs.get_file_info(pafs.FileSelector(self.root, recursive=True))
        except OSError as exc:
            raise OutputError(f"cannot list the output {self.uri!r}: {exc}", _STORE_HINT) from None
        return sorted(e.path[len(self.root) + 1:] for e in entries if e.type == pafs.FileType.File)

    def check(self) -> None:
        """Refuse, before any input is read, a prefix holding keys cleaner did not write."""
        from cleaner.io.output import own_name, shown_names

        foreign = [key for key in self.existing() if not own_name(key)]
        if foreign:
            raise OutputError(f"output {self.uri!r} holds keys cleaner did not write ({shown_names(foreign)}); "
                              "refusing to replace it",
                              "a run replaces its output whole: move those keys, or choose another --output")

    def publish(self) -> None:
        """Upload the committed local folder (see the class docstring), then remove it."""
        from cleaner.io.output import own_name

        before = self.existing()
        files = sorted(p.relative_to(self.local).as_posix() for p in self.local.rglob("*") if p.is_file())
        try:
            if "manifest.json" in before:
                self.fs.delete_file(f"{self.root}/manifest.json")
            for key in [k for k in files if k != "manifest.json"] + ["manifest.json"]:
                with open(self.local / key, "rb") as source, self.fs.open_output_stream(f"{self.root}/{key}") as sink:
                    _copy(source, sink)
            for key in sorted(set(before) - set(files)):
                if own_name(key):
                    self.fs.delete_file(f"{self.root}/{key}")
        except OSError as exc:
            raise OutputError(f"uploading the output to {self.uri!r} failed: {exc}",
                              f"the run's output is complete in {self.local}; run again (or upload that folder)") from None
        shutil.rmtree(self.local.parent, ignore_errors=True)

    def download(self, folder: Path) -> None:
        """Copy the output under the prefix into `folder` (for `clean verify`)."""
        for key in self.existing():
            target = folder / key
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with self.fs.open_input_stream(f"{self.root}/{key}") as source, open(target, "wb") as sink:
                    _copy(source, sink)
            except OSError as exc:
                raise OutputError(f"cannot read {self.uri}/{key}: {exc}", _STORE_HINT) from None


def _copy(source: Any, sink: Any) -> None:
    while chunk := source.read(_CHUNK):
        sink.write(chunk)


_STORE_HINT = "check the credentials and the endpoint (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)"
