"""Train the boilerplate stage's line model on real pages; write it into the package.

The model decides, for every non-blank line of a scraped page, whether it is main content
(see `cleaner/stages/boilerplate/line_model.py`). It is trained here, reproducibly, and
shipped as a small `.npz` (tree arrays that NumPy or the native kernel evaluate, and the word
lexicon the features use):

1. Pages: WCXB dev and ScrapingHub AEB pages whose domain is *not* held out
   (`pages.corpus.is_held_out`; the held-out domains are what `textpages.py` scores),
   flattened in several flavours (`pages.flatten`) so the model does not learn one
   flattener's habits, each line labelled by alignment with the human gold text; the line
   carrying the page title counts as content (`pages.titles`). trafilatura-eval pages add
   German and other languages, with trafilatura's own extraction as silver gold at half the
   weight. The gold texts themselves, as pages, teach the model that a page without chrome
   loses nothing (clean input, and the stage's own output when it judges again).
   An experiment, off by default (`--settle-rounds 1`): each page once more as the stage's
   first model round leaves it. The stage judges a page again after each deletion until a
   round deletes nothing, and those later rounds see text no whole page shows, chrome gone
   and content lines side by side; a model that never saw the page's fold decides what that
   round leaves, each line keeps its label, and the threshold is chosen on the fixed point.
   It raised held-out recall (blocks 0.891 -> 0.906) at a little F1 (0.843 -> 0.840), but
   such a model peels pages without prose one line a round (the first line of what is left
   always reads as chrome) until the rounds run out, so the stage is no longer idempotent
   there (tests/stages/test_boilerplate_properties.py found one); it does not ship.
2. The lexicon: each word's log-odds of standing in content rather than chrome
   (`line_features.build_lexicon`). A page's features use the lexicon of the *other* folds
   (folds by domain), so the trees learn how far a lexicon learned elsewhere can be trusted.
3. Gradient-boosted trees over each line's shape, neighbourhood, place and words
   (`line_features.page_features`), each line weighted by its share of its page's tokens,
   so every page counts equally and long lines count more, as in the AEB metric.
4. The threshold: trained on three folds, the decisions on the fourth (gold pages) pick the
   threshold that maximises the pooled AEB F1, with recall below 0.9 penalised (a cleaner
   must not eat the article). The shipped trees and lexicon then use every training page.
   Every validation line also prints the fixed point's scores (`fixed_point`: the model's
   rounds run until one deletes nothing, as the stage runs them, the named rules left out).

Needs lightgbm (training only; cleaning needs just NumPy):

    pip install lightgbm html2text resiliparse
    python benchmarks/train_lines.py            # writes cleaner/stages/boilerplate/line_model.npz
    python benchmarks/train_lines.py --check    # the validation fold's scores only, writes nothing
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import multiprocessing
import pickle
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pages import dataset, flatten, metrics, titles  # noqa: E402

from cleaner.stages.boilerplate import line_features as lf  # noqa: E402
from cleaner.stages.boilerplate import line_model  # noqa: E402
from cleaner.stages.boilerplate.stage import MAX_MODEL_ROUNDS  # noqa: E402

FLAVOURS = ("blocks", "blank", "markdown", "resiliparse")
#: The unseen flatteners stay out of training: they measure how the model does on a new one.
assert not set(FLAVOURS) & set(flatten.UNSEEN)
#: Pages with human gold, and trafilatura-eval pages with trafilatura's text as silver gold.
DATASETS = ("wcxb", "aeb")
SILVER = "eval"
#: Flavours used of the silver pages, and the weight of a silver page against a gold one.
SILVER_FLAVOURS = ("blocks", "markdown")
SILVER_WEIGHT = 0.5
#: The gold texts as pages of their own (every line content), and their weight.
CLEAN = "clean"
CLEAN_WEIGHT = 0.3
#: Each page once more as the stage's first model round leaves it (the lines a model that
#: never saw the page keeps), and its weight: the stage judges that text again, chrome gone
#: and content lines side by side, which no whole flattened page shows the trees.
SETTLED = "settled:"
SETTLED_WEIGHT = 0.5
FOLDS = 4
VALIDATION_FOLD = 3
_TOKEN = re.compile(r"\w+")

PARAMS = {
    "objective": "binary",
    "learning_rate": 0.06,
    "num_leaves": 31,
    "max_depth": 8,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.5,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 63,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = 300


class PageData:
    """One flattened page: its labels and weights, then its features."""

    def __init__(self, page: dataset.FlatPage, title: int | None, settled_weight: float = SETTLED_WEIGHT) -> None:
        self.page = page
        self.title = title
        lines = page.lines
        self.keep = lf.nonblank(lines)
        self.y = np.array([page.labels[i] >= 0.5 or i == title for i in self.keep], dtype=np.int8)
        tokens = np.array([len(_TOKEN.findall(lines[i])) for i in self.keep], dtype=np.float64)
        self.w = (tokens + 1.0) / (tokens.sum() + len(tokens) or 1.0)
        if page.flavour == CLEAN:
            self.w *= CLEAN_WEIGHT
        elif page.dataset == SILVER:
            self.w *= SILVER_WEIGHT
        if page.flavour.startswith(SETTLED):
            self.w *= settled_weight
        self.fold = fold_of(page.domain)
        self.x = np.zeros((0, len(lf.NAMES)), dtype=np.float32)
        self.p = np.zeros(len(self.keep))

    @property
    def scored(self) -> bool:
        """Whether this page counts in the threshold's choice (a real page with human gold)."""
        return self.page.dataset != SILVER and self.page.flavour != CLEAN and not self.page.flavour.startswith(SETTLED)

    def labelled_lines(self) -> list[tuple[str, bool]]:
        lines = self.page.lines
        return [(lines[i], bool(y)) for i, y in zip(self.keep, self.y)]

    def text(self, p: np.ndarray, threshold: float) -> str:
        lines = self.page.lines
        return "\n".join(lines[i] for i, pi in zip(self.keep, p) if pi >= threshold)


def fold_of(domain: str) -> int:
    return int.from_bytes(hashlib.md5(("fold:" + domain).encode()).digest()[:4], "big") % FOLDS


def clean_pages(pages: list[dataset.FlatPage]) -> list[dataset.FlatPage]:
    """Each gold text once, as a page whose every line is content."""
    seen: dict[str, dataset.FlatPage] = {}
    for page in pages:
        if page.dataset != SILVER and page.id not in seen:
            lines = page.gold.split("\n")
            seen[page.id] = replace(page, flavour=CLEAN, text=page.gold,
                                    labels=[1.0 if line.strip() else 0.0 for line in lines])
    return list(seen.values())


def lexicon_without(items: list[PageData], fold: int | None) -> dict[str, float]:
    """The lexicon of every page outside `fold` (None: of every page)."""
    return lf.build_lexicon((d.page.domain, d.labelled_lines()) for d in items
                            if d.fold != fold and not d.page.flavour.startswith(SETTLED))


def _features_one(args: tuple[list[str], dict[str, float]]) -> np.ndarray:
    lines, lexicon = args
    return lf.page_features(lines, lexicon)[1]


def add_features(items: list[PageData], lexicon_of: list[PageData] | None = None) -> None:
    """Each page's features with its out-of-fold lexicon (of the pages `lexicon_of`, by
    default `items`); 2 processes, cached on disk."""
    lexicons = {k: lexicon_without(lexicon_of or items, k) for k in range(FOLDS)}
    digest = hashlib.sha1(Path(lf.__file__).read_bytes() + Path(lf.__file__).with_name("line_vocab.py").read_bytes())
    digest.update("\n".join(f"{d.page.id}/{d.page.flavour}/{d.fold}" for d in items).encode())
    for d in items:
        if d.page.flavour.startswith(SETTLED):  # what a first round left depends on the model
            digest.update(d.page.text.encode())
    digest.update(repr(sorted(lexicons[0].items())[:1000]).encode())
    path = dataset.CACHE / f"features-{digest.hexdigest()[:12]}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            computed = pickle.load(fh)
    else:
        jobs = [(d.page.lines, lexicons[d.fold]) for d in items]
        with multiprocessing.Pool(2) as pool:
            computed = pool.map(_features_one, jobs, chunksize=16)
        with path.open("wb") as fh:
            pickle.dump(computed, fh, protocol=pickle.HIGHEST_PROTOCOL)
    for d, x in zip(items, computed):
        d.x = x


def _train(lgb, items: list[PageData]):
    x = np.vstack([d.x for d in items])
    y = np.concatenate([d.y for d in items])
    w = np.concatenate([d.w for d in items]) * 1000.0
    data = lgb.Dataset(x, y, weight=w, feature_name=list(lf.NAMES), free_raw_data=True)
    return lgb.train(PARAMS, data, num_boost_round=ROUNDS)


def _score(items: list[PageData], threshold: float) -> metrics.Score:
    return metrics.aeb([(d.text(d.p, threshold), d.page.gold) for d in items])


def after_round(lines: list[str], labels: list[float], dropped: set[int]) -> tuple[list[str], list[float]]:
    """The lines (and their labels) a model round leaves when it deletes `dropped`, tidied
    as the stage tidies (`TextEditor.tidy`): trailing space gone, no run of blank lines,
    none at the ends."""
    out: list[str] = []
    kept: list[float] = []
    for i, (line, label) in enumerate(zip(lines, labels)):
        if i in dropped:
            continue
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
            kept.append(label)
    while out and not out[-1]:
        out.pop()
        kept.pop()
    return out, kept


def first_round(d: PageData, threshold: float) -> dataset.FlatPage:
    """The page as one model round leaves it (`d.p`, out-of-fold), each line's label kept."""
    page = d.page
    dropped = {i for i, pi in zip(d.keep, d.p) if pi < threshold}
    labels = [1.0 if i == d.title else label for i, label in enumerate(page.labels)]  # the title is content
    lines, labels = after_round(page.lines, labels, dropped)
    return replace(page, flavour=SETTLED + page.flavour, text="\n".join(lines), labels=labels)


def settled_pages(lgb, items: list[PageData], sources: list[PageData], base, threshold: float,
                  weight: float = SETTLED_WEIGHT) -> list[PageData]:
    """Each real and silver page of `sources` as one more model round leaves it, judged by
    a model that never saw its fold nor the validation fold (so the validation stays
    unseen): `base` (trained on `items` without the validation fold) for the validation
    fold's pages, a model of `items` of the two other folds for each other fold's."""
    out = []
    for fold in range(FOLDS):
        model = base if fold == VALIDATION_FOLD else _train(lgb, [d for d in items if d.fold not in (fold, VALIDATION_FOLD)])
        for d in sources:
            if d.fold == fold and d.keep and d.page.flavour != CLEAN:
                d.p = line_model.numbered_lists_agree(d.page.lines, d.keep, model.predict(d.x))
                out.append(PageData(first_round(d, threshold), None, weight))
    return out


def fixed_point(d: PageData, model, lexicon: dict[str, float], threshold: float) -> str:
    """The page's text after model rounds until one deletes nothing, as the stage judges it
    (without the named rules): each round judges what the one before left."""
    lines = d.page.lines
    for _ in range(MAX_MODEL_ROUNDS):
        keep, x = lf.page_features(lines, lexicon)
        if not keep:
            break
        p = line_model.numbered_lists_agree(lines, keep, model.predict(x))
        dropped = {i for i, pi in zip(keep, p) if pi < threshold}
        if not dropped:
            break
        lines, _ = after_round(lines, [0.0] * len(lines), dropped)
    return "\n".join(lines)


def fixed_point_score(items: list[PageData], model, lexicon: dict[str, float], threshold: float) -> metrics.Score:
    return metrics.aeb([(fixed_point(d, model, lexicon, threshold), d.page.gold) for d in items])


def validate(model, valid: list[PageData], lexicon: dict[str, float], label: str, settle: bool) -> float:
    """Print the validation fold's scores, first round and fixed point; return the threshold
    with the best score, of the first round or (`settle`) of the fixed point, as the stage
    runs the model."""
    for d in valid:
        d.p = line_model.numbered_lists_agree(d.page.lines, d.keep, model.predict(d.x)) if d.keep else d.p
    fixed = functools.cache(lambda t: fixed_point_score(valid, model, lexicon, t))  # rounds cost: each once
    if settle:
        threshold = best_threshold(fixed, FIXED_POINT_GRID)
    else:
        threshold = best_threshold(lambda t: _score(valid, t), FIRST_ROUND_GRID)
    for t in sorted({threshold, 0.2, 0.25, 0.3}):
        a, b = _score(valid, t), fixed(t)
        mark = " (chosen)" if t == threshold else ""
        print(f"{label}: validation fold ({len(valid)} pages) at {t}{mark}: first round P {a.precision:.4f} "
              f"R {a.recall:.4f} F1 {a.f1:.4f}; fixed point P {b.precision:.4f} R {b.recall:.4f} F1 {b.f1:.4f}",
              flush=True)
    return threshold


#: Thresholds tried: every 0.025 (the fixed point, which costs model rounds, a narrower range).
FIRST_ROUND_GRID = np.arange(0.05, 0.71, 0.025)
FIXED_POINT_GRID = np.arange(0.1, 0.41, 0.025)


def best_threshold(score_at: Callable[[float], metrics.Score], grid: np.ndarray) -> float:
    """The threshold of `grid` with the best pooled AEB F1, recall below 0.9 penalised."""
    best, best_t = -1.0, 0.5
    for t in grid:
        t = round(float(t), 3)
        s = score_at(t)
        objective = s.f1 + 0.5 * min(s.recall - 0.9, 0.0)
        if objective > best:
            best, best_t = objective, float(t)
    return round(best_t, 3)


def export(model) -> dict[str, np.ndarray]:
    """A LightGBM booster as flat node arrays (`line_model.Forest`'s layout)."""
    dump = model.dump_model()
    assert dump["feature_names"] == list(lf.NAMES), "feature order changed"
    feature, threshold, left, right, value, roots = [], [], [], [], [], []

    def add(node: dict) -> int:
        index = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(0.0)
        if "split_feature" not in node:
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


def training_pages() -> list[dataset.FlatPage]:
    pages = dataset.build(FLAVOURS, DATASETS) + [
        p for p in dataset.build(FLAVOURS, (SILVER,)) if p.flavour in SILVER_FLAVOURS
    ]
    pages = [p for p in pages if not p.held_out]
    return pages + clean_pages(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validation scores only, write nothing")
    parser.add_argument("--out", type=Path, default=line_model.MODEL_PATH)
    parser.add_argument("--settle-rounds", type=int, default=0,
                        help="rounds of pages as the model's rounds leave them (0, what ships: whole pages only)")
    parser.add_argument("--settled-weight", type=float, default=SETTLED_WEIGHT,
                        help="weight of those pages against a whole page's")
    args = parser.parse_args(argv)
    import lightgbm as lgb

    started = time.time()
    pages = training_pages()
    found = titles.page_titles()
    items = [PageData(p, titles.title_line(p.lines, p.labels, found.get(p.id, []))) for p in pages]
    add_features(items)
    print(f"{len(items)} training pages ({len({p.domain for p in pages})} domains), "
          f"{sum(len(d.keep) for d in items)} lines, features in {time.time() - started:.0f} s", flush=True)
    base = _train(lgb, [d for d in items if d.fold != VALIDATION_FOLD])
    valid = [d for d in items if d.fold == VALIDATION_FOLD and d.scored]
    unseen = lexicon_without(items, VALIDATION_FOLD)
    threshold = validate(base, valid, unseen, "whole pages only", settle=False)
    whole, sources, model = list(items), items, base
    for round_ in range(1, args.settle_rounds + 1):
        settled = settled_pages(lgb, items, sources, model, threshold, args.settled_weight)
        add_features(settled, whole)
        items, sources = items + settled, settled
        print(f"{len(settled)} pages as model round {round_} left them, {sum(len(d.keep) for d in settled)} lines",
              flush=True)
        model = _train(lgb, [d for d in items if d.fold != VALIDATION_FOLD])
        threshold = validate(model, valid, unseen, f"with pages of {round_} round(s)", settle=True)
    if args.check:
        return 0
    forest = export(_train(lgb, items))
    lexicon = lexicon_without(items, None)
    words = sorted(lexicon)
    np.savez_compressed(
        args.out,
        **forest,
        lexicon_words=np.array(words),
        lexicon_odds=np.array([lexicon[w] for w in words], dtype=np.float64),
        decision_threshold=np.array([threshold]),
        names=np.array(lf.NAMES),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(forest['roots'])} trees, "
          f"{len(words)} words) in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
