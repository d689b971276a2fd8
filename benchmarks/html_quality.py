"""How well main-text extraction works, on two public benchmarks, with their own metrics.

Scores three extractors on the same decoded pages:

- `trafilatura`: bare `trafilatura.extract(html)` with its defaults (the bar to meet);
- `html stage`: our `html` stage alone, with its default options;
- `pipeline`: the whole default per-document pipeline (html, encoding, boilerplate,
  quality); a document a filter drops counts as empty output. Stages that cannot be
  imported yet are skipped with a note. The html stage row and the pipeline rows (with
  --ablation every prefix) come from one run of each page through the stages, so they
  compare the same extraction.

Benchmarks (read in place from ../shared/data; see its README for the metric definitions):

- ScrapingHub AEB: 181 article pages with gold bodies; token-4-gram shingle multisets, macro
  precision and recall over pages, F1 of the two averages.
- trafilatura-eval: 990 pages with snippets that must (`with`) and must not (`without`)
  appear in the output; counts summed over pages.

Every extractor gets the same decoded string per page: the pipeline's own decoder
(`cleaner.io.decode.decode_bytes`) when it imports, else a local stand-in (UTF-8, the
`<meta>` charset, cp1252). Published trafilatura numbers let trafilatura decode the bytes.

Usage:
    python benchmarks/html_quality.py                 # the table of the three extractors
    python benchmarks/html_quality.py --sweep         # trafilatura settings tried
    python benchmarks/html_quality.py --ablation      # also each prefix of the pipeline
    python benchmarks/html_quality.py --aeb 40 --eval 150   # a subset (first N by name)
    python benchmarks/html_quality.py --timeout 120   # a busy machine: no page times out

The test suite imports this file for its quality floor (tests/stages/test_html.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
AEB_DIR = DATA / "scrapinghub-aeb"
EVAL_DIR = DATA / "trafilatura-eval"

#: The per-document stages of the default pipeline, in order (dedup/passages are global).
PIPELINE = ("html", "encoding", "boilerplate", "quality")

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)


# --- data -------------------------------------------------------------------------------


@dataclass
class Page:
    """One benchmark page: decoded HTML plus its gold annotation."""

    id: str
    url: str | None
    html: str
    gold: str = ""
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


def data_available() -> bool:
    """Whether both benchmark folders are present beside this checkout."""
    return (AEB_DIR / "ground-truth.json").is_file() and (EVAL_DIR / "evaldata.json").is_file()


def load_aeb(limit: int | None = None) -> list[Page]:
    """AEB pages sorted by id (the first `limit` of them)."""
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    pages = []
    for i in ids:
        html = read_html(AEB_DIR / "html" / f"{i}.html.gz")
        pages.append(Page(i, truth[i].get("url"), html, gold=truth[i]["articleBody"]))
    return pages


def load_eval(limit: int | None = None) -> list[Page]:
    """trafilatura-eval pages sorted by file name (the first `limit` of them)."""
    data = json.loads((EVAL_DIR / "evaldata.json").read_text(encoding="utf-8"))
    items = sorted(data.items(), key=lambda kv: kv[1]["file"])[:limit]
    return [
        Page(
            entry["file"],
            url,
            read_html(EVAL_DIR / "html" / f"{entry['file']}.gz"),
            with_=list(entry.get("with", [])),
            without=list(entry.get("without", [])),
        )
        for url, entry in items
    ]


def read_html(path: Path) -> str:
    """Decompress and decode one page the way the pipeline's reader would."""
    data = gzip.decompress(path.read_bytes())
    try:
        from cleaner.io.decode import decode_bytes
    except ImportError:
        return decode_locally(data)
    try:
        return decode_bytes(data, html=True).text
    except Exception:  # a colleague's decoder refusing a page must not stop the benchmark
        return decode_locally(data)


def decode_locally(data: bytes) -> str:
    """Stand-in decoder: UTF-8, else the page's <meta> charset, else cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore").lower() if match else ""
    if declared in ("iso-8859-1", "latin-1", "us-ascii"):
        declared = "cp1252"  # what browsers do (WHATWG)
    for codec in (declared, "cp1252"):
        try:
            return data.decode(codec) if codec else data.decode("cp1252")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


# --- metrics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 as each benchmark defines them."""

    precision: float
    recall: float
    f1: float


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score_aeb(pages: list[Page], outputs: list[str]) -> Score:
    """AEB: macro P/R over pages of shingle multisets, F1 of the averages."""
    precisions, recalls = [], []
    for page, output in zip(pages, outputs, strict=True):
        gold, pred = _shingles(page.gold), _shingles(output)
        tp = sum((gold & pred).values())
        fp = sum((pred - gold).values())
        fn = sum((gold - pred).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def score_eval(pages: list[Page], outputs: list[str]) -> Score:
    """trafilatura-eval: snippet hits summed over pages; empty output misses everything."""
    tp = fn = fp = 0
    for page, output in zip(pages, outputs, strict=True):
        text = _fold(output)
        for snippet in page.with_:
            found = bool(text) and _fold(snippet) in text
            tp, fn = tp + found, fn + (not found)
        fp += sum(1 for snippet in page.without if text and _fold(snippet) in text)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Score(p, r, 2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# --- extractors -----------------------------------------------------------------------------

#: An extractor spec is picklable: ("trafilatura", extract() kwargs), ("html", html stage
#: options) or ("pipeline", {"stages": [names]}).
Spec = tuple[str, dict[str, Any]]


#: What an extractor made of one page: its text, and why it is empty when it is ('' if not).
Result = tuple[str, str]


def build_extractor(spec: Spec) -> Callable[[Page], Any]:
    """The function a worker calls on each page for `spec`.

    `("prefixes", {"stages": names})` gives one Result per prefix of the stages (the first
    stage alone, the first two, ..., all), from one run through them: comparing prefixes
    then never compares two extractions of a page, which may differ on a busy machine (a
    page past the html stage's time limit in one run and not in the other).
    """
    kind, options = spec
    if kind == "trafilatura":
        import trafilatura

        return lambda page: ((trafilatura.extract(page.html, **options) or ""), "")
    if kind == "html":
        stages = make_stages(["html"], {"html": options})
    else:
        stages = make_stages(options["stages"], options.get("overrides", {}))
    if kind == "prefixes":
        return lambda page: run_prefixes(stages, page)
    return lambda page: run_stages(stages, page)


def importable_stages(names: Iterable[str]) -> list[str]:
    """The names among `names` whose stage class imports; a note for each that does not."""
    from cleaner.stages import stage_class

    found = []
    for name in names:
        try:
            stage_class(name)
        except (ImportError, AttributeError) as err:
            print(f"note: stage {name!r} skipped, not importable yet: {err}", file=sys.stderr)
        else:
            found.append(name)
    return found


def make_stages(names: Iterable[str], overrides: dict[str, Any]) -> list[Any]:
    """Instances of the named stages with their default options plus `overrides`."""
    from cleaner.options import validate
    from cleaner.stages import stage_class

    stages = []
    for name in names:
        cls = stage_class(name)
        stages.append(cls(validate(overrides.get(name, {}), cls.options, name)))
    return stages


def run_stages(stages: list[Any], page: Page) -> Result:
    """One page through `stages` as the pipeline runs them.

    Transforms set the text and metadata fields; a filter's Drop, a transform leaving no
    text, or a RecordError ends the page with empty output and the reason.
    """
    return run_prefixes(stages, page)[-1]


def run_prefixes(stages: list[Any], page: Page) -> list[Result]:
    """What each prefix of `stages` makes of one page (see `run_stages`), in one run."""
    from cleaner.document import Document
    from cleaner.errors import RecordError
    from cleaner.pipeline.stats import StageStats
    from cleaner.pipeline.worker import apply_edit
    from cleaner.stages.base import Filter, Transform

    doc = Document(id=page.id, text="", source=page.id, url=page.url, html=page.html)
    results: list[Result] = []
    for stage in stages:
        try:
            if isinstance(stage, Transform):
                apply_edit(doc, stage.transform(doc), StageStats())
                if not doc.text.strip():
                    return _ended(results, stages, f"{stage.name}: empty")
            elif isinstance(stage, Filter) and (drop := stage.check(doc)) is not None:
                return _ended(results, stages, f"{drop.stage}: {drop.reason}")
        except RecordError as err:
            return _ended(results, stages, f"{stage.name}: error ({str(err)[:60]})")
        results.append((doc.text, ""))
    return results


def _ended(results: list[Result], stages: list[Any], why: str) -> list[Result]:
    """The results so far, then an empty output with `why` for every longer prefix."""
    return results + [("", why)] * (len(stages) - len(results))


_worker_extractor: Callable[[Page], Result] | None = None


def _init_worker(spec: Spec) -> None:
    global _worker_extractor
    _worker_extractor = build_extractor(spec)


def _extract_one(page: Page) -> Result:
    assert _worker_extractor is not None
    try:
        return _worker_extractor(page)
    except Exception as err:  # a crash counts as a full miss, as the benchmarks define
        print(f"warning: {page.id}: {type(err).__name__}: {err}", file=sys.stderr)
        return "", f"crash: {type(err).__name__}"


def extract_all(spec: Spec, pages: list[Page], workers: int = 1) -> list[Result]:
    """Results of `spec` for `pages`, in order, on `workers` processes."""
    if workers <= 1:
        _init_worker(spec)
        return [_extract_one(p) for p in pages]
    # spawn, not fork: the caller may hold threads (the test process has run Ray and the S3
    # client by now), and a forked child can inherit one of their locks taken, and hang.
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)  # a spawned worker imports this module by name
    with multiprocessing.get_context("spawn").Pool(workers, _init_worker, (spec,)) as pool:
        return pool.map(_extract_one, pages, chunksize=4)


# --- report ---------------------------------------------------------------------------------

#: trafilatura settings tried by --sweep, as html stage options.
SWEEP: tuple[dict[str, Any], ...] = (
    {},
    {"favor": "precision"},
    {"favor": "recall"},
    {"fast": True},
    {"include_tables": False},
    {"include_comments": True},
    {"fallback": "html2txt"},
    {"fallback": "none"},
    {"favor": "precision", "fast": True},
    {"favor": "recall", "fast": True},
)


@dataclass
class Row:
    """One line of the report, with why outputs were empty (reason -> pages)."""

    name: str
    aeb: Score
    eval: Score
    seconds: float
    empty: Counter[str] = field(default_factory=Counter)


def evaluate(name: str, spec: Spec, aeb: list[Page], ev: list[Page], workers: int) -> Row:
    """Both benchmark scores of one extractor, the seconds it took, its empty outputs."""
    start = time.perf_counter()
    aeb_out = extract_all(spec, aeb, workers)
    eval_out = extract_all(spec, ev, workers)
    return _row(name, aeb, ev, aeb_out, eval_out, time.perf_counter() - start)


def evaluate_prefixes(names: list[str], aeb: list[Page], ev: list[Page], workers: int,
                      overrides: dict[str, Any] | None = None) -> list[Row]:
    """A Row for each prefix of the stages `names` (the first alone, ..., all of them),
    from one run of every page through them; the seconds are those of the whole run.
    `overrides` are stage options ({"html": {"timeout_s": 60}})."""
    start = time.perf_counter()
    spec: Spec = ("prefixes", {"stages": names, "overrides": overrides or {}})
    aeb_out, eval_out = extract_all(spec, aeb, workers), extract_all(spec, ev, workers)
    seconds = time.perf_counter() - start
    aeb_out = [o if isinstance(o, list) else [o] * len(names) for o in aeb_out]  # a crash: a tuple
    eval_out = [o if isinstance(o, list) else [o] * len(names) for o in eval_out]
    rows = []
    for k in range(len(names)):
        name = f"{names[0]} stage (defaults)" if k == 0 else "pipeline " + "+".join(names[: k + 1])
        rows.append(_row(name, aeb, ev, [o[k] for o in aeb_out], [o[k] for o in eval_out], seconds))
    return rows


def _row(name: str, aeb: list[Page], ev: list[Page], aeb_out: list[Result], eval_out: list[Result], seconds: float) -> Row:
    empty = Counter(why for _, why in aeb_out + eval_out if why)
    aeb_score = score_aeb(aeb, [text for text, _ in aeb_out])
    eval_score = score_eval(ev, [text for text, _ in eval_out])
    return Row(name, aeb_score, eval_score, seconds, empty)


def print_table(rows: list[Row], aeb_n: int, eval_n: int) -> None:
    """A fixed-width table of P/R/F1 per benchmark, then the reasons for empty outputs."""
    aeb, ev = f"AEB ({aeb_n})", f"eval ({eval_n})"
    print(f"\n{'extractor':<50} | {aeb:<10}P     R     F1   | {ev:<11}P     R     F1   |  secs")
    for row in rows:
        a, e = row.aeb, row.eval
        print(
            f"{row.name:<50} | {'':10}{a.precision:.3f} {a.recall:.3f} {a.f1:.3f} | "
            f"{'':11}{e.precision:.3f} {e.recall:.3f} {e.f1:.3f} | {row.seconds:5.0f}"
        )
    for row in rows:
        if row.empty:
            reasons = ", ".join(f"{why} x{n}" for why, n in row.empty.most_common())
            print(f"empty outputs of {row.name}: {reasons}")


def rows_to_run(args: argparse.Namespace, aeb: list[Page], ev: list[Page]) -> list[Row]:
    """The rows the command line asks for, bare trafilatura first: the settings sweep, or
    the html stage, the pipeline (and with --ablation each prefix between) from one run."""
    rows = [evaluate("trafilatura.extract (defaults)", ("trafilatura", {}), aeb, ev, args.workers)]
    if args.sweep:
        for options in SWEEP:
            label = json.dumps(options) if options else "(defaults)"
            rows.append(evaluate(f"html stage {label}", ("html", options), aeb, ev, args.workers))
        return rows
    overrides = {"html": {"timeout_s": args.timeout}} if args.timeout is not None else {}
    prefixes = evaluate_prefixes(importable_stages(PIPELINE), aeb, ev, args.workers, overrides)
    return rows + (prefixes if args.ablation else [prefixes[0], prefixes[-1]])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if the pipeline scores below bare
    trafilatura or below the html stage alone on either benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--aeb", type=int, default=None, help="first N AEB pages only")
    parser.add_argument("--eval", type=int, default=None, help="first N eval pages only")
    parser.add_argument("--workers", type=int, default=max(1, multiprocessing.cpu_count()))
    parser.add_argument("--sweep", action="store_true", help="html stage under each setting")
    parser.add_argument("--ablation", action="store_true", help="each prefix of the pipeline too")
    parser.add_argument("--timeout", type=float, default=None,
                        help="html stage time limit per page in s (default: the stage's); raise it on a busy machine")
    args = parser.parse_args(argv)
    if not data_available():
        print(f"benchmark data not found under {DATA}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    aeb, ev = load_aeb(args.aeb), load_eval(args.eval)
    rows = rows_to_run(args, aeb, ev)
    print_table(rows, len(aeb), len(ev))
    if args.sweep:
        return 0
    bare, html, pipeline = rows[0], rows[1], rows[-1]
    ok = True
    for floor in (bare, html):
        above = pipeline.aeb.f1 >= floor.aeb.f1 and pipeline.eval.f1 >= floor.eval.f1
        print(f"pipeline >= {floor.name} on both benchmarks:", "yes" if above else "NO")
        ok = ok and above
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
