"""Train the boilerplate stage's line model on real pages; write it into the package.

The model decides, for every non-blank line of a scraped page, whether it is main content
(see `cleaner/stages/boilerplate/line_model.py`). It is trained here, reproducibly, and
shipped as a small `.npz` of tree arrays that NumPy evaluates at clean time:

1. Pages: WCXB dev and ScrapingHub AEB pages whose domain is *not* held out
   (`pages.corpus.is_held_out`; the held-out domains are what `textpages.py` scores),
   flattened in several flavours (`pages.flatten`) so the model does not learn one
   flattener's habits, each line labelled by alignment with the human gold text.
2. First pass: gradient-boosted trees over each line's shape, neighbourhood and place
   (`line_features.page_features`). Out-of-fold predictions (folds by domain) feed
3. a second pass that also sees the first pass's probabilities around each line
   (`line_features.sequence_features`): a line between two paragraphs is content, the same
   line inside a run of menu items is not.
4. The decision threshold is the one that maximises the pooled AEB F1 of the out-of-fold
   second-pass decisions, with recall weighed in (a cleaner must not eat the article).

Each line is weighted by its share of its page's tokens, so every page counts equally and
long lines count more, as in the AEB metric.

Needs lightgbm (training only; cleaning needs just NumPy):

    pip install lightgbm html2text resiliparse
    python benchmarks/train_lines.py            # writes cleaner/stages/boilerplate/line_model.npz
    python benchmarks/train_lines.py --check    # cross-validated scores only, writes nothing
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pages import dataset, metrics  # noqa: E402

from cleaner.stages.boilerplate import line_features as lf  # noqa: E402
from cleaner.stages.boilerplate import line_model  # noqa: E402

FLAVOURS = ("blocks", "blank", "markdown", "resiliparse")
FOLDS = 4
_TOKEN = re.compile(r"\w+")

PARAMS = {
    "objective": "binary",
    "learning_rate": 0.08,
    "num_leaves": 31,
    "max_depth": 8,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.7,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 127,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = (200, 200)


class PageData:
    """One flattened page's lines, features, labels and weights."""

    def __init__(self, page: dataset.FlatPage) -> None:
        self.page = page
        lines = page.lines
        self.keep, self.x = lf.page_features(lines)
        self.y = np.array([page.labels[i] >= 0.5 for i in self.keep], dtype=np.int8)
        tokens = np.array([len(_TOKEN.findall(lines[i])) for i in self.keep], dtype=np.float64)
        self.w = (tokens + 1.0) / (tokens.sum() + len(tokens) or 1.0)
        self.p1 = np.zeros(len(self.keep))
        self.p2 = np.zeros(len(self.keep))

    def text(self, p: np.ndarray, threshold: float) -> str:
        lines = self.page.lines
        return "\n".join(lines[i] for i, pi in zip(self.keep, p) if pi >= threshold)


def fold_of(domain: str) -> int:
    return int.from_bytes(hashlib.md5(("fold:" + domain).encode()).digest()[:4], "big") % FOLDS


def _train(lgb, items: list[PageData], second: bool, rounds: int):
    x = np.vstack([d.x2 if second else d.x for d in items])
    y = np.concatenate([d.y for d in items])
    w = np.concatenate([d.w for d in items]) * 1000.0
    names = list(lf.NAMES2 if second else lf.NAMES)
    data = lgb.Dataset(x, y, weight=w, feature_name=names, free_raw_data=True)
    return lgb.train(PARAMS, data, num_boost_round=rounds)


def _score(items: list[PageData], which: str, threshold: float) -> metrics.Score:
    return metrics.aeb([(d.text(getattr(d, which), threshold), d.page.gold) for d in items])


def best_threshold(items: list[PageData], which: str) -> float:
    """The threshold with the best pooled AEB F1, recall counted twice as much near the top."""
    best, best_t = -1.0, 0.5
    for t in np.arange(0.2, 0.71, 0.025):
        s = _score(items, which, float(t))
        objective = s.f1 + 0.5 * min(s.recall - 0.9, 0.0)
        if objective > best:
            best, best_t = objective, float(t)
    return round(best_t, 3)


def cross_fit(lgb, items: list[PageData]) -> None:
    """Out-of-fold first- and second-pass probabilities for every training page."""
    folds = defaultdict(list)
    for d in items:
        folds[fold_of(d.page.domain)].append(d)
    for k in range(FOLDS):
        rest = [d for j in range(FOLDS) if j != k for d in folds[j]]
        model = _train(lgb, rest, False, ROUNDS[0])
        for d in folds[k]:
            d.p1 = model.predict(d.x) if len(d.keep) else d.p1
        print(f"  fold {k}: first pass on {len(rest)} pages", flush=True)
    for d in items:
        d.x2 = lf.sequence_features(d.p1, d.x)
    for k in range(FOLDS):
        rest = [d for j in range(FOLDS) if j != k for d in folds[j]]
        model = _train(lgb, rest, True, ROUNDS[1])
        for d in folds[k]:
            d.p2 = model.predict(d.x2) if len(d.keep) else d.p2
        print(f"  fold {k}: second pass", flush=True)


def export(model, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """A LightGBM booster as flat node arrays (`line_model.Forest`'s layout)."""
    dump = model.dump_model()
    assert dump["feature_names"] == list(names), "feature order changed"
    feature, threshold, left, right, value, roots = [], [], [], [], [], []

    def add(node: dict) -> int:
        index = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(0.0)
        if "leaf_value" in node and "split_feature" not in node:
            value[index] = node["leaf_value"]
            return index
        assert node["decision_type"] == "<=", node["decision_type"]
        feature[index] = node["split_feature"]
        threshold[index] = node["threshold"]
        left[index] = add(node["left_child"])
        right[index] = add(node["right_child"])
        return index

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"]))
    return {
        "feature": np.array(feature, dtype=np.int32),
        "threshold": np.array(threshold, dtype=np.float64),
        "left": np.array(left, dtype=np.int32),
        "right": np.array(right, dtype=np.int32),
        "value": np.array(value, dtype=np.float64),
        "roots": np.array(roots, dtype=np.int32),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="cross-validate only, write nothing")
    parser.add_argument("--out", type=Path, default=line_model.MODEL_PATH)
    args = parser.parse_args(argv)
    import lightgbm as lgb

    started = time.time()
    pages = [p for p in dataset.build(FLAVOURS) if not p.held_out]
    items = [PageData(p) for p in pages]
    print(f"{len(items)} training pages ({len({p.domain for p in pages})} domains), "
          f"{sum(len(d.keep) for d in items)} lines, features in {time.time() - started:.0f} s", flush=True)
    cross_fit(lgb, items)
    t1 = best_threshold(items, "p1")
    t2 = best_threshold(items, "p2")
    for which, t in (("p1", t1), ("p2", t2)):
        s = _score(items, which, t)
        print(f"out-of-fold {which} at {t}: P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
    if args.check:
        return 0
    first = _train(lgb, items, False, ROUNDS[0])
    # The second pass learns from out-of-fold first-pass probabilities (`cross_fit` left them
    # in `x2`), which are as unsure as the first pass is on pages it has never seen.
    second = _train(lgb, items, True, ROUNDS[1])
    arrays = {f"first_{k}": v for k, v in export(first, lf.NAMES).items()}
    arrays.update({f"second_{k}": v for k, v in export(second, lf.NAMES2).items()})
    arrays["threshold"] = np.array([t2])
    arrays["names"] = np.array(lf.NAMES2)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB) in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
