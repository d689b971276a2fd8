"""Finding the input files: a sorted, recursive walk that never leaves the input folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cleaner.document import ReadFailure, ReadSkip
from cleaner.errors import InputError
from cleaner.io.names import escape_name


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read; `source` is its path relative to the input root (POSIX style, with
    bytes that are not UTF-8 escaped: `cleaner.io.names`); `size` and `mtime_ns` are as
    listed (the run's input fingerprint, `cleaner.io.manifest`, is made of them; -1: not
    taken); `uri` is set for a file on object storage (`cleaner.io.remote`), whose `path`
    is then only its relative name."""

    path: Path
    source: str
    size: int
    mtime_ns: int = -1
    uri: str | None = None


Refused = ReadFailure | ReadSkip


def discover(root: Path, skip_hidden: bool = True, exclude: Path | None = None) -> tuple[list[InputFile], list[Refused]]:
    """All files under `root` in sorted order, plus a row for each entry we did not read.

    Symbolic links are followed only when they resolve inside `root`; a link pointing out
    of it, or to nothing, is a removal with its reason (`link_outside_input`,
    `broken_link`), never a silent skip; nothing failed, so it does not count toward
    `readers.max_errors`. A folder that cannot be listed is an error row. `exclude` (the
    output folder when it sits inside the input) is not walked.
    """
    if not root.exists():
        raise InputError(f"input path {str(root)!r} does not exist", "pass --input PATH (a folder or a file)")
    if root.is_file():
        return [_listed(root, escape_name(root.name), root.stat())], []
    if not root.is_dir():
        raise InputError(f"input path {str(root)!r} is neither a file nor a folder")
    real_root = root.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    files: list[InputFile] = []
    refused: list[Refused] = []
    _walk(root, real_root, "", skip_hidden, excluded, files, refused)
    return files, refused


def _walk(folder: Path, real_root: Path, prefix: str, skip_hidden: bool, excluded: Path | None,
          files: list[InputFile], refused: list[Refused]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        refused.append(ReadFailure(prefix.rstrip("/") or ".", None, f"cannot list folder: {exc.strerror}"))
        return
    for entry in entries:
        source = prefix + escape_name(entry.name)
        if skip_hidden and entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            _follow_link(path, source, real_root, files, refused)
        elif entry.is_dir(follow_symlinks=False):
            if excluded is not None and path.resolve() == excluded:
                continue
            _walk(path, real_root, source + "/", skip_hidden, excluded, files, refused)
        elif entry.is_file(follow_symlinks=False):
            files.append(_listed(path, source, entry.stat(follow_symlinks=False)))


def _follow_link(path: Path, source: str, real_root: Path, files: list[InputFile], refused: list[Refused]) -> None:
    target = path.resolve()
    if not target.exists():
        refused.append(ReadSkip(source, source, 0, "broken_link", f"broken symbolic link (to {str(target)!r})"))
    elif not target.is_relative_to(real_root):
        detail = f"symbolic link to {str(target)!r} outside the input folder; not followed"
        refused.append(ReadSkip(source, source, 0, "link_outside_input", detail))
    elif target.is_file():
        files.append(_listed(path, source, target.stat()))
    # A link to a folder inside the input is not walked: that folder is read where it is.


def _listed(path: Path, source: str, stat: os.stat_result) -> InputFile:
    return InputFile(path, source, stat.st_size, stat.st_mtime_ns)
