"""Metadata from real pages: titles found in flattened text, authors cleaned, against gold.

On the 1,497 WCXB dev pages (human-reviewed title and author per page; see
benchmarks/pages/cleaned.py for how each page is prepared):

- titles: each page flattened as scrapers flatten it (`blocks`: a block a line; `blank`:
  the same with blank lines between blocks; `markdown`: html2text), through `encoding` and
  `boilerplate`; the `title` field the boilerplate stage found, against the gold title.
  A title is right when at least 80% of the shorter one's words and half of the longer
  one's are shared (the gold title is often the page's <title>, a variant of its heading).
  Precision is right / found; coverage is found / pages. A wrong title is worse than none.
- authors: trafilatura's author from the page's HTML metadata as it comes and as the html
  stage cleans it (`cleaner.stages.metadata.clean_author`), against the gold author (right:
  half of the words shared); spurious = an author where gold has none.

Usage:
    python benchmarks/metadata_quality.py              # both tables
    python benchmarks/metadata_quality.py --show 20    # and 20 wrong titles per flavour
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pages import corpus  # noqa: E402
from pages.cleaned import FLAVOURS, Prepared, prepared_pages  # noqa: E402

_WORD = re.compile(r"\w+")


def words(text: str | None) -> set[str]:
    return set(_WORD.findall((text or "").lower()))


def same_title(found: str, gold: str) -> bool:
    a, b = words(found), words(gold)
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= 0.8 * min(len(a), len(b)) and shared >= 0.5 * max(len(a), len(b))


def same_author(found: str, gold: str) -> bool:
    a, b = words(found), words(gold)
    return bool(a and b) and len(a & b) >= 0.5 * len(a | b)


def title_rows(pages: list[Prepared]) -> dict[str, Counter[str]]:
    """flavour -> counts of right, wrong and none."""
    table: dict[str, Counter[str]] = {}
    for flavour in FLAVOURS:
        counts: Counter[str] = Counter()
        for page in pages:
            found = page.cleaned[flavour][1].get("title")
            counts["none" if not found else "right" if same_title(found, page.gold["title"]) else "wrong"] += 1
        table[flavour] = counts
    return table


def author_outcome(found: str | None, gold: str) -> str:
    if not found:
        return "both none" if not gold else "missed"
    if not gold:
        return "spurious"
    return "right" if same_author(found, gold) else "wrong"


def author_rows(pages: list[Prepared]) -> dict[str, Counter[str]]:
    from cleaner.stages.metadata import clean_author

    return {
        "trafilatura's author": Counter(author_outcome(p.raw_author, p.gold["author"]) for p in pages),
        "cleaned (html stage)": Counter(author_outcome(clean_author(p.raw_author), p.gold["author"]) for p in pages),
    }


def print_titles(table: dict[str, Counter[str]], pages: int) -> None:
    print(f"\ntitles of flattened pages ({pages} WCXB pages)")
    print(f"{'flavour':<10} {'right':>6} {'wrong':>6} {'none':>6} {'precision':>10} {'coverage':>9}")
    for flavour, c in table.items():
        found = c["right"] + c["wrong"]
        precision = c["right"] / found if found else 0.0
        print(f"{flavour:<10} {c['right']:>6} {c['wrong']:>6} {c['none']:>6} {precision:>10.3f} {found / pages:>9.3f}")


def print_authors(table: dict[str, Counter[str]]) -> None:
    print("\nauthors from HTML metadata")
    keys = ("right", "wrong", "spurious", "missed", "both none")
    print(f"{'':<22}" + "".join(f"{k:>11}" for k in keys))
    for name, c in table.items():
        print(f"{name:<22}" + "".join(f"{c[k]:>11}" for k in keys))


def show_wrong(pages: list[Prepared], limit: int) -> None:
    for flavour in FLAVOURS:
        wrong = [(p.page_type, p.cleaned[flavour][1]["title"], p.gold["title"]) for p in pages
                 if p.cleaned[flavour][1].get("title") and not same_title(p.cleaned[flavour][1]["title"], p.gold["title"])]
        print(f"\nwrong titles, {flavour}:")
        for kind, found, gold in wrong[:limit]:
            print(f"  {kind:<13} {found[:60]!r}  (gold {gold[:60]!r})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", type=int, default=0, help="list this many wrong titles per flavour")
    args = parser.parse_args(argv)
    if not corpus.available():
        print(f"WCXB data not found under {corpus.DATA}", file=sys.stderr)
        return 2
    pages = prepared_pages(args.workers)
    print_titles(title_rows(pages), len(pages))
    print_authors(author_rows(pages))
    if args.show:
        show_wrong(pages, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
