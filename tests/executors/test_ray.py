"""The Ray executor writes exactly what the local process pool writes, and refuses, before
any input is read, a cluster it would hang or fail on (skipped without ray)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cleaner.errors import ConfigError, OutputError
from tests.helpers import output_digests, read_rows, run_clean, write_config
from tests.test_pipeline import build_mixed_dump

ray = pytest.importorskip("ray")


@pytest.mark.parametrize("stages", ["encoding, boilerplate, templates, quality, dedup, passages", "encoding, dedup"])
def test_ray_outputs_equal_local_outputs(tmp_path: Path, stages: str) -> None:
    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    body = f"stages: [{stages}]\n"
    local = write_config(tmp_path / "local.yaml", "executor:\n  batch_docs: 7\n" + body)
    ray = write_config(tmp_path / "ray.yaml", "executor:\n  batch_docs: 7\n  kind: ray\n" + body)
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "local"), "-c", str(local), "-w", "2", "-q")
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "ray"), "-c", str(ray), "-w", "2", "-q")

    def digests(out: str) -> dict[str, str]:
        return {k: v for k, v in output_digests(tmp_path / out).items() if k != "config.resolved.yaml"}

    assert digests("local") == digests("ray")
    assert len(read_rows(tmp_path / "ray", "removed.parquet")) > 0, "the dump must exercise dedup"


def _no_init(*_args) -> None:
    """A worker initialiser with nothing to build."""


@pytest.fixture(scope="module")
def two_cpu_cluster():
    """A Ray cluster of two CPUs in this process (as `ray_address` would join one)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_more_workers_than_cluster_cpus_is_refused_not_a_hang(two_cpu_cluster, tmp_path: Path) -> None:
    """`-w 3` on a 2-CPU cluster used to wait forever for the third actor."""
    from cleaner.executors.ray import RayExecutor

    with pytest.raises(ConfigError) as info:
        RayExecutor(3, _no_init, (None, None), run_folder=tmp_path)
    assert str(info.value) == "-w 3: the Ray cluster has 2 CPUs and each worker (a Ray actor) needs one"
    assert info.value.hint == "pass -w 2 or fewer, or add nodes to the cluster"


def test_every_worker_checks_the_run_folder_before_any_input_is_read(two_cpu_cluster, tmp_path: Path) -> None:
    """A node without the output folder failed 13 s into the run with a traceback."""
    from cleaner.executors.ray import RayExecutor

    with RayExecutor(2, _no_init, (None, None), run_folder=tmp_path) as executor:
        assert list(executor.map(str, [1, 2, 3])) == ["1", "2", "3"]
    assert list(tmp_path.iterdir()) == [], "the probe files are gone"
    missing = tmp_path / "not-mounted-here"
    with pytest.raises(OutputError) as info:
        RayExecutor(2, _no_init, (None, None), run_folder=missing)
    message = str(info.value)
    assert message.startswith(f"Ray worker on {socket.gethostname()} cannot use the run folder {str(missing)!r}")
    assert "on storage every node mounts" in info.value.hint


def test_a_run_on_too_small_a_cluster_stops_before_reading_any_input(two_cpu_cluster, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.config import parse_config
    from cleaner.pipeline import runner

    read = []

    def reading(*args, **kwargs):
        read.append(True)
        return []

    monkeypatch.setattr(runner, "plan_reads", reading)
    config = parse_config({"executor": {"kind": "ray"}, "stages": ["encoding"]}, "test")
    with pytest.raises(ConfigError, match="^-w 3: the Ray cluster has 2 CPUs"):
        runner.run_pipeline(config, runner.RunOptions(Path("raw"), tmp_path / "out", workers=3))
    assert read == [] and not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.staging-*")), "the staging folder is discarded"
