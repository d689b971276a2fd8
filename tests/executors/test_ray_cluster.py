"""`clean run` on a real multi-node Ray cluster (raylets on loopback, one CPU each): the
same bytes as the local pool on 1, 2 and 3 nodes, and a run that loses a node mid-pass
still completes, with the same bytes (skipped without ray)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO, output_digests, run_clean, user_module, write_config
from tests.test_pipeline import build_mixed_dump

ray = pytest.importorskip("ray")
cluster_utils = pytest.importorskip("ray.cluster_utils")

PAUSE = '''
import time
from pathlib import Path
from typing import ClassVar

from cleaner.options import Option
from cleaner.stages.base import Filter


class Pause(Filter):
    """Holds a document that says PAUSE until the file `go` exists in `folder`, and says on
    which Ray node it waits (the file `paused`)."""

    name = "pause"
    options: ClassVar = (Option("folder", str, "", "the test's folder of marker files"),)

    def check(self, doc):
        folder = Path(self.settings.folder)
        if "PAUSE" in doc.text and not (folder / "go").exists():
            import ray

            (folder / "paused").write_text(ray.get_runtime_context().get_node_id())
            deadline = time.monotonic() + 120
            while not (folder / "go").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return None
'''


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A head that runs no tasks (0 CPUs), with the `Pause` stage importable on every node
    (the raylets, and so their workers, inherit PYTHONPATH); the test adds worker nodes."""
    with user_module(tmp_path, monkeypatch, "pausing", PAUSE):
        cluster = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
        try:
            yield cluster
        finally:
            cluster.shutdown()


def _parquet(out: Path) -> dict[str, str]:
    return {k: v for k, v in output_digests(out).items() if k.endswith(".parquet")}


STAGES = "encoding, boilerplate, quality, dedup, passages"


def test_one_two_and_three_nodes_write_what_the_local_pool_writes(cluster, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    body = f"stages: [{STAGES}]\n"
    local = write_config(tmp_path / "local.yaml", "executor: {batch_docs: 5, read_mb: 0.01}\n" + body)
    on_ray = write_config(tmp_path / "ray.yaml", "executor: {batch_docs: 5, read_mb: 0.01, kind: ray, "
                          f"ray_address: '{cluster.address}'}}\n" + body)
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "local"), "-c", str(local), "-w", "2", "-q")
    expected = _parquet(tmp_path / "local")
    for nodes in (1, 2, 3):
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        out = tmp_path / f"ray-{nodes}"
        run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(on_ray), "-w", str(nodes), "-q")
        assert _parquet(out) == expected, f"{nodes} nodes"


def test_a_node_killed_mid_pass_costs_only_its_batch(cluster, tmp_path: Path) -> None:
    """Three nodes, two workers: the node whose worker holds a batch is SIGKILLed (its
    raylet and everything on it); Ray restarts that worker on the spare node, the batch runs
    once more, and the output is the local pool's."""
    markers = tmp_path / "markers"
    markers.mkdir()
    dump = tmp_path / "dump"
    build_mixed_dump(dump, None)
    (dump / "records.jsonl").write_text((dump / "records.jsonl").read_text().replace('"text": "', '"text": "PAUSE ', 1))
    nodes = [cluster.add_node(num_cpus=1) for _ in range(3)]
    cluster.wait_for_nodes()
    done = tmp_path / "done"
    done.mkdir()
    (done / "go").write_text("")
    body = f"stages: [{{pausing:Pause: {{folder: '%s'}}}}, {STAGES}]\n"
    local = write_config(tmp_path / "local.yaml", "executor: {batch_docs: 5}\n" + body % done)
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "local"), "-c", str(local), "-w", "2", "-q")
    on_ray = write_config(tmp_path / "ray.yaml", f"executor: {{batch_docs: 5, kind: ray, ray_address: '{cluster.address}'}}\n"
                          + body % markers)
    out = tmp_path / "ray"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", "-i", str(dump), "-o", str(out), "-c", str(on_ray),
                             "-w", "2", "-q"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (markers / "paused").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no batch ever paused"
            time.sleep(0.05)
        time.sleep(0.1)
        node_id = (markers / "paused").read_text()
        [victim] = [node for node in nodes if node.node_id == node_id]
        cluster.remove_node(victim, allow_graceful=False)  # SIGKILL: the raylet and its workers
        (markers / "go").write_text("")
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert _parquet(out) == _parquet(tmp_path / "local")
