"""How a pool worker shows it is making progress, so the pool's watchdog can tell a slow
batch from a stuck one.

The pipeline calls `beat()` once per document (and at a few other steps). In a local pool
worker that sends a tiny message to the main process, at most once per interval; anywhere
else (the serial executor, Ray actors, tests) it does nothing. A batch of 256 HTML pages
may take many minutes, each page up to its time limit, so the watchdog must watch
documents, not batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_send: Callable[[], None] | None = None
_every = 1.0
_last = 0.0


def install(send: Callable[[], None], every: float) -> None:
    """Make `beat()` call `send` at most once every `every` seconds (pool workers only)."""
    global _send, _every, _last
    _send, _every, _last = send, every, 0.0


def beat() -> None:
    """Progress was made; tell the pool if it has not heard from this worker lately."""
    global _last
    if _send is None:
        return
    now = time.monotonic()
    if now - _last >= _every:
        _last = now
        _send()
