"""Flattened pages with per-line gold labels, built once and cached under .bench/pages/.

Pages of trafilatura-eval have no human gold text; their gold is trafilatura's extraction
from the HTML (silver labels: trafilatura sees the DOM, so its decisions are a good teacher
for the flattened text, and these pages add German and other languages).

Building means flattening every page in every flavour and aligning each flattened page to its
gold text (`labels.line_labels`); that costs a few minutes, so the result is cached, keyed by
the source of the modules it depends on (a change to the flattener or the labeller rebuilds).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pages import corpus, flatten, labels

CACHE = corpus.BENCH / "pages"


@dataclass
class FlatPage:
    """One page flattened in one flavour, with the gold share of every line."""

    id: str
    dataset: str
    page_type: str
    domain: str
    url: str
    flavour: str
    held_out: bool
    text: str
    gold: str
    labels: list[float]

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _key(flavours: Iterable[str], datasets: Iterable[str]) -> str:
    digest = hashlib.sha1()
    for module in (flatten, labels, corpus):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(repr((sorted(flavours), sorted(datasets))).encode())
    return digest.hexdigest()[:12]


def silver_gold(page: corpus.Page) -> str:
    """trafilatura's main text of a page without human gold (trafilatura-eval), as its gold."""
    import trafilatura

    return trafilatura.extract(page.html) or ""


def _flatten_one(args: tuple[corpus.Page, tuple[str, ...]]) -> list[FlatPage]:
    page, flavours = args
    gold = page.gold or (silver_gold(page) if page.dataset == "eval" else "")
    if not gold:
        return []
    out = []
    for flavour in flavours:
        text = flatten.FLAVOURS[flavour](page.html)
        out.append(FlatPage(
            page.id, page.dataset, page.page_type, page.domain, page.url, flavour, page.held_out,
            text, gold, labels.line_labels(text.split("\n"), gold),
        ))
    return out


def _pages(datasets: Iterable[str]) -> Iterable[corpus.Page]:
    sources = {"wcxb": corpus.wcxb_pages, "aeb": corpus.aeb_pages, "eval": corpus.eval_pages}
    for name in datasets:
        yield from sources[name]()


def build(flavours: tuple[str, ...] = ("blocks", "markdown"), datasets: tuple[str, ...] = ("wcxb", "aeb"), processes: int = 2) -> list[FlatPage]:
    """Every page with gold text, flattened in each flavour (cached per dataset)."""
    return [page for name in datasets for page in _build_one(flavours, name, processes)]


def _build_one(flavours: tuple[str, ...], name: str, processes: int) -> list[FlatPage]:
    path = CACHE / f"flat-{_key(flavours, [name])}.jsonl.gz"
    if path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return [FlatPage(**json.loads(line)) for line in fh]
    jobs = [(page, tuple(flavours)) for page in _pages([name])]
    with multiprocessing.Pool(processes) as pool:
        built = [item for items in pool.map(_flatten_one, jobs, chunksize=4) for item in items]
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        for item in built:
            fh.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    tmp.rename(path)
    return built
