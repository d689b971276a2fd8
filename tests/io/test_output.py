"""The staged output folder: staging names carry the host, and only this host's dead runs
are cleaned up (on storage several hosts share, a pid means nothing elsewhere)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from cleaner.io.output import StagedOutput, staging_owner

DEAD_PID = 2**22 + 12345  # above Linux's pid_max default: never a live process


def test_the_staging_folder_names_this_host_and_process(tmp_path: Path) -> None:
    staged = StagedOutput(tmp_path / "out")
    assert staging_owner(staged.path) == (socket.gethostname(), os.getpid())
    staged.discard()


def test_only_this_hosts_dead_runs_are_cleaned_up(tmp_path: Path) -> None:
    host = socket.gethostname()
    mine_dead = tmp_path / f".out.staging-{DEAD_PID}@{host}-0000aaaa"
    mine_live = tmp_path / f".out.staging-{os.getpid()}@{host}-0000bbbb"
    other_host = tmp_path / f".out.staging-{DEAD_PID}@another-node.cluster-0000cccc"
    legacy = tmp_path / f".out.staging-{DEAD_PID}-0000dddd"  # an older cleaner's: host unknown
    for folder in (mine_dead, mine_live, other_host, legacy):
        folder.mkdir()
    staged = StagedOutput(tmp_path / "out")
    assert not mine_dead.exists()
    assert mine_live.exists() and other_host.exists() and legacy.exists()
    staged.discard()
