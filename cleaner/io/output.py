"""Atomic replacement of the output folder.

Everything is written into a staging folder beside the target; only a finished run swaps it
in (with Linux's atomic RENAME_EXCHANGE where available, else two renames with the previous
output parked until the new one is in place). A crash or Ctrl-C at any point leaves either
the complete previous output or the complete new one, never a mix, and never nothing: a
parked previous output is restored by the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import uuid
from pathlib import Path

from cleaner.errors import OutputError

log = logging.getLogger(__name__)

#: Written into every output folder so git never tracks the corpus by accident.
GITIGNORE = "# Written by cleaner: the contents of an output folder are not tracked.\n*\n"
#: Files whose presence marks a folder as an earlier cleaner output we may replace.
MARKERS = ("stats.json", "config.resolved.yaml")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class StagedOutput:
    """A staging folder that becomes `target` on `commit()` and vanishes on `discard()`."""

    def __init__(self, target: Path) -> None:
        self.target = target.absolute()
        recover_parked(self.target)
        check_replaceable(self.target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(self.target)
        tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = self.target.parent / f".{self.target.name}.staging-{tag}"
        self.path.mkdir()
        (self.path / ".gitignore").write_text(GITIGNORE)
        self.work = self.path / "_work"
        self.work.mkdir()

    def commit(self) -> None:
        """Swap the finished staging folder in place of the target."""
        shutil.rmtree(self.work, ignore_errors=True)
        if not self.target.exists():
            os.rename(self.path, self.target)
            return
        if _exchange(self.path, self.target):
            shutil.rmtree(self.path)
            return
        parked = self.target.parent / f".{self.target.name}.previous"
        os.rename(self.target, parked)
        os.rename(self.path, self.target)
        shutil.rmtree(parked)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def check_replaceable(target: Path) -> None:
    """Refuse to replace a folder that is not empty and not an earlier cleaner output."""
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"output path {str(target)!r} exists and is not a folder", "choose another --output")
    names = {p.name for p in target.iterdir()}
    if not names or names <= {".gitignore", ".gitkeep"} or any(m in names for m in MARKERS):
        return
    raise OutputError(
        f"output folder {str(target)!r} holds files that are not a cleaner output; refusing to replace it",
        "choose an empty or new folder for --output",
    )


def recover_parked(target: Path) -> None:
    """Put back a previous output parked by a run that died between its two renames."""
    parked = target.parent / f".{target.name}.previous"
    if parked.is_dir() and not target.exists():
        log.warning("restoring the previous output from %s", parked)
        os.rename(parked, target)
    elif parked.is_dir():
        shutil.rmtree(parked)


def remove_stale_staging(target: Path) -> None:
    """Delete staging folders left by runs that were killed (their process is gone)."""
    for path in target.parent.glob(f".{target.name}.staging-*"):
        pid = path.name.rsplit(".staging-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            log.info("removing %s left by an interrupted run", path)
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
