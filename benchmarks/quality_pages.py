"""What the `quality` filter drops among real pages, per page type and per reason.

A filter must keep real content. On the 1,497 WCXB dev pages (seven page types; see
benchmarks/pages/cleaned.py for how each page is prepared) the default `quality` filter
judges each page as

- `gold`: the human-made main text (every drop there is a real page lost);
- `html`: the html stage's main text (what the default pipeline filters for HTML input);
- `<flavour>`: the page flattened as scrapers flatten it (`blocks`, `blank`, `markdown`),
  as read, chrome and all;
- `<flavour>+clean`: the same after `encoding` + `boilerplate` (what the default pipeline
  filters for plain-text input).

The table counts dropped pages per page type for one reason (`--reason`, default
`link_list`) and for any reason; `--show N` lists the pages dropped for that reason.

Usage:
    python benchmarks/quality_pages.py
    python benchmarks/quality_pages.py --reason repeated_lines --show 10
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pages import corpus  # noqa: E402
from pages.cleaned import FLAVOURS, Prepared, prepared_pages  # noqa: E402


def texts_of(page: Prepared) -> dict[str, str]:
    """Every form of the page the filter is asked about, by name."""
    found = {"gold": page.gold["main_content"], "html": page.html_text}
    for flavour in FLAVOURS:
        found[flavour] = page.raw[flavour]
        found[f"{flavour}+clean"] = page.cleaned[flavour][0]
    return found


def drops(pages: list[Prepared]) -> list[tuple[str, Prepared, str, str]]:
    """(text kind, page, reason, detail) of every drop."""
    from cleaner.document import Document
    from cleaner.options import validate
    from cleaner.stages.quality import QualityFilter

    quality = QualityFilter(validate({}, QualityFilter.options, "quality"))
    found = []
    for page in pages:
        for kind, text in texts_of(page).items():
            drop = quality.check(Document(id=page.id, text=text, source=page.id))
            if drop is not None:
                found.append((kind, page, drop.reason, drop.detail))
    return found


def print_table(found: list[tuple[str, Prepared, str, str]], pages: list[Prepared], reason: str) -> None:
    types = Counter(p.page_type for p in pages)
    names = sorted(types)
    kinds = ["gold", "html", *FLAVOURS, *(f"{f}+clean" for f in FLAVOURS)]
    print(f"\npages dropped for {reason} (any reason in brackets), {len(pages)} WCXB pages")
    print(f"{'text':<16}" + "".join(f"{n[:13]:>15}" for n in names))
    print(f"{'(pages)':<16}" + "".join(f"{types[n]:>15}" for n in names))
    table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for kind, page, why, _ in found:
        table[kind, page.page_type][why] += 1
    for kind in kinds:
        cells = [f"{table[kind, n][reason]} ({sum(table[kind, n].values())})" for n in names]
        print(f"{kind:<16}" + "".join(f"{c:>15}" for c in cells))


def show_pages(found: list[tuple[str, Prepared, str, str]], reason: str, limit: int) -> None:
    shown: Counter[str] = Counter()
    for kind, page, why, detail in found:
        if why == reason and shown[kind] < limit:
            shown[kind] += 1
            print(f"  {kind:<16} {page.id} ({page.page_type}): {detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reason", default="link_list")
    parser.add_argument("--show", type=int, default=0, help="list this many dropped pages per text kind")
    args = parser.parse_args(argv)
    if not corpus.available():
        print(f"WCXB data not found under {corpus.DATA}", file=sys.stderr)
        return 2
    pages = prepared_pages(args.workers)
    found = drops(pages)
    print_table(found, pages, args.reason)
    if args.show:
        show_pages(found, args.reason, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
