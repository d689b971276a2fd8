"""Counters every stage keeps: documents and characters in and out, counts per rule or
reason, and seconds spent (summed over workers). Workers fill one per batch; the runner
merges them in batch order, so the totals do not depend on the number of workers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class StageStats:
    docs_in: int = 0
    docs_out: int = 0
    chars_in: int = 0
    chars_out: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def merge(self, other: StageStats) -> None:
        self.docs_in += other.docs_in
        self.docs_out += other.docs_out
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.counts.update(other.counts)
        self.seconds += other.seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "docs_in": self.docs_in,
            "docs_out": self.docs_out,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "counts": dict(sorted(self.counts.items())),
            "seconds": round(self.seconds, 3),
        }


def merge_all(target: dict[str, StageStats], update: dict[str, StageStats]) -> None:
    """Fold a batch's per-stage stats into the run's."""
    for name, stats in update.items():
        target.setdefault(name, StageStats()).merge(stats)
