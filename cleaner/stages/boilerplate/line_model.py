"""The line model: which lines of a scraped page are main content, from text alone.

Two passes of gradient-boosted trees (trained by `benchmarks/train_lines.py` on real pages,
shipped as `line_model.npz`): the first scores every non-blank line from its shape,
neighbourhood and place (`line_features.page_features`); the second sees those scores around
each line as well (`line_features.sequence_features`), so a decision depends on the run of
lines it sits in, not on the line alone. A line whose second-pass probability is below the
model's threshold is boilerplate.

Trees are evaluated with NumPy, all trees of a pass at once, level by level: no ML runtime
is needed at clean time, and the model loads once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from cleaner.stages.boilerplate import line_features as lf

MODEL_PATH = Path(__file__).with_name("line_model.npz")


@dataclass(frozen=True)
class Forest:
    """A sum of binary trees in flat arrays: node `i` is a leaf when `feature[i] < 0`, else it
    sends a row left when `x[feature[i]] <= threshold[i]`; `roots` are the trees' first nodes."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The sum of leaf values reached by each row of `x` (log-odds for a binary model)."""
        n = x.shape[0]
        if not n:
            return np.zeros(0)
        x = x.astype(np.float64, copy=False)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        while True:
            feature = self.feature[node]
            inner = feature >= 0
            if not inner.any():
                break
            goes_left = x[rows, np.maximum(feature, 0)] <= self.threshold[node]
            step = np.where(goes_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        return self.value[node].sum(axis=1)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(x)))


@dataclass(frozen=True)
class LineModel:
    first: Forest
    second: Forest
    threshold: float

    def scores(self, lines: list[str]) -> tuple[list[int], np.ndarray]:
        """The non-blank line indices of a page and each one's probability of being content."""
        keep, x = lf.page_features(lines)
        if not keep:
            return keep, np.zeros(0)
        p1 = self.first.probability(x)
        return keep, self.second.probability(lf.sequence_features(p1, x))


def _forest(arrays, prefix: str) -> Forest:
    return Forest(*(arrays[f"{prefix}_{name}"] for name in ("feature", "threshold", "left", "right", "value", "roots")))


@lru_cache(maxsize=1)
def load(path: Path = MODEL_PATH) -> LineModel:
    """The shipped model (loaded once per process); checks it matches the feature code."""
    with np.load(path) as arrays:
        names = tuple(str(n) for n in arrays["names"])
        if names != lf.NAMES2:
            raise RuntimeError(f"{path.name} was trained on other features; retrain it with benchmarks/train_lines.py")
        return LineModel(_forest(arrays, "first"), _forest(arrays, "second"), float(arrays["threshold"][0]))
