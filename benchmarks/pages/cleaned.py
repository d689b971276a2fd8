"""WCXB pages as the metadata and quality benchmarks use them, computed once and cached.

For every WCXB dev page: its gold title, author and main text; what the `html` stage makes
of its HTML (text and metadata, the author as trafilatura gave it and as cleaned); and the
page flattened as scrapers flatten it (`flatten.blocks`, `blank`, `markdown`), as read and
after `encoding` + `boilerplate` (text and the fields the stage found). Computing this takes
minutes on two cores, so it is cached under `.bench/pages-cleaned/`, keyed by the sources
it runs (the html, encoding and boilerplate stages, the pipeline's edit step, this
package): change one of them and the next run recomputes; the quality filter is not
cached, it runs on every call.

Used by `benchmarks/metadata_quality.py` and `benchmarks/quality_pages.py`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pages import corpus, flatten

#: The flattened flavours prepared for every page.
FLAVOURS = ("blocks", "blank", "markdown")
CACHE = corpus.BENCH / "pages-cleaned"


@dataclass
class Prepared:
    """One WCXB page in every form the benchmarks look at."""

    id: str
    page_type: str
    gold: dict[str, str]
    html_text: str
    html_fields: dict[str, str]
    raw_author: str | None
    raw: dict[str, str] = field(default_factory=dict)
    cleaned: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)


def prepared_pages(workers: int = 2) -> list[Prepared]:
    """Every WCXB dev page prepared (from the cache when the sources have not changed)."""
    path = CACHE / f"{_sources_digest()}.pkl"
    if path.is_file():
        with open(path, "rb") as source:
            return pickle.load(source)
    pages = list(corpus.wcxb_pages())
    with multiprocessing.get_context("fork").Pool(workers, _init) as pool:
        found = pool.map(_prepare, pages, chunksize=4)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as sink:
        pickle.dump(found, sink, protocol=pickle.HIGHEST_PROTOCOL)
    return found


def _sources_digest() -> str:
    """A digest of the code whose output is cached."""
    digest = hashlib.sha256()
    code = corpus.REPO / "cleaner"
    paths = [*(code / "stages").glob("html*.py"), *(code / "stages").glob("encoding*.py"),
             *(code / "stages").glob("metadata*.py"), *(code / "stages" / "boilerplate").rglob("*.py"),
             *(code / "stages" / "boilerplate").glob("*.npz"),  # the line model's trees and lexicon
             code / "stages" / "edits.py", code / "stages" / "base.py", code / "document.py",
             code / "pipeline" / "worker.py", *Path(__file__).parent.glob("*.py")]
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_STAGES: dict[str, Any] = {}


def _init() -> None:
    from cleaner.options import validate
    from cleaner.stages import stage_class

    for name in ("html", "encoding", "boilerplate"):
        cls = stage_class(name)
        _STAGES[name] = cls(validate({}, cls.options, name))


def _prepare(page: corpus.Page) -> Prepared:
    html_text, html_fields, raw_author = _extract(page)
    raw = {"blocks": flatten.blocks(page.html), "markdown": flatten.markdown(page.html)}
    raw["blank"] = raw["blocks"].replace("\n", "\n\n")
    cleaned = {flavour: _clean(page.id, raw[flavour]) for flavour in FLAVOURS}
    return Prepared(page.id, page.page_type, _gold(page.id), html_text, html_fields, raw_author,
                    {k: raw[k] for k in FLAVOURS}, cleaned)


def _extract(page: corpus.Page) -> tuple[str, dict[str, str], str | None]:
    """The html stage's text and fields, and trafilatura's author before cleaning."""
    from trafilatura import extract_metadata, load_html

    from cleaner.document import Document
    from cleaner.errors import RecordError

    doc = Document(id=page.id, text="", source=page.id, url=page.url or None, html=page.html)
    try:
        edit = _STAGES["html"].transform(doc)
        tree = load_html(page.html)
        author = extract_metadata(tree, default_url=page.url or None, extensive=False).author if tree is not None else None
    except RecordError:
        return "", {}, None
    return edit.text, edit.fields, author


def _clean(page_id: str, text: str) -> tuple[str, dict[str, str]]:
    """`encoding` then `boilerplate` on a plain-text page, as the pipeline runs them."""
    from cleaner.document import Document
    from cleaner.pipeline.stats import StageStats
    from cleaner.pipeline.worker import apply_edit

    doc = Document(id=page_id, text=text, source=f"{page_id}.md")
    for name in ("encoding", "boilerplate"):
        apply_edit(doc, _STAGES[name].transform(doc), StageStats())
    return doc.text, {k: v for k, v in doc.meta().items() if v}


def _gold(page_id: str) -> dict[str, str]:
    entry = json.loads((corpus.WCXB_DIR / "dev" / "ground-truth" / f"{page_id.split('/')[1]}.json").read_text(encoding="utf-8"))
    truth = entry["ground_truth"]
    return {k: truth.get(k) or "" for k in ("title", "author", "publish_date", "main_content")}
