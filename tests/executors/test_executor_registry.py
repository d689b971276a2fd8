"""An executor from outside the package, named in `executor.kind` as `module:attr`, runs
the same pipeline and writes the same bytes as the built-in pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.config import parse_config
from cleaner.errors import ConfigError
from tests.helpers import REPO, output_digests, run_clean, user_module, write_config

INLINE_EXECUTOR = '''
from pathlib import Path

from cleaner.executors.base import ordered_window


class Inline:
    """Runs every item in this process and notes how many it ran in the run folder."""

    def __init__(self, initializer, initargs, run_folder):
        initializer(*initargs)
        self.count = 0
        self.log = Path(run_folder).parent.parent / "inline.count"

    def _run(self, fn, item):
        self.count += 1
        return fn(item)

    def map(self, fn, items):
        return ordered_window(items, lambda item: self._run(fn, item), lambda result: result, 2)

    def run_one(self, fn, item):
        return self._run(fn, item)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.log.write_text(str(self.count))


def make(workers, initializer, initargs, run_folder):
    return Inline(initializer, initargs, run_folder)


NOT_CALLABLE = 42
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    with user_module(tmp_path, monkeypatch, "inline_executor", INLINE_EXECUTOR) as site:
        yield site


def test_a_plugin_executor_writes_what_the_pool_writes(tmp_path: Path, plugin: Path) -> None:
    stages = "stages: [encoding, boilerplate, quality, dedup, passages]\noutput: {rows_per_file: 2}\n"
    mine = write_config(tmp_path / "mine.yaml", stages + "executor: {kind: 'inline_executor:make', batch_docs: 2}\n")
    pool = write_config(tmp_path / "pool.yaml", stages + "executor: {batch_docs: 2}\n")
    run_clean("run", "-i", str(REPO / "raw"), "-o", str(tmp_path / "a" / "out"), "-c", str(mine))
    run_clean("run", "-i", str(REPO / "raw"), "-o", str(tmp_path / "b" / "out"), "-c", str(pool), "-w", "2")
    mine_digests, pool_digests = (output_digests(tmp_path / run / "out") for run in "ab")
    for digests in (mine_digests, pool_digests):
        digests.pop("config.resolved.yaml")  # it names the executor
    assert mine_digests == pool_digests and len(mine_digests) >= 5
    assert int((tmp_path / "a" / "inline.count").read_text()) >= 3  # it ran the batches of every pass


@pytest.mark.parametrize("kind, message", [
    ("spark", "executor.kind: 'spark' is not a built-in executor nor an import path 'module:attr'; allowed: 'local', 'ray' or 'module:attr'"),
    ("inline_executor:NOT_CALLABLE", "executor.kind: 'inline_executor:NOT_CALLABLE' is not callable"),
    ("nosuch:make", "executor.kind: cannot import 'nosuch' for executor 'nosuch:make'"),
])  # fmt: skip
def test_a_bad_executor_kind_is_a_config_error(plugin: Path, kind: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"executor": {"kind": kind}}, "t")
    assert str(info.value).startswith(message)
