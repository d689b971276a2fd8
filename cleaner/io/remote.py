"""Input on object storage (`s3://`, `gs://`, `hdfs://`, ... through `pyarrow.fs`).

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

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from cleaner.errors import ConfigError, InputError
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
                while chunk := source.read(_CHUNK):
                    sink.write(chunk)
        except (OSError, ConfigError, InputError) as exc:
            raise FetchError(f"cannot copy {file.uri!r} from the store: {exc}") from None
        yield replace(file, path=local, uri=None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
