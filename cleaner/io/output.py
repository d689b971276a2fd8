"""Atomic replacement of the output folder.

Everything is written into a staging folder beside the target; only a finished run swaps it
in (with Linux's atomic RENAME_EXCHANGE where available, else two renames with the previous
output parked until the new one is in place). A crash or Ctrl-C at any point leaves either
the complete previous output or the complete new one, never a mix, and never nothing: a
parked previous output is restored by the next run.

The staging folder is named after the run that writes it, `PID@HOST`: a run cleans up the
staging folders of dead runs of its own host only, because on storage several hosts mount
(a Ray cluster's output) a pid says nothing about a process elsewhere.

Swapping replaces the whole folder, so a folder is replaced only when everything in it is
cleaner's own (`OWN_FILES`, `data/part-NNNNN.parquet`, the `.gitignore` cleaner writes):
a user's notes or evaluation results saved into an earlier output make the next run stop
with their names, before any input is read, instead of vanishing with the old output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import json
import logging
import os
import re
import shutil
import socket
import uuid
from pathlib import Path

from cleaner.errors import OutputError

log = logging.getLogger(__name__)

#: Written into every output folder so git never tracks the corpus by accident.
GITIGNORE = "# Written by cleaner: the contents of an output folder are not tracked.\n*\n"
#: The files a run writes at the top of its output folder (besides `data/` and `.gitignore`).
OWN_FILES = frozenset({"removed.parquet", "spans.parquet", "clusters.parquet", "errors.parquet",
                       "stats.json", "config.resolved.yaml", "manifest.json"})
#: In the work folder of a staging folder a resumed run took over: that run's pid.
RESUMED_BY = "resumed-by"
#: The folder of kept documents and the names of its parts.
DATA_FOLDER = "data"
DATA_PART = re.compile(r"part-\d{5,}\.parquet")
#: How many foreign names the refusal lists before "and N more".
SHOWN_NAMES = 5
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class StagedOutput:
    """A staging folder that becomes `target` on `commit()` and vanishes on `discard()`."""

    def __init__(self, target: Path, identity: dict | None = None, resume: bool = False) -> None:
        """`identity` (the job's `run.json`, see `cleaner.pipeline.journal`) is written into
        the staging folder; with `resume`, the staging folder a killed run of the same job
        left is taken over (`resumed` says whether there was one) instead of a new one."""
        # An --output that is a symbolic link names the folder it points to: that folder is
        # replaced (staged beside it, on its filesystem), and the link keeps pointing at it.
        self.target = Path(os.path.realpath(target.absolute()))
        recover_parked(self.target)
        check_replaceable(self.target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        left = resumable_staging(self.target, identity) if resume and identity is not None else None
        self.resumed = left is not None
        remove_stale_staging(self.target, keep=left)
        if left is not None:
            # Kept under its name: the journal's batch files are named by path. Marked as
            # ours, so that no other run on this host takes it for a dead run's.
            self.path = left
            (left / "_work" / RESUMED_BY).write_text(str(os.getpid()))
            _clear_outputs(self.path)
        else:
            tag = f"{os.getpid()}@{_host()}-{uuid.uuid4().hex[:8]}"
            self.path = self.target.parent / f".{self.target.name}.staging-{tag}"
            self.path.mkdir()
        (self.path / ".gitignore").write_text(GITIGNORE)
        self.work = self.path / "_work"
        self.work.mkdir(exist_ok=True)
        if identity is not None:
            (self.work / "run.json").write_text(json.dumps(identity, indent=2, sort_keys=True) + "\n", encoding="utf-8")

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
    """Refuse to replace a folder holding anything cleaner did not write (replacing the
    folder would delete it)."""
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"output path {str(target)!r} exists and is not a folder", "choose another --output")
    foreign = foreign_entries(target)
    if not foreign:
        return
    shown = shown_names(foreign)
    raise OutputError(
        f"output folder {str(target)!r} holds files cleaner did not write ({shown}); refusing to replace it",
        "a run replaces its output folder whole: move those files out, or choose another --output",
    )


def shown_names(names: list[str]) -> str:
    """The first SHOWN_NAMES of `names`, and how many more there are."""
    more = len(names) - SHOWN_NAMES
    return ", ".join(names[:SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")


def own_name(relative: str) -> bool:
    """Whether a run writes a file at `relative` (a POSIX path inside its output folder);
    for keys on object storage, where only names can be judged (`cleaner.io.remote`)."""
    if relative in OWN_FILES or relative == ".gitignore":
        return True
    folder, _, name = relative.partition("/")
    return folder == DATA_FOLDER and DATA_PART.fullmatch(name) is not None


def foreign_entries(folder: Path) -> list[str]:
    """What in `folder` a run did not write, sorted; sub-folders end with `/`."""
    foreign = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name == DATA_FOLDER and entry.is_dir() and not entry.is_symlink():
            foreign += [f"{DATA_FOLDER}/{name}" for name in _foreign_parts(entry)]
        elif not _own_file(entry):
            foreign.append(entry.name + ("/" if entry.is_dir() else ""))
    return foreign


def _own_file(entry: Path) -> bool:
    if entry.is_symlink() or not entry.is_file():
        return False
    if entry.name == ".gitignore":
        return _read_small(entry) == GITIGNORE
    return entry.name in OWN_FILES


def _foreign_parts(data: Path) -> list[str]:
    return sorted(p.name + ("/" if p.is_dir() else "") for p in data.iterdir()
                  if p.is_symlink() or not p.is_file() or not DATA_PART.fullmatch(p.name))


def _read_small(path: Path) -> str | None:
    """The text of a small file, None for a large or unreadable one."""
    try:
        if path.stat().st_size > 4 * len(GITIGNORE):
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def recover_parked(target: Path) -> None:
    """Put back a previous output parked by a run that died between its two renames."""
    parked = target.parent / f".{target.name}.previous"
    if parked.is_dir() and not target.exists():
        log.warning("restoring the previous output from %s", parked)
        os.rename(parked, target)
    elif parked.is_dir():
        shutil.rmtree(parked)


def resumable_staging(target: Path, identity: dict) -> Path | None:
    """The staging folder a killed run of this host left for the same job (its
    `_work/run.json` equals `identity`), the most recently changed if several; else None."""
    host = _host()
    found = []
    for path in target.parent.glob(f".{glob.escape(target.name)}.staging-*"):
        owner = staging_owner(path)
        if owner is None or owner[0] != host or _alive(owner[1]) or _resumed_by_live_run(path):
            continue
        try:
            recorded = json.loads((path / "_work" / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if recorded == identity:
            found.append((path.stat().st_mtime_ns, path.name, path))
    return max(found)[2] if found else None


def _resumed_by_live_run(staging: Path) -> bool:
    """Whether a live run of this host resumes `staging` (its pid in `_work/RESUMED_BY`)."""
    try:
        pid = int((staging / "_work" / RESUMED_BY).read_text())
    except (OSError, ValueError):
        return False
    return _alive(pid)


def _clear_outputs(staging: Path) -> None:
    """Remove the outputs a killed run had begun in `staging` (a resumed run writes them
    again from its journal); its work folder stays."""
    for entry in staging.iterdir():
        if entry.name == "_work":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def remove_stale_staging(target: Path, keep: Path | None = None) -> None:
    """Delete staging folders left by runs of this host that were killed (their process is
    gone), but `keep`. Another host's, or an older cleaner's that names no host, may belong
    to a live run elsewhere: they are left alone."""
    host = _host()
    for path in target.parent.glob(f".{glob.escape(target.name)}.staging-*"):
        if path == keep:
            continue
        owner = staging_owner(path)
        if owner is None or owner[0] != host:
            log.info("leaving %s: written by another host or an older cleaner; delete it if no run uses it", path)
        elif not _alive(owner[1]) and not _resumed_by_live_run(path):
            log.info("removing %s left by an interrupted run", path)
            shutil.rmtree(path, ignore_errors=True)


def staging_owner(path: Path) -> tuple[str, int] | None:
    """(host, pid) of the run a staging folder `.NAME.staging-PID@HOST-XXXXXXXX` belongs
    to; None for another name (an older cleaner's `PID-XXXXXXXX`)."""
    tag = path.name.rpartition(".staging-")[2]
    owner, _, _ = tag.rpartition("-")
    pid, at, host = owner.partition("@")
    if not (at and host and pid.isdigit()):
        return None
    return host, int(pid)


def _host() -> str:
    """This machine's name as staging folder names carry it."""
    return socket.gethostname() or "localhost"


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
