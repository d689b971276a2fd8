"""The line model: which lines of a scraped page are main content, from text alone.

Gradient-boosted trees (trained by `benchmarks/train_lines.py` on real pages, shipped as
`line_model.npz` with the word lexicon their features use) score every non-blank line from
its shape, its neighbourhood, its place and its words (`line_features.page_features`); the
lines of a numbered list then share one score, so a list is kept or dropped whole. A line
whose probability is below the model's threshold is boilerplate; the stage judges the page
again after each deletion until nothing changes (see `Boilerplate._run_model`).

Trees are evaluated by the native kernel (`forest_raw` in csrc/native.c) or, without it,
by its NumPy twin with bit-identical results: no ML runtime is needed at clean time, and the
model loads once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from cleaner.dedup import kernels
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
        x = np.ascontiguousarray(x, dtype=np.float32)
        if not x.shape[0]:
            return np.zeros(0)
        native = kernels.native_function("forest_raw")
        if native is None:
            return self.raw_reference(x)
        out = native(x, x.shape[1], self.feature, self.threshold, self.left, self.right, self.value, self.roots)
        return np.frombuffer(out, dtype=np.float64)

    def raw_reference(self, x: np.ndarray) -> np.ndarray:
        """NumPy twin of the C kernel: all trees at once, level by level, then the leaf
        values summed tree by tree in order (as the kernel does), so both agree bit for bit."""
        n = x.shape[0]
        wide = x.astype(np.float64)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        while True:
            feature = self.feature[node]
            inner = feature >= 0
            if not inner.any():
                break
            goes_left = wide[rows, np.maximum(feature, 0)] <= self.threshold[node]
            step = np.where(goes_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        total = np.zeros(n)
        for leaf in self.value[node].T:
            total += leaf
        return total

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(x)))


@dataclass(frozen=True)
class LineModel:
    """The forest, the word lexicon its features need, and the decision threshold."""

    forest: Forest
    lexicon: dict[str, float]
    threshold: float

    def measures(self) -> lf.LineMeasures:
        """A store of line measures for `scores` to share between pages (see `page_features`)."""
        return lf.LineMeasures(self.lexicon)

    def scores(self, lines: list[str], measures: lf.LineMeasures | None = None) -> tuple[list[int], np.ndarray]:
        """The non-blank line indices of a page and each one's probability of being content
        (`measures`: from `self.measures()`, kept between calls, see `page_features`)."""
        keep, x = lf.page_features(lines, self.lexicon, measures)
        if not keep:
            return keep, np.zeros(0)
        return keep, numbered_lists_agree(lines, keep, self.forest.probability(x))


#: A numbered item: "[3] ...", "3. ...", "3) ...".
_ITEM = re.compile(r"\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)]\s)")
#: Items this far apart (in non-blank lines) still belong to one list.
ITEM_GAP = 4
#: Fewer items than this are not judged as a list.
MIN_ITEMS = 3


def numbered_lists_agree(lines: list[str], keep: list[int], p: np.ndarray) -> np.ndarray:
    """Give every line of a numbered list (items 1, 2, 3 ... and the lines under each) the
    mean probability of its items, so a list is kept or dropped whole: a reference list
    whose last entry sits at the foot of the page is one piece of content, and a table of
    contents is one piece of chrome, whichever way the model leans line by line."""
    out = p.copy()
    for items, end in _lists(lines, keep):
        out[items[0] : end] = p[items].mean()
    return out


def _lists(lines: list[str], keep: list[int]) -> list[tuple[list[int], int]]:
    """(positions of the items, end position) of each numbered list, positions into `keep`."""
    found = []
    items: list[int] = []
    number = 0
    for pos, i in enumerate(keep):
        match = _ITEM.match(lines[i])
        if match is None:
            continue
        value = int(match.group(1) or match.group(2))
        if items and value == number + 1 and pos - items[-1] <= ITEM_GAP:
            items.append(pos)
        else:
            if len(items) >= MIN_ITEMS:
                found.append((items, _list_end(items, keep)))
            items = [pos] if value <= 1 else []
        number = value
    if len(items) >= MIN_ITEMS:
        found.append((items, _list_end(items, keep)))
    return found


def _list_end(items: list[int], keep: list[int]) -> int:
    """One past the last line of a list: its last item takes as many lines under it as the
    items before it took, on average."""
    under = round(float(np.mean(np.diff(items)))) - 1
    return min(items[-1] + 1 + under, len(keep))


_FOREST = ("feature", "threshold", "left", "right", "value", "roots")


@lru_cache(maxsize=1)
def load(path: Path = MODEL_PATH) -> LineModel:
    """The shipped model (loaded once per process); checks it matches the feature code."""
    with np.load(path) as arrays:
        names = tuple(str(n) for n in arrays["names"])
        if names != lf.NAMES:
            raise RuntimeError(f"{path.name} was trained on other features; retrain it with benchmarks/train_lines.py")
        lexicon = dict(zip((str(w) for w in arrays["lexicon_words"]), arrays["lexicon_odds"].tolist()))
        forest = Forest(*(arrays[name] for name in _FOREST))
        return LineModel(forest, lexicon, float(arrays["decision_threshold"][0]))
