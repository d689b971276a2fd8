"""The Ray executor writes exactly what the local process pool writes (skipped without ray)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import output_digests, read_rows, run_clean, write_config
from tests.test_pipeline import build_mixed_dump

pytest.importorskip("ray")


@pytest.mark.parametrize("stages", ["encoding, boilerplate, quality, dedup, passages", "encoding, dedup"])
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
