"""Site templates on real pages: what the `templates` stage removes from sites with several pages.

The WCXB dev and ScrapingHub AEB pages are flattened as scrapers flatten them (`blocks`: every
visible block on its own line; `markdown` too when html2text is installed), and the pages
of every site (registered host) with at least two pages in the data are written as JSONL
with their urls. `clean run` cleans them twice in one invocation, `stages: [encoding,
boilerplate]` and the same plus `templates` (its defaults unless `--options` says otherwise),
and both are scored against the human gold text:

- the AEB shingle metric and WCXB's word F1 (`pages.metrics`), pooled over the pages of
  sites the stage judges (enough pages) and per page type;
- the removed lines: how many, and how many of them the gold keeps (a line whose gold
  share, `pages.labels`, is above one half), with the most frequent such lines listed,
  so that every loss of real content can be looked at.

    python benchmarks/templates.py
    python benchmarks/templates.py --options '{min_share: 0.3}' --flavours blocks markdown

Only the pages of held-out sites count by default (`pages.corpus.is_held_out`): the line
model in `boilerplate` was trained on the other sites' pages, so on those the base run
would be scored on its own training data and the stage after it would look useless.
`--all-sites` adds them (to see what the stage removes on more sites, not to score it).

The pages are few per site (3 to 12), far fewer than a crawl holds; see the README for what
that means for the shares.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pages import corpus, dataset, metrics  # noqa: E402

from cleaner.dedup.site_lines import line_key  # noqa: E402

WORK = corpus.BENCH / "templates"
BASE = "encoding, boilerplate"


def multi_page_sites(pages: list[dataset.FlatPage]) -> list[dataset.FlatPage]:
    """Pages whose domain has at least two pages (a page alone on its site cannot change)."""
    sizes = Counter(p.domain for p in pages if p.domain)
    return [p for p in pages if p.domain and sizes[p.domain] >= 2]


def write_input(pages: list[dataset.FlatPage], folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / "pages.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps({"id": page.id, "url": page.url, "text": page.text}, ensure_ascii=False) + "\n")
    return path


def clean_run(source: Path, output: Path, stages: str) -> tuple[dict[str, str], list[dict], dict]:
    """`clean run` with `stages`; kept text per id, spans, stats."""
    import pyarrow.parquet as pq

    config = output.parent / f"{output.name}.yaml"
    config.write_text(f"stages: [{stages}]\n")
    cmd = [sys.executable, "-m", "cleaner", "run", "-i", str(source), "-o", str(output), "-c", str(config), "-q", "-w", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"clean run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    kept = {r["id"]: r["text"] for r in pq.read_table(output / "data", columns=["id", "text"]).to_pylist()}
    spans = pq.read_table(output / "spans.parquet").to_pylist()
    return kept, spans, json.loads((output / "stats.json").read_text())


def scores(pages: list[dataset.FlatPage], kept: dict[str, str]) -> tuple[metrics.Score, metrics.Score]:
    pairs = [(kept.get(p.id, ""), p.gold) for p in pages]
    return metrics.aeb(pairs), metrics.word_f1(pairs)


def removed_lines(pages: list[dataset.FlatPage], spans: list[dict]) -> tuple[int, int, Counter]:
    """(template lines removed, of them lines the gold keeps, those gold lines by text)."""
    labels = {p.id: {line_key(line): label for line, label in zip(p.lines, p.labels)} for p in pages}
    total, gold, examples = 0, 0, Counter()
    for span in spans:
        if span["stage"] != "templates" or span["doc_id"] not in labels:
            continue
        total += 1
        if labels[span["doc_id"]].get(line_key(span["text"]), 0.0) > 0.5:
            gold += 1
            examples[span["text"].strip()[:80]] += 1
    return total, gold, examples


def report(flavour: str, pages: list[dataset.FlatPage], judged: set[str], runs: dict[str, tuple]) -> None:
    in_judged = [p for p in pages if p.domain in judged]
    print(f"\n## {flavour}: {len(pages)} pages of {len({p.domain for p in pages})} sites; "
          f"{len(in_judged)} pages of {len(judged)} sites with enough pages to be judged\n")
    print("| run | pages | AEB P | AEB R | AEB F1 | word F1 |")
    print("|---|---|---|---|---|---|")
    for name, (kept, _, _) in runs.items():
        aeb, word = scores(in_judged, kept)
        print(f"| {name} | {aeb.pages} | {aeb.precision:.3f} | {aeb.recall:.3f} | {aeb.f1:.3f} | {word.f1:.3f} |")
    by_type: dict[str, list[dataset.FlatPage]] = defaultdict(list)
    for p in in_judged:
        by_type[p.page_type].append(p)
    print("\n| page type | pages | AEB F1 before → after | word F1 before → after |")
    print("|---|---|---|---|")
    (base, _, _), (tpl, _, _) = runs.values()
    for page_type, group in sorted(by_type.items()):
        (a0, w0), (a1, w1) = scores(group, base), scores(group, tpl)
        print(f"| {page_type} | {len(group)} | {a0.f1:.3f} → {a1.f1:.3f} | {w0.f1:.3f} → {w1.f1:.3f} |")
    total, gold, examples = removed_lines(pages, list(runs.values())[1][1])
    print(f"\ntemplate lines removed: {total}; lines the gold keeps among them: {gold} ({gold / max(total, 1):.1%})")
    for text, n in examples.most_common(15):
        print(f"  {n:4d}  {text!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flavours", nargs="+", default=["blocks"], choices=("blocks", "markdown"))
    parser.add_argument("--options", default="{}", help="the templates stage's options, as YAML flow mapping")
    parser.add_argument("--all-sites", action="store_true",
                        help="also the sites the line model was trained on (their scores flatter the base run)")
    args = parser.parse_args(argv)
    if not corpus.available():
        print("../shared/data is absent: nothing to measure")
        return 0
    built = dataset.build(tuple(args.flavours))
    stage = f"{{templates: {args.options}}}"
    for flavour in args.flavours:
        pages = multi_page_sites([p for p in built if p.flavour == flavour and (args.all_sites or p.held_out)])
        source = write_input(pages, WORK / flavour / "input")
        runs = {BASE: clean_run(source, WORK / flavour / "base", BASE),
                f"{BASE}, templates": clean_run(source, WORK / flavour / "templates", f"{BASE}, {stage}")}
        decide = runs[f"{BASE}, templates"][2]["stages"]["templates"]["decide"]
        sizes = Counter(p.domain for p in pages)
        judged = {d for d, n in sizes.items() if n >= site_floor(args.options)}
        report(flavour, pages, judged, runs)
        print(f"\nstats: sites {decide['sites']}, judged {decide['sites_judged']}, template lines "
              f"{decide['template_lines']}, repeated pages {decide['repeated_pages']}")
    return 0


def site_floor(options: str) -> int:
    """Pages a site needs before the stage judges it, under `options`."""
    import yaml

    from cleaner.options import validate
    from cleaner.stages.templates import SiteTemplates

    return SiteTemplates(validate(yaml.safe_load(options) or {}, SiteTemplates.options, "templates")).config.site_floor


if __name__ == "__main__":
    sys.exit(main())
