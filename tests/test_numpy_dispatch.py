"""The outputs do not depend on which SIMD code numpy picks for the CPU it runs on.

numpy sends its transcendental functions (log1p, expm1, exp, log) to AVX-512 kernels where
the CPU has them. Those kernels differ from the AVX2 and baseline ones, and from libm, in
the last bit of about 1% of log1p values and 10% of expm1 values. The line model's features
and probabilities use these functions. So the same batch could be cleaned differently on
two machines of one cluster, or on a laptop and a server. The float32 features, the
rounded scores and thresholds that integers never sit on absorb those bits today. This test
keeps it that way.

It runs the default pipeline twice, on the sample dump and (when ../shared/data is there)
on real held-out pages flattened to text: once with numpy's dispatch as found, once with
every dispatch target turned off (`NPY_DISABLE_CPU_FEATURES`), as on the oldest CPU numpy
supports. Every output file must be byte for byte the same. The test skips where turning
the targets off does not change numpy's own log1p bits: on such a machine it could not fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, output_digests, run_clean

BENCHMARKS = REPO / "benchmarks"

#: Prints numpy's dispatch targets on this CPU, then a digest of log1p and expm1 over a range.
_PROBE = """
import hashlib, numpy as np
try:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
except ImportError:  # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
x = np.linspace(0.0, 5000.0, 200001)
print(" ".join(t for t in __cpu_dispatch__ if __cpu_features__.get(t)))
print(hashlib.sha256(np.log1p(x).tobytes() + np.expm1(np.log1p(x)).tobytes()).hexdigest())
"""


def _probe(env: dict[str, str]) -> tuple[str, str]:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, check=True)
    targets, digest = out.stdout.split("\n")[:2]  # the first line is empty when none is on
    return targets.strip(), digest


@pytest.fixture(scope="module")
def baseline_only() -> str:
    """The NPY_DISABLE_CPU_FEATURES value that turns every dispatch target off, or a skip."""
    targets, found = _probe(dict(os.environ))
    if not targets:
        pytest.skip("numpy has no SIMD dispatch targets on this CPU")
    _, baseline = _probe({**os.environ, "NPY_DISABLE_CPU_FEATURES": targets})
    if baseline == found:
        pytest.skip(f"numpy's log1p and expm1 give the same bits with and without {targets} here")
    return targets


def _held_out_pages(folder: Path) -> None:
    """Every fourth held-out WCXB page, flattened one block a line, as JSONL with its url."""
    sys.path.insert(0, str(BENCHMARKS))
    from pages import corpus, flatten

    if not corpus.available():
        return
    pages = [p for p in corpus.wcxb_pages() if p.held_out][::4]
    with (folder / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps({"id": page.id, "url": page.url, "text": flatten.blocks(page.html)}) + "\n")


def test_outputs_are_the_same_whatever_simd_code_numpy_dispatches_to(
    tmp_path: Path, baseline_only: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    for sample in sorted((REPO / "raw").glob("*.txt")):
        (dump / sample.name).write_bytes(sample.read_bytes())
    _held_out_pages(dump)
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "found"), "-c", "config.yaml", "-w", "1", "-q")
    monkeypatch.setenv("NPY_DISABLE_CPU_FEATURES", baseline_only)
    run_clean("run", "-i", str(dump), "-o", str(tmp_path / "baseline"), "-c", "config.yaml", "-w", "1", "-q")
    found, baseline = output_digests(tmp_path / "found"), output_digests(tmp_path / "baseline")
    assert found == baseline, f"outputs differ with numpy's {baseline_only} dispatch turned off"
    spans = (tmp_path / "found" / "spans.parquet").stat().st_size
    assert spans > 10_000, "the run judged too little for the comparison to mean anything"
