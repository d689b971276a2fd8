"""End to end: `clean run` on a generated dump of two multi-page sites and a folder of saved
pages. The navigation and footer every page of a site repeats are cut as `template` spans,
each article stays whole, a page that is only navigation is dropped as `empty`, and the
outputs are byte-identical for one worker and two."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.helpers import assert_each_record_once, output_digests, read_rows, run_clean, write_config

NAV = ["Skip to main content", "Home", "World", "Politics", "Business", "Sign in to your account"]
FOOTER = ["Daily Example is published in Springfield by the Example Guild.", "© 2025 Daily Example Media Group"]
#: Chrome the boilerplate stage knows by its wording and removes first; templates takes the rest.
KNOWN_CHROME = {"Skip to main content", "Home", "© 2025 Daily Example Media Group"}
SITE_TEMPLATE = [line for line in NAV + FOOTER if line not in KNOWN_CHROME]
OTHER_NAV = ["Shop all products", "Free delivery on orders over 50 euros", "My basket"]
WORDS = ("river market council engine winter harvest signal teacher museum bridge forest harbour "
         "lantern orchard planet violin saddle meadow canyon glacier pepper copper thunder island "
         "village garden window letter morning evening journey question answer station mountain").split()


def article(rng: random.Random, paragraphs: int = 3) -> list[str]:
    """Distinct prose-like paragraphs (random words, so no two pages share a line)."""
    out = []
    for _ in range(paragraphs):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
                     for _ in range(3)]
        out.append(" ".join(sentences))
    return out


def build_dump(root: Path) -> dict[str, list[str]]:
    """news.example: 10 articles and 1 page of navigation only; shop.example: 5 products;
    saved/: 4 pages without urls that share a folder and a header. Returns each id's article."""
    rng = random.Random(7)
    root.mkdir()
    articles: dict[str, list[str]] = {}
    records = []
    for i in range(10):
        articles[f"news{i}"] = body = article(rng)
        records.append({"id": f"news{i}", "url": f"https://www.news.example/story/{i}", "text": "\n".join(NAV + body + FOOTER)})
    records.append({"id": "news-tags", "url": "https://news.example/tags", "text": "\n".join(NAV + FOOTER)})
    for i in range(5):
        articles[f"shop{i}"] = body = article(rng, 2)
        records.append({"id": f"shop{i}", "url": f"https://shop.example/p/{i}", "text": "\n".join(OTHER_NAV[:2] + body + OTHER_NAV[2:])})
    (root / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (root / "saved").mkdir()
    for i in range(4):
        articles[f"saved/p{i}.txt"] = body = article(rng)
        (root / "saved" / f"p{i}.txt").write_text("\n".join(["Printed from the archive reader"] + body) + "\n")
    return articles


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, list[str]]]:
    tmp = tmp_path_factory.mktemp("templates")
    articles = build_dump(tmp / "dump")
    # The line model is off: this dump's articles are random words, and what is under test is
    # what templates takes after the named rules.
    config = write_config(tmp / "c.yaml", "executor:\n  batch_docs: 3\nstages: [encoding, {boilerplate: {line_model: false}}, templates, quality, dedup, passages]\n")
    outs = []
    for workers in (1, 2):
        out = tmp / f"out-{workers}"
        run_clean("run", "-i", str(tmp / "dump"), "-o", str(out), "-c", str(config), "-w", str(workers), "-q")
        outs.append(out)
    return outs[0], outs[1], articles


def test_navigation_and_footer_go_articles_stay(runs) -> None:
    out, _, articles = runs
    kept = {r["id"]: r["text"] for r in read_rows(out, "data")}
    assert set(kept) == set(articles)
    for doc_id, body in articles.items():
        assert kept[doc_id] == "\n".join(body), doc_id


def test_every_cut_line_is_a_scored_template_span(runs) -> None:
    out, _, _ = runs
    spans = [s for s in read_rows(out, "spans.parquet") if s["stage"] == "templates"]
    assert {s["rule"] for s in spans} == {"template"}
    by_doc: dict[str, list[dict]] = {}
    for s in spans:
        by_doc.setdefault(s["doc_id"], []).append(s)
    assert [s["text"].rstrip("\n") for s in by_doc["news3"]] == SITE_TEMPLATE
    assert {s["score"] for s in by_doc["news3"]} == {1.0}  # on all 11 pages of news.example
    assert [s["text"].rstrip("\n") for s in by_doc["shop0"]] == OTHER_NAV
    assert [s["text"] for s in by_doc["saved/p0.txt"]] == ["Printed from the archive reader\n"]
    assert all(s["cluster_id"] is None for s in spans)
    others = [s for s in read_rows(out, "spans.parquet") if s["stage"] != "templates"]
    assert all(s["score"] is None for s in others)


def test_a_page_of_navigation_only_is_removed_as_empty(runs) -> None:
    out, _, articles = runs
    removed = {r["id"]: r for r in read_rows(out, "removed.parquet")}
    assert set(removed) == {"news-tags"}
    assert (removed["news-tags"]["stage"], removed["news-tags"]["reason"]) == ("templates", "empty")
    expected = {("pages.jsonl", n) for n in range(16)} | {(f"saved/p{i}.txt", 0) for i in range(4)}
    assert_each_record_once(out, expected)


def test_stats_name_the_sites_and_count_the_lines(runs) -> None:
    out, _, _ = runs
    stage = json.loads((out / "stats.json").read_text())["stages"]["templates"]
    decide = stage["decide"]
    assert decide["sites"] == 3 and decide["sites_judged"] == 3
    assert decide["top_sites"] == [{"site": "news.example", "pages": 11, "template_lines": len(SITE_TEMPLATE)},
                                   {"site": "shop.example", "pages": 5, "template_lines": 3},
                                   {"site": "folder:saved", "pages": 4, "template_lines": 1}]
    assert stage["counts"]["template"] == 11 * len(SITE_TEMPLATE) + 5 * 3 + 4 == decide["lines_judged_template"]
    assert stage["counts"]["empty"] == 1


def test_outputs_are_byte_identical_for_one_and_two_workers(runs) -> None:
    one, two, _ = runs
    assert output_digests(one) == output_digests(two)


def test_inspect_shows_each_template_span_with_its_score(runs) -> None:
    out, _, _ = runs
    shown = run_clean("inspect", "shop0", "-o", str(out)).stdout
    assert shown.count("template (score 1.00)") == len(OTHER_NAV)
    assert "Free delivery on orders over 50 euros" in shown
