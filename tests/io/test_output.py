"""The staged output folder: staging names carry the host, and only this host's dead runs
are cleaned up (on storage several hosts share, a pid means nothing elsewhere); a commit
swaps the whole folder in, a discard leaves the previous output as it was, and a folder
holding what cleaner did not write is never replaced."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from cleaner.errors import OutputError
from cleaner.io import output
from cleaner.io.output import (
    DATA_FOLDER,
    GITIGNORE,
    OWN_FILES,
    StagedOutput,
    check_replaceable,
    foreign_entries,
    staging_owner,
)

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


# Commit, discard and what a previous output may hold --------------------------------------


def _finished_run(target: Path, marker: str) -> StagedOutput:
    """A staging folder for `target` holding what a run writes, `marker` in stats.json."""
    staged = StagedOutput(target)
    (staged.path / "stats.json").write_text(marker)
    (staged.path / "config.resolved.yaml").write_text("stages: []\n")
    (staged.path / DATA_FOLDER).mkdir()
    (staged.path / DATA_FOLDER / "part-00000.parquet").write_bytes(b"PAR1" + marker.encode())
    (staged.work / "pass-1").mkdir()
    (staged.work / "pass-1" / "parcel").write_bytes(b"intermediate")
    return staged


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _beside(target: Path) -> list[str]:
    """Every name in the target's parent folder but the target's own."""
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name)


def test_staging_is_a_hidden_folder_beside_the_target_with_a_gitignore(tmp_path: Path) -> None:
    target = tmp_path / "out"
    staged = StagedOutput(target)
    assert staged.path.parent == tmp_path and staged.path.name.startswith(".out.staging-")
    assert staged.work == staged.path / "_work" and staged.work.is_dir()
    assert (staged.path / ".gitignore").read_text() == GITIGNORE
    assert not target.exists()  # nothing shows at the target before commit
    staged.discard()


def test_commit_into_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "deeper" / "out"  # its parents are made too
    staged = _finished_run(target, "new")
    staged.commit()
    assert _tree(target) == {".gitignore": GITIGNORE.encode(), "config.resolved.yaml": b"stages: []\n",
                             "data/part-00000.parquet": b"PAR1new", "stats.json": b"new"}
    assert not staged.path.exists() and _beside(target) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["rename-exchange", "two-renames"])
def test_commit_replaces_the_previous_output_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    """Old content gone (a part the new run did not write too), new in place, neither the
    staging folder nor a parked previous output left beside it; with renameat2 and
    without it (the fallback parks the previous output for the swap)."""
    target = tmp_path / "out"
    old = _finished_run(target, "old")
    (old.path / DATA_FOLDER / "part-00001.parquet").write_bytes(b"PAR1old-second")
    (old.path / "errors.parquet").write_bytes(b"PAR1old-errors")
    old.commit()
    if not exchange:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    new = _finished_run(target, "new")
    new.commit()
    assert _tree(target) == {".gitignore": GITIGNORE.encode(), "config.resolved.yaml": b"stages: []\n",
                             "data/part-00000.parquet": b"PAR1new", "stats.json": b"new"}
    assert not new.path.exists() and _beside(target) == []


def test_the_work_folder_is_not_part_of_the_output(tmp_path: Path) -> None:
    target = tmp_path / "out"
    staged = _finished_run(target, "new")
    staged.commit()
    assert not (target / "_work").exists()
    assert foreign_entries(target) == []  # the next run may replace it


def test_discard_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _finished_run(target, "old").commit()
    before = _tree(target)
    staged = _finished_run(target, "new")
    staged.discard()
    assert _tree(target) == before
    assert not staged.path.exists() and _beside(target) == []
    staged.discard()  # a second discard (a failure while discarding) is harmless


def test_discard_before_any_output_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _finished_run(target, "new").discard()
    assert list(tmp_path.iterdir()) == []


def test_a_previous_output_parked_by_a_dead_run_is_restored(tmp_path: Path) -> None:
    """A run that died between its two renames left the previous output parked and no
    target: the next run puts it back before it starts."""
    target = tmp_path / "out"
    _finished_run(target, "old").commit()
    before = _tree(target)
    target.rename(tmp_path / ".out.previous")
    staged = StagedOutput(target)
    assert _tree(target) == before
    assert not (tmp_path / ".out.previous").exists()
    staged.discard()


def test_a_parked_output_beside_a_new_one_is_removed(tmp_path: Path) -> None:
    """A run that died after its second rename left the new output in place and the
    previous one parked: the parked one is the stale one."""
    target = tmp_path / "out"
    _finished_run(target, "old").commit()
    parked = tmp_path / ".out.previous"
    parked.mkdir()
    (parked / "stats.json").write_text("older")
    current = _tree(target)
    staged = StagedOutput(target)
    assert not parked.exists() and _tree(target) == current
    staged.discard()


def test_staging_folders_of_other_targets_are_left_alone(tmp_path: Path) -> None:
    other = tmp_path / f".other.staging-{DEAD_PID}@{socket.gethostname()}-0000aaaa"
    other.mkdir()
    StagedOutput(tmp_path / "out").discard()
    assert other.exists()


@pytest.mark.parametrize(("name", "owner"), [
    (".out.staging-123@node-7.example-0a1b2c3d", ("node-7.example", 123)),
    (".my.out.staging-9@h-ffffffff", ("h", 9)),
    (".out.staging-123-0a1b2c3d", None),  # an older cleaner's: no host
    (".out.staging-abc@node-0a1b2c3d", None),  # not a pid
    (".out.staging-123@-0a1b2c3d", None),  # no host
])
def test_staging_owner(name: str, owner: tuple[str, int] | None) -> None:
    assert staging_owner(Path("/somewhere") / name) == owner


def test_a_previous_run_output_is_replaceable(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    for name in OWN_FILES:
        (target / name).write_text("x")
    (target / ".gitignore").write_text(GITIGNORE)
    (target / DATA_FOLDER).mkdir()
    (target / DATA_FOLDER / "part-00000.parquet").write_text("x")
    (target / DATA_FOLDER / "part-123456.parquet").write_text("x")  # more than five digits
    assert foreign_entries(target) == []
    check_replaceable(target)
    check_replaceable(tmp_path / "absent")


def test_foreign_entries_names_what_a_run_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "out"
    (target / DATA_FOLDER / "extra").mkdir(parents=True)
    (target / DATA_FOLDER / "part-1.parquet").write_text("x")  # too few digits
    (target / DATA_FOLDER / "notes.txt").write_text("x")
    (target / "eval").mkdir()
    (target / "notes.md").write_text("mine")
    (target / ".gitignore").write_text("*.parquet\n")  # the user's own, not cleaner's
    (target / "stats.json").symlink_to(target / "notes.md")  # an own name, but a link
    (target / "stats.json.bak").write_text("x")
    assert foreign_entries(target) == [".gitignore", "data/extra/", "data/notes.txt", "data/part-1.parquet",
                                       "eval/", "notes.md", "stats.json", "stats.json.bak"]


def test_an_output_with_foreign_files_is_refused_before_anything_is_staged(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _finished_run(target, "old").commit()
    for n in range(7):
        (target / f"mine-{n}.txt").write_text("keep me")
    before = _tree(target)
    with pytest.raises(OutputError) as caught:
        StagedOutput(target)
    message = str(caught.value)
    assert "mine-0.txt, mine-1.txt, mine-2.txt, mine-3.txt, mine-4.txt and 2 more" in message
    assert "mine-5.txt" not in message
    assert _tree(target) == before and _beside(target) == []


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(OutputError, match="not a folder"):
        StagedOutput(target)
    assert target.read_text() == "not a folder" and _beside(target) == []


def test_an_output_that_is_a_symlink_replaces_the_folder_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "stats.json").write_text("old")
    link = tmp_path / "link"
    link.symlink_to(real)
    staged = StagedOutput(link)
    (staged.path / "stats.json").write_text("new")
    staged.commit()
    assert link.is_symlink() and (link / "stats.json").read_text() == "new"
    assert (real / "stats.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_dead_staging_of_a_name_with_glob_characters_is_found(tmp_path: Path) -> None:
    import socket

    from cleaner.io.output import remove_stale_staging

    dead = 2**22 + 12345  # above the default pid_max: no such process
    mine = tmp_path / f".run[1].staging-{dead}@{socket.gethostname()}-abcd1234"
    other = tmp_path / f".run1.staging-{dead}@{socket.gethostname()}-abcd1234"
    mine.mkdir()
    other.mkdir()
    remove_stale_staging(tmp_path / "run[1]")
    assert not mine.exists() and other.exists()
