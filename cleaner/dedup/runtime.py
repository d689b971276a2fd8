"""Phase timing shared by the document and passage engines (for the stats they report)."""

from __future__ import annotations

import time


class Clock:
    """Seconds per phase, for stats."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Close the current phase under `name` and start the next."""
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now
