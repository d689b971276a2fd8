"""Every module of the package imports on its own, whatever was imported before.

An import cycle between two modules works by luck when a third module happens to import one
of them first (`cleaner.io.discover` once failed alone with "cannot import name 'InputFile'
from partially initialized module"); each module is imported here with no `cleaner` module
loaded, in one fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = r"""
import importlib, pkgutil, sys, traceback
import cleaner
names = sorted(m.name for m in pkgutil.walk_packages(cleaner.__path__, "cleaner."))
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "cleaner" or m.startswith("cleaner.")]:
        if loaded != "cleaner._native":
            del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print(len(names))
print("\n".join(failed))
"""


def test_every_module_imports_alone() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True)
    count, *failed = done.stdout.strip().split("\n")
    assert int(count) > 50
    assert [line for line in failed if line] == []


def test_without_the_extension_the_reference_kernel_is_used_quietly(tmp_path) -> None:
    """No compiler, no `cleaner/_native*.so`: the NumPy twin runs and nothing warns."""
    import shutil
    from pathlib import Path

    import cleaner

    copy = tmp_path / "cleaner"
    shutil.copytree(Path(cleaner.__file__).parent, copy, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    script = (
        "import logging, sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "logging.basicConfig()\n"
        "import cleaner.dedup.kernels as k\n"
        "assert k.__file__.startswith(sys.path[0]), k.__file__\n"
        "print(k.BACKEND)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == "reference"
    assert done.stderr == ""
