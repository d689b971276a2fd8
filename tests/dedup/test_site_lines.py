"""Site templates, engine side: site keys, line keys, and the decision (min_pages, min_share,
min_site_pages, copies, one-line pages), independent of batching."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from cleaner.dedup.site_lines import (
    TemplateConfig,
    TemplateIndex,
    hash64,
    line_key,
    line_keys,
    page_lines,
    site_key,
    sketch_templates,
)
from cleaner.dedup.spill import PartitionedRows, StringSpill

NAV = ["Home", "Products", "About us", "Contact"]
FOOTER = "© 2024 Example Shop. All rights reserved."


def article(n: int) -> list[str]:
    return [f"Article {n} opens with its own headline number {n}",
            f"The body of article {n} says something nobody else says, in words of page {n}."]


def decide(pages: list[tuple[str | None, str, str]], tmp_path: Path, batch: int = 3, **config) -> dict:
    """Run the sketch in batches and the collector over (url, source, text) pages; ids are
    the page indices as strings."""
    index = TemplateIndex(TemplateConfig(**config), tmp_path)
    for k in range(0, len(pages), batch):
        part = pages[k : k + batch]
        index.add([str(k + i) for i in range(len(part))], sketch_templates(part))
    result = index.finish()
    return {"per_doc": result.per_doc, "stats": result.stats}


def site(host: str, n: int, lines_of=lambda i: NAV + article(i) + [FOOTER]) -> list[tuple[str | None, str, str]]:
    return [(f"https://{host}/page/{i}", "dump.jsonl", "\n".join(lines_of(i))) for i in range(n)]


# --- keys ----------------------------------------------------------------------------------


def test_site_key_is_the_host_without_www_else_the_source_folder() -> None:
    assert site_key("https://WWW.Example.COM:8080/a?b=1", "x/y.warc") == "example.com"
    assert site_key("http://blog.example.com./", "") == "blog.example.com"
    assert site_key("http://wwwexample.com/", "") == "wwwexample.com"
    assert site_key(None, "shop/a/page1.txt") == "folder:shop/a"
    assert site_key("", "page1.txt") == "folder:."
    assert site_key("/relative/path", "sites/b/p.txt") == "folder:sites/b"
    assert site_key("http://[::1/", "d/p.txt") == "folder:d"  # malformed: no host


def test_line_key_normalises_white_space_and_case_and_skips_letterless_lines() -> None:
    assert line_key("  Skip   to\tContent ") == line_key("skip to content") == hash64("skip to content")
    assert line_key("Straße") == line_key("STRASSE")  # case folding, not lowercasing
    assert line_key("About us") != line_key("About us!")
    for markup in ["", "   ", "---", "|---|---|", "* * *", "2024", "1.5", "»"]:
        assert line_key(markup) is None
    assert hash64("home") == 0x934A5870F61663A7  # fixed: BLAKE2b-64 of the UTF-8, little-endian


def test_line_keys_equal_the_plain_definition_on_any_white_space() -> None:
    """The whole-text fast path must hash what `" ".join(line.split()).casefold()` gives."""
    rng = random.Random(1)
    alphabet = list("aB ßΣς\t\xa0\r\x0b\x0c\x1c\x1f\x85\u2028\u3000\u200b1_İﬁ\n") + ["  ", "Straße", "ǅ"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        plain = [hash64(" ".join(line.split()).casefold()) if re.search(r"[^\W\d_]", line) else None
                 for line in text.split("\n")]
        assert line_keys(text) == plain, repr(text)


def test_hash64_is_fixed_across_processes() -> None:
    """BLAKE2b, not the salted built-in hash: a worker and the main process must agree."""
    import subprocess
    import sys

    code = "from cleaner.dedup.site_lines import hash64; print(hash64('about us'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=Path(__file__).resolve().parents[2])
    assert int(other.stdout) == hash64("about us")


def test_page_lines_counts_each_line_once() -> None:
    assert page_lines("Home\nText here\nhome\n\nHOME\n---") == [line_key("Home"), line_key("Text here")]


# --- the decision -------------------------------------------------------------------------


def test_navigation_and_footer_on_every_page_are_template_articles_are_not(tmp_path: Path) -> None:
    out = decide(site("shop.example", 10), tmp_path)
    template = {line_key(x) for x in NAV + [FOOTER]}
    assert set(out["per_doc"]) == {str(i) for i in range(10)}
    for shares in out["per_doc"].values():
        assert set(shares) == template
        assert set(shares.values()) == {1.0}
    stats = out["stats"]
    assert stats["sites"] == stats["sites_judged"] == 1
    assert stats["template_lines"] == 5 and stats["lines_judged_template"] == 50
    assert stats["top_sites"] == [{"site": "shop.example", "pages": 10, "template_lines": 5}]


def test_min_share_separates_site_wide_lines_from_lines_on_some_pages(tmp_path: Path) -> None:
    """'Sale' is on 4 of 10 pages: template at min_share 0.3, not at 0.5; its score is 0.4."""
    pages = site("shop.example", 10, lambda i: NAV + article(i) + (["Sale"] if i % 10 < 4 else []))
    sale = line_key("Sale")
    strict = decide(pages, tmp_path / "a", min_share=0.5)
    assert all(sale not in shares for shares in strict["per_doc"].values())
    loose = decide(pages, tmp_path / "b", min_share=0.3)
    assert [doc for doc, shares in loose["per_doc"].items() if sale in shares] == ["0", "1", "2", "3"]
    assert loose["per_doc"]["0"][sale] == pytest.approx(0.4)


def test_min_pages_needs_that_many_pages_whatever_the_share(tmp_path: Path) -> None:
    """On a 4-page site a line on 2 pages has share 0.5 but is on too few pages for min_pages 3."""
    pages = site("a.example", 4, lambda i: article(i) + (["Only on two"] if i < 2 else ["Other", "Lines"][i - 2 : i - 1]))
    assert decide(pages, tmp_path / "a", min_pages=3, min_share=0.5)["per_doc"] == {}
    two = decide(pages, tmp_path / "b", min_pages=2, min_share=0.5, min_site_pages=2)["per_doc"]
    assert set(two) == {"0", "1"} and set(two["0"]) == {line_key("Only on two")}


def test_sites_with_too_few_pages_are_left_alone(tmp_path: Path) -> None:
    pages = site("small.example", 4)
    assert decide(pages, tmp_path / "a", min_site_pages=5)["per_doc"] == {}
    assert decide(pages, tmp_path / "a", min_site_pages=5)["stats"]["sites_judged"] == 0
    assert len(decide(pages, tmp_path / "b", min_site_pages=4)["per_doc"]) == 4
    # min_pages above min_site_pages raises the floor: 4 pages cannot hold a line on 5
    assert decide(pages, tmp_path / "c", min_pages=5, min_site_pages=2)["stats"]["sites_judged"] == 0


def test_sites_are_separate_and_folders_stand_in_for_missing_urls(tmp_path: Path) -> None:
    """'Home' on 2 pages of each of two hosts is on 2 pages of each site, not on 4 of one; pages
    without a url group by folder."""
    pages = site("a.example", 2) + site("b.example", 2)
    assert decide(pages, tmp_path / "a")["per_doc"] == {}
    folder = [(None, f"saved/shop/p{i}.txt", "\n".join(NAV + article(i))) for i in range(3)]
    other = [(None, f"saved/blog/p{i}.txt", "\n".join(article(i + 10))) for i in range(3)]
    out = decide(folder + other, tmp_path / "b")
    assert set(out["per_doc"]) == {"0", "1", "2"}
    assert out["stats"]["sites"] == 2
    assert out["stats"]["top_sites"][0]["site"] == "folder:saved/shop"


def test_a_line_repeated_within_one_page_counts_once(tmp_path: Path) -> None:
    pages = site("a.example", 5, lambda i: article(i) + (["Read more"] * 4 if i == 0 else ["Read more"] if i == 1 else []))
    assert decide(pages, tmp_path, min_pages=3, min_share=0.1)["per_doc"] == {}


def test_copies_of_a_page_are_evidence_once_but_edited_like_the_first(tmp_path: Path) -> None:
    """Three copies of one article (one page crawled at three urls) on a four-page site must not
    make the article template; the navigation of the site still goes from every copy."""
    copy = "\n".join(NAV + article(1))
    pages = [(f"https://a.example/story?ref={k}", "d.jsonl", copy) for k in range(3)]
    pages += [(f"https://a.example/p{i}", "d.jsonl", "\n".join(NAV + article(i))) for i in range(2, 5)]
    out = decide(pages, tmp_path)
    assert out["stats"]["repeated_pages"] == 2
    assert out["stats"]["pages_in_judged_sites"] == 4
    nav = {line_key(x) for x in NAV}
    assert set(out["per_doc"]) == {str(i) for i in range(6)}
    assert all(set(shares) == nav for shares in out["per_doc"].values())


def test_a_page_that_is_one_line_is_never_edited(tmp_path: Path) -> None:
    """Its line is its whole text; identical short pages are for document dedup, which keeps one."""
    pages = site("a.example", 4) + [("https://a.example/empty", "d.jsonl", "Home\n\nhome")]
    out = decide(pages, tmp_path)
    assert "4" not in out["per_doc"] and len(out["per_doc"]) == 4


def test_decisions_do_not_depend_on_batching(tmp_path: Path) -> None:
    pages = site("a.example", 7) + site("b.example", 5, lambda i: ["Menu", "Search"] + article(i + 50)) + site("a.example", 3, lambda i: NAV + article(i + 20) + [FOOTER])
    runs = [decide(pages, tmp_path / str(b), batch=b) for b in (1, 4, 100)]
    for out in runs:
        out["stats"].pop("phase_seconds")
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["stats"]["top_sites"] == [{"site": "a.example", "pages": 10, "template_lines": 5},
                                             {"site": "b.example", "pages": 5, "template_lines": 2}]


def test_empty_input_decides_nothing(tmp_path: Path) -> None:
    out = decide([], tmp_path)
    assert out["per_doc"] == {} and out["stats"]["sites"] == 0 and out["stats"]["top_sites"] == []
    assert decide([("https://a.example/", "d", "")] * 3, tmp_path / "b")["per_doc"] == {}


@pytest.mark.parametrize("options, message", [({"min_pages": 1}, "min_pages"), ({"min_share": 0.0}, "min_share"),
                                              ({"min_share": 1.5}, "min_share"), ({"min_site_pages": 1}, "min_site_pages")])
def test_config_is_validated(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TemplateConfig(**options)


# --- spill stores -------------------------------------------------------------------------


def test_partitioned_rows_keep_rows_together_and_in_order(tmp_path: Path) -> None:
    store = PartitionedRows(tmp_path / "rows", width=2, bits=2)
    keys = np.array([3 << 62, 1, 3 << 62, 2 << 62], dtype=np.uint64)
    store.add(keys, np.arange(4, dtype=np.uint64))
    store.add(keys[:1], np.array([9], dtype=np.uint64))
    parts = list(store.partitions())
    assert [p[1].tolist() for p in parts] == [[1], [], [3], [0, 2, 9]]
    assert store.count == 5
    store.close()
    assert not (tmp_path / "rows").exists()


def test_string_spill_reads_back_by_index(tmp_path: Path) -> None:
    store = StringSpill(tmp_path / "s" / "ids.txt")
    store.extend(["a", "ünïcode", ""])
    store.extend(["last\ud800"])  # a lone surrogate survives the round trip
    assert len(store) == 4
    assert store.read(np.array([3, 0, 1, 2])) == ["last\ud800", "a", "ünïcode", ""]
    store.close()
    assert not (tmp_path / "s" / "ids.txt").exists()
