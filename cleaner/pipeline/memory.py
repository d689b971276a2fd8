"""Keeping resident memory close to what the run actually holds.

Two allocator habits inflate a streaming run's RSS without any leak: pyarrow's default
mimalloc pool keeps freed buffers for reuse, and glibc raises its mmap threshold after the
first large free, so every later ~1 MB batch buffer lands on a heap that is never returned.
Both are switched off once per process (the main one and each worker): pyarrow uses the
system allocator, and glibc gets fixed thresholds. Fixed, not minimal: with every block
over 128 KB mapped and unmapped on its own, a dedup run takes an order of magnitude more
page faults and runs markedly longer; 32 MB (mmap) and 8 MB (trim) cost a little peak RSS
instead (measured side by side with `benchmarks/speed.py`).

The processes the pipeline runs in (workers, and the `clean` command itself) also keep
pyarrow from importing pandas: pyarrow probes for pandas types the first time it converts
Python objects, which costs tens of MB and a noticeable share of a short run's start-up,
though cleaner never uses pandas. Only that probe is refused (`_NoPandas`): a user's stage
that imports pandas still gets it. A library caller's process is left alone.

Those processes also collect cyclic garbage less often (`relax_collector`). The stages
allocate and free container objects by the million (a tuple for every line of every text a
deletion leaves, rows, spans), nearly all freed by reference counting alone; CPython's
default runs a young-generation collection every 700 net allocations, which cost about 8%
of the boilerplate stage's CPU on real pages (`benchmarks/textpages.py`, measured side by
side with `farm-bench`). Every 50,000 keeps what cyclic garbage there is (a few MB at most)
short-lived; older generations keep their default ratios.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import sys
from types import FrameType

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks above this size get their own mapping, returned to the OS on free.
_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap above this size goes back to the OS.
_TRIM = 8 * 1024 * 1024
#: Net container allocations between two young-generation collections (CPython: 700).
_YOUNG_COLLECTION = 50_000


def tame_allocators() -> None:
    """Return large freed blocks to the OS promptly; idempotent, a no-op off glibc."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(_THRESHOLD))  # inherited by spawned workers
    os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(_TRIM))
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)
        mallopt(_M_TRIM_THRESHOLD, _TRIM)


def relax_collector() -> None:
    """In a process the pipeline runs in: collect the young generation every
    `_YOUNG_COLLECTION` allocations instead of every 700 (see the module's docstring);
    idempotent, and a threshold someone already set higher is kept."""
    young, middle, old = gc.get_threshold()
    if 0 < young < _YOUNG_COLLECTION:
        gc.set_threshold(_YOUNG_COLLECTION, middle, old)


class _NoPandas:
    """Meta-path finder that refuses pyarrow's pandas probe, and only that.

    cleaner itself never imports pandas, so an `import pandas` whose nearest Python caller
    is cleaner's own code is pyarrow probing for pandas types while it converts our rows
    (pyarrow's Cython frames are not Python frames): that one raises ImportError, and
    pyarrow then skips pandas. Any other import of pandas (a user's stage, Ray) goes on.
    """

    @staticmethod
    def find_spec(name: str, path=None, target=None):
        if (name == "pandas" or name.startswith("pandas.")) and _called_from_cleaner():
            raise ModuleNotFoundError("pandas is not loaded for pyarrow's probe in cleaner", name=name)
        return None


def _called_from_cleaner() -> bool:
    """Whether the nearest caller outside the import machinery is a module of cleaner."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen_importlib")):
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__name__", "").startswith("cleaner.")


def keep_pandas_out() -> None:
    """In a process the pipeline runs in: keep pyarrow from loading pandas (see _NoPandas)."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


def release_free_memory() -> None:
    """Give the heap's free pages back to the OS now (glibc `malloc_trim`; a no-op elsewhere).

    Called once a global stage has decided: its index (signatures, band keys, candidate
    pairs) was tens of MB of short-lived arrays, freed in an order that leaves holes glibc
    would otherwise keep mapped for the rest of the run.
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


@functools.cache
def _libc_function(name: str):
    """A glibc allocator function, or None off glibc (the C library is looked up once:
    `find_library` runs a subprocess)."""
    path = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(path), name, None) if path else None
