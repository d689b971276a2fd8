"""The benchmarks' own scores, so numbers compare with published ones (../shared/data/README).

- `aeb`: ScrapingHub's Article Extraction Benchmark metric: token 4-gram shingle multisets per
  page; macro-averaged precision over pages with predicted shingles and recall over pages
  with gold shingles; F1 of the two averages.
- `word_f1`: WCXB's evaluate.py: lowercase `\\w+` bags of words, per-page P/R/F1, macro mean
  (a page with empty gold scores 1 when the prediction is empty too, else 0).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def aeb_counts(pred: str, gold: str) -> tuple[int, int, int]:
    """(tp, fp, fn) over the shingle multisets of one page."""
    p, g = shingles(pred), shingles(gold)
    tp = sum((p & g).values())
    return tp, sum(p.values()) - tp, sum(g.values()) - tp


def aeb(pairs: list[tuple[str, str]]) -> Score:
    """AEB score of (prediction, gold) pairs."""
    precisions, recalls = [], []
    for pred, gold in pairs:
        tp, fp, fn = aeb_counts(pred, gold)
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Score(p, r, _f1(p, r), len(pairs))


def word_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """WCXB's per-page word precision, recall and F1."""
    p_bag = Counter(_TOKEN.findall(pred.lower()))
    g_bag = Counter(_TOKEN.findall(gold.lower()))
    if not g_bag:
        return (1.0, 1.0, 1.0) if not p_bag else (0.0, 0.0, 0.0)
    if not p_bag:
        return 0.0, 0.0, 0.0
    overlap = sum((p_bag & g_bag).values())
    p = overlap / sum(p_bag.values())
    r = overlap / sum(g_bag.values())
    return p, r, _f1(p, r)


def word_f1(pairs: list[tuple[str, str]]) -> Score:
    """WCXB word score of (prediction, gold) pairs: macro means of per-page P, R and F1."""
    if not pairs:
        return Score(0.0, 0.0, 0.0, 0)
    rows = [word_prf(pred, gold) for pred, gold in pairs]
    n = len(rows)
    return Score(sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n, n)
