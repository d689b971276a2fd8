"""pyarrow's pandas probe is refused in the pipeline's processes, which also collect young garbage
less often; nobody else's import or collector is touched."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.helpers import REPO


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_converting_rows_does_not_load_pandas() -> None:
    out = _run("""
        import sys
        from cleaner.pipeline.memory import keep_pandas_out
        keep_pandas_out()
        from cleaner.document import Removed
        from cleaner.pipeline import rows
        rows.removed_batch([Removed("a", "a.txt", 0, "quality", "short", "", "x")])
        print("pandas" in sys.modules)
    """)
    assert out == "False"


def test_without_the_guard_pyarrow_loads_pandas() -> None:
    """The probe the guard refuses is real (so the test above can fail)."""
    out = _run("""
        import sys
        from cleaner.document import Removed
        from cleaner.pipeline import rows
        rows.removed_batch([Removed("a", "a.txt", 0, "quality", "short", "", "x")])
        print("pandas" in sys.modules)
    """)
    assert out == "True"


def test_a_users_own_import_of_pandas_still_works() -> None:
    out = _run("""
        from cleaner.pipeline.memory import keep_pandas_out
        keep_pandas_out()
        import pandas
        print(pandas.DataFrame({"a": [1, 2]}).shape)
    """)
    assert out == "(2, 1)"


def test_worker_processes_collect_young_garbage_less_often_and_callers_keep_theirs() -> None:
    out = _run("""
        import gc, os
        from cleaner.config import load_config
        from cleaner.pipeline import worker
        gc.set_threshold(700, 10, 10)
        worker.init_worker(load_config(None), os.getpid())  # the serial executor: the caller's own process
        print(gc.get_threshold())
        worker.init_worker(load_config(None), None)  # a Ray actor or a plugin executor's worker
        print(gc.get_threshold())
        gc.set_threshold(0)  # a process that turned collection off keeps it off
        from cleaner.pipeline.memory import relax_collector
        relax_collector()
        print(gc.get_threshold()[0])
    """)
    assert out.splitlines() == ["(700, 10, 10)", "(50000, 10, 10)", "0"]
