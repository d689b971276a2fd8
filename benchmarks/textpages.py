"""Page cleaning on held-out real pages flattened to plain text, side by side.

The held-out pages are the WCXB dev and ScrapingHub AEB pages whose domain the line model
never saw (`pages.corpus.is_held_out`). Each is flattened as scrapers flatten pages (`blocks`:
every visible block on its own line; `markdown`: html2text's Markdown, links kept), written
as JSONL with its url, and cleaned by:

- `nothing`: the flattened text as is;
- `c4 lines`: datatrove's C4 line filter (`C4QualityFilter` with its line rules only:
  terminal punctuation, >= 3 words, no "javascript", no policy lines, citations removed;
  its document-level drops are off, so it is a pure line filter);
- `encoding+boilerplate`: `clean run` with `stages: [encoding, boilerplate]`;
- `default pipeline`: `clean run` with the default configuration (every stage: encoding,
  boilerplate, quality, templates, dedup, passages); a page a filter drops counts as empty;
- `trafilatura (HTML)`: `trafilatura.extract` on the original HTML, which sees the DOM (the
  row names the installed version: the peers' environment of benchmarks/README.md has 2.2).

Scores: the AEB shingle metric (pages pooled: macro P and R over pages, F1 of the two) and
WCXB's word F1, pooled and per page type. Then the trafilatura-eval pages of held-out
domains (mostly German, 20-30% other languages), flattened the same ways and scored by the
set's own snippets (`--no-eval` skips them). Then speed: `boilerplate` + `quality` in one
process against datatrove's C4 filter (its defaults) on the same texts, interleaved, best
of `--repeat`, CPU seconds per MB, and the slowest page in ms per 100 KB (C4 with
`min_num_sentences: -1`: its sentence count needs spaCy and would only slow it down).

    python benchmarks/textpages.py                  # both flavours, every tool installed
    python benchmarks/textpages.py --flavours blocks --repeat 1
    python benchmarks/textpages.py --flavours markdownify,inscriptis --no-speed   # unseen flatteners

Needs html2text (the markdown flavour) and datatrove (the C4 rows; skipped when absent);
the flavours no training used (`pages.flatten.UNSEEN`) need markdownify and inscriptis.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pages import corpus, dataset, flatten, metrics  # noqa: E402

WORK = corpus.BENCH / "textpages"
FLAVOURS = ("blocks", "markdown")
TARGET_F1 = 0.85
TARGET_RECALL = 0.90
SLOWEST_MS_PER_100KB = 50.0


def held_out_pages(flavours: tuple[str, ...]) -> dict[str, list[dataset.FlatPage]]:
    trained = dataset_flavours()
    unseen = tuple(f for f in flavours if f not in trained)
    built = dataset.build(trained) + (dataset.build(unseen) if unseen else [])
    by_flavour: dict[str, list[dataset.FlatPage]] = defaultdict(list)
    for page in built:
        if page.held_out and page.flavour in flavours:
            by_flavour[page.flavour].append(page)
    return by_flavour


def dataset_flavours() -> tuple[str, ...]:
    """The flavours the training script caches (so both scripts share one cache)."""
    from train_lines import FLAVOURS as TRAINED

    return TRAINED


# --- runs ---------------------------------------------------------------------------------


def write_input(pages: list[dataset.FlatPage], folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / "pages.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps({"id": page.id, "url": page.url, "text": page.text}, ensure_ascii=False) + "\n")
    return path


def clean_run(source: Path, output: Path, config: str | None) -> tuple[dict[str, str], float, float]:
    """`clean run` on `source`; kept text per id, wall seconds, CPU seconds of the process tree."""
    cmd = [sys.executable, "-m", "cleaner", "run", "-i", str(source), "-o", str(output), "-q", "-w", "2"]
    if config is not None:
        cfg = output.parent / f"{output.name}.yaml"
        cfg.write_text(config)
        cmd += ["-c", str(cfg)]
    else:
        cmd += ["-c", str(REPO / "config.yaml")]
    if output.exists():
        shutil.rmtree(output)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"clean run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    import pyarrow.parquet as pq

    kept = {row["id"]: row["text"] for row in pq.read_table(output / "data", columns=["id", "text"]).to_pylist()}
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return kept, wall, cpu


def text_tools(pages: list[dataset.FlatPage], folder: Path, c4, report: bool = False) -> dict[str, dict[str, str]]:
    """What each tool on flattened text keeps of `pages` (id -> text): doing nothing, the C4
    line filter (when datatrove is there), `[encoding, boilerplate]` and the default
    pipeline, run under `folder`; with `report`, each run's wall and CPU seconds printed."""
    source = write_input(pages, folder / "input")
    outputs: dict[str, dict[str, str]] = {"nothing": {p.id: p.text for p in pages}}
    if c4 is not None:
        outputs["c4 lines"] = c4_clean(c4, pages)
    for name, config in (("encoding+boilerplate", "stages: [encoding, boilerplate]\n"), ("default pipeline", None)):
        kept, wall, cpu = clean_run(source, folder / name.replace("+", "_").replace(" ", "_"), config)
        outputs[name] = kept
        if report:
            print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return outputs


def c4_line_filter():
    """datatrove's C4 filter reduced to its line rules, or None when datatrove is absent."""
    try:
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        print("note: datatrove is not installed; the C4 rows are skipped", file=sys.stderr)
        return None
    return C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)


def c4_clean(filt, pages: list[dataset.FlatPage]) -> dict[str, str]:
    from datatrove.data import Document as DtDocument

    out = {}
    for page in pages:
        doc = DtDocument(text=page.text, id=page.id)
        result = filt.filter(doc)
        keep = result if isinstance(result, bool) else result[0]
        out[page.id] = doc.text if keep else ""
    return out


def trafilatura_texts(pages: list[dataset.FlatPage]) -> dict[str, str]:
    import trafilatura

    by_id = {p.id: p for p in corpus_pages(pages)}
    return {pid: trafilatura.extract(page.html) or "" for pid, page in by_id.items()}


def corpus_pages(pages: list[dataset.FlatPage]) -> list[corpus.Page]:
    wanted = {p.id for p in pages}
    found = [p for p in corpus.wcxb_pages() if p.id in wanted]
    found += [p for p in corpus.aeb_pages() if p.id in wanted]
    return found


# --- trafilatura-eval: other languages, the set's own snippet metric ------------------------


def eval_section(flavours: tuple[str, ...], c4, with_trafilatura: bool) -> list[str]:
    """The trafilatura-eval pages of held-out domains (mostly German, 20-30% other
    languages; no gold text, so they are scored by the set's own snippets: what must and
    must not appear), flattened like the WCXB/AEB pages, through the same tools."""
    from html_quality import Page as SnippetPage
    from html_quality import score_eval

    held = [p for p in corpus.eval_pages() if p.held_out]
    snippet_pages = [SnippetPage(p.id, p.url, "", with_=p.with_, without=p.without) for p in held]
    columns: dict[str, dict[str, str]] = {}
    for flavour in flavours:
        flat = [dataset.FlatPage(p.id, p.dataset, p.page_type, p.domain, p.url, flavour, True,
                                 flatten.FLAVOURS[flavour](p.html), "", []) for p in held]
        for name, texts in text_tools(flat, WORK / "eval" / flavour, c4).items():
            columns.setdefault(name, {})[flavour] = _snippet_cells(score_eval(snippet_pages, [texts.get(p.id, "") for p in held]))
    if with_trafilatura:
        import trafilatura

        traf = score_eval(snippet_pages, [trafilatura.extract(p.html) or "" for p in held])
        columns[f"trafilatura {_version('trafilatura')} (HTML)"] = {f: _snippet_cells(traf) for f in flavours}
    header = ["cleaner", *(f"{f}: P / R / F1" for f in flavours)]
    rows = [[name, *(cells[f] for f in flavours)] for name, cells in columns.items()]
    return [f"## trafilatura-eval: {len(held)} held-out pages, {len({p.domain for p in held})} domains "
            "(snippet metric)", "", table(header, rows)]


def _snippet_cells(score) -> str:
    return f"{score.precision:.3f} / {score.recall:.3f} / {score.f1:.3f}"


# --- scoring ------------------------------------------------------------------------------


def score_rows(pages: list[dataset.FlatPage], outputs: dict[str, dict[str, str]]) -> list[list[str]]:
    rows = []
    for name, texts in outputs.items():
        pairs = [(texts.get(p.id, ""), p.gold) for p in pages]
        aeb = metrics.aeb(pairs)
        word = metrics.word_f1(pairs)
        rows.append([name, f"{aeb.precision:.3f}", f"{aeb.recall:.3f}", f"{aeb.f1:.3f}", f"{word.f1:.3f}"])
    return rows


def per_type_rows(pages: list[dataset.FlatPage], outputs: dict[str, dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    types = sorted({p.page_type for p in pages})
    header = ["page type", "pages", *outputs]
    rows = []
    for kind in types:
        group = [p for p in pages if p.page_type == kind]
        row = [kind, str(len(group))]
        for texts in outputs.values():
            row.append(f"{metrics.aeb([(texts.get(p.id, ''), p.gold) for p in group]).f1:.3f}")
        rows.append(row)
    return header, rows


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


# --- speed --------------------------------------------------------------------------------


def speed(pages: list[dataset.FlatPage], repeat: int) -> list[str]:
    """boilerplate + quality vs datatrove's C4 filter, in this process, interleaved."""
    from html_quality import make_stages

    from cleaner.document import Document
    from cleaner.pipeline.memory import relax_collector

    relax_collector()  # as in the pipeline's worker processes (and for C4 alike, same process)
    stages = make_stages(["boilerplate", "quality"], {})
    boiler, quality = stages
    texts = [p.text for p in pages]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    try:
        from datatrove.data import Document as DtDocument
        from datatrove.pipeline.filters import C4QualityFilter

        # Its defaults, but no sentence count: that needs spaCy (not installed here) and
        # would only make the peer slower.
        c4 = C4QualityFilter(min_num_sentences=-1)
    except ImportError:
        c4 = None
    ours, theirs = [], []
    per_page = [float("inf")] * len(texts)  # each page's best, as the totals are best of `repeat`
    for _ in range(repeat):
        start = time.process_time()
        for i, text in enumerate(texts):
            t0 = time.process_time()
            doc = Document(id=str(i), text=text, source="bench")
            edit = boiler.transform(doc)
            doc.text = edit.text
            quality.check(doc)
            per = (time.process_time() - t0) * 1000 / max(len(text.encode("utf-8")) / 1e5, 1.0)
            per_page[i] = min(per_page[i], per)
        ours.append(time.process_time() - start)
        if c4 is not None:
            start = time.process_time()
            for i, text in enumerate(texts):
                c4.filter(DtDocument(text=text, id=str(i)))
            theirs.append(time.process_time() - start)
    slowest = max(per_page, default=0.0)
    over = sum(per > SLOWEST_MS_PER_100KB for per in per_page)
    lines = [f"speed on {len(texts)} pages, {megabytes:.1f} MB, best of {repeat} (CPU seconds, one process):"]
    ours_s = min(ours)
    lines.append(f"  boilerplate + quality: {ours_s:.2f} s = {megabytes / ours_s:.2f} MB/s per core; "
                 f"slowest page {slowest:.1f} ms per 100 KB, {over} over (target <= {SLOWEST_MS_PER_100KB:.0f}; a page "
                 f"under 100 KB counts as 100 KB, each page its best of {repeat}): "
                 f"{'PASS' if slowest <= SLOWEST_MS_PER_100KB else 'FAIL'}")
    if theirs:
        theirs_s = min(theirs)
        ratio = ours_s / theirs_s
        lines.append(f"  datatrove C4 filter:   {theirs_s:.2f} s = {megabytes / theirs_s:.2f} MB/s per core")
        lines.append(f"  ratio (ours / C4): {ratio:.2f} (target <= 1.00): {'PASS' if ratio <= 1.0 else 'FAIL'}")
    return lines


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flavours", default=",".join(FLAVOURS))
    parser.add_argument("--repeat", type=int, default=3, help="speed runs (best of)")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help="only the speed comparison")
    parser.add_argument("--no-eval", action="store_true", help="skip the trafilatura-eval (other languages) table")
    args = parser.parse_args(argv)
    if not corpus.available():
        print("../shared/data is absent; nothing to measure", file=sys.stderr)
        return 0
    flavours = tuple(args.flavours.split(","))
    by_flavour = held_out_pages(flavours)
    c4 = None if args.speed_only else c4_line_filter()
    traf: dict[str, str] | None = None
    failed = False
    for flavour in () if args.speed_only else flavours:
        pages = by_flavour[flavour]
        unseen = " (a flattener the line model was never trained on)" if flavour in flatten.UNSEEN else ""
        print(f"\n## {flavour}{unseen}: {len(pages)} held-out pages, {len({p.domain for p in pages})} domains\n")
        outputs = text_tools(pages, WORK / flavour, c4, report=True)
        if not args.no_trafilatura:
            traf = traf if traf is not None else trafilatura_texts(pages)
            outputs[f"trafilatura {_version('trafilatura')} (HTML)"] = traf
        print()
        print(table(["cleaner", "AEB P", "AEB R", "AEB F1", "word F1"], score_rows(pages, outputs)))
        print()
        print(table(*per_type_rows(pages, outputs)))
        pooled = metrics.aeb([(outputs["default pipeline"].get(p.id, ""), p.gold) for p in pages])
        ok = pooled.f1 >= TARGET_F1 and pooled.recall >= TARGET_RECALL
        print(f"\ndefault pipeline: F1 {pooled.f1:.3f} (target >= {TARGET_F1}), recall {pooled.recall:.3f} "
              f"(target >= {TARGET_RECALL}): {'PASS' if ok else 'FAIL'}")
        if "c4 lines" in outputs:
            _, rows = per_type_rows(pages, {k: outputs[k] for k in ("default pipeline", "c4 lines")})
            worse = [r[0] for r in rows if float(r[2]) <= float(r[3])]
            print(f"every page type above the C4 line filter: {'PASS' if not worse else 'FAIL ' + ', '.join(worse)}")
            failed |= bool(worse)
        failed |= not ok
    if not args.speed_only and not args.no_eval:
        print()
        print("\n".join(eval_section(flavours, c4, not args.no_trafilatura)))
    if not args.no_speed:
        print()
        print("\n".join(speed(by_flavour[flavours[0]], args.repeat)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
