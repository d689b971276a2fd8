"""The `templates` stage: options, and deleting decided lines as scored spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.config import load_config, parse_config
from cleaner.dedup.site_lines import line_key
from cleaner.document import Document
from cleaner.errors import ConfigError
from cleaner.options import validate
from cleaner.stages.base import DocKey
from cleaner.stages.templates import RULE, SiteTemplates, delete_lines


def make_stage(**options) -> SiteTemplates:
    return SiteTemplates(validate(options, SiteTemplates.options, "stages.templates"))


def shares(lines: dict[str, float]) -> dict[int, float]:
    return {line_key(text): share for text, share in lines.items()}


def test_deletes_whole_lines_each_as_a_scored_span() -> None:
    text = "Home\nAbout us\nThe article starts here.\nIt goes on.\nFooter line\n"
    edit = delete_lines(text, shares({"Home": 1.0, "About us": 0.9, "Footer line": 0.75}))
    assert edit.text == "The article starts here.\nIt goes on."
    assert [(s.rule, s.offset, s.text, s.score) for s in edit.spans] == [
        (RULE, 0, "Home\n", 1.0), (RULE, 5, "About us\n", 0.9), (RULE, 51, "Footer line\n", 0.75)]
    assert all(s.stage == "templates" and s.cluster_id is None for s in edit.spans)
    for span in edit.spans:
        assert text[span.offset : span.offset + len(span.text)] == span.text


def test_matching_ignores_case_and_spacing_and_takes_every_occurrence() -> None:
    edit = delete_lines("HOME\nText one.\nText two.\n  home \n", shares({"home": 1.0}))
    assert edit.text == "Text one.\nText two."
    assert [s.text for s in edit.spans] == ["HOME\n", "  home \n"]


def test_no_blank_line_runs_or_trailing_breaks_are_left_behind() -> None:
    text = "Para one.\n\nMenu\nSearch\n\nPara two.\n\nCopyright"
    edit = delete_lines(text, shares({"Menu": 1.0, "Search": 1.0, "Copyright": 1.0}))
    assert edit.text == "Para one.\n\nPara two."
    assert [s.text for s in edit.spans] == ["Menu\n", "Search\n", "Copyright"]


def test_a_template_line_alone_inside_the_pages_own_text_stays() -> None:
    """Templates come in blocks; one recurring line between two of the page's own is content
    (a heading every review has, a line of example code). Blank lines do not separate."""
    text = "Logo\nMenu\nA great phone.\n\nPros\n\nFast and light.\nfn main() {\n    run();\nShare\nTweet"
    edit = delete_lines(text, shares({x: 1.0 for x in ["Logo", "Menu", "Pros", "fn main() {", "Share", "Tweet"]}))
    assert edit.text == "A great phone.\n\nPros\n\nFast and light.\nfn main() {\n    run();"
    # two template lines together are a block, even inside the content
    edit = delete_lines("Own text.\nRelated\nMore stories\nOwn text again.", shares({"Related": 1.0, "More stories": 1.0}))
    assert edit.text == "Own text.\nOwn text again."


def test_a_label_stays_above_the_pages_own_value_and_goes_above_template() -> None:
    text = "Weight:\n1 lb 3 oz\nFeatures:\nWaterproof shell\nFollow us:\nFacebook\nTwitter"
    edit = delete_lines(text, shares({"Weight:": 0.6, "Features:": 0.6, "Follow us:": 1.0, "Facebook": 1.0, "Twitter": 1.0}))
    assert edit.text == "Weight:\n1 lb 3 oz\nFeatures:\nWaterproof shell"
    assert [s.text for s in edit.spans] == ["Follow us:\n", "Facebook\n", "Twitter"]
    # a chain of labels over a value all stay; a label at the end of the page goes
    edit = delete_lines("Specs:\nSize:\n42\nShare:", shares({"Specs:": 1.0, "Size:": 1.0, "Share:": 1.0}))
    assert edit.text == "Specs:\nSize:\n42"


def test_every_line_template_empties_the_page() -> None:
    assert delete_lines("Home\nMenu\n", shares({"Home": 1.0, "Menu": 1.0})).text == ""


def test_apply_without_a_decision_changes_nothing() -> None:
    stage = make_stage()
    doc = Document(id="a", text="Home\nText", source="s")
    assert stage.apply(doc, None) is None
    assert stage.apply(doc, {}) is None
    assert stage.apply(doc, shares({"Home": 1.0})).text == "Text"


def test_sketch_collect_apply_round_trip(tmp_path: Path) -> None:
    stage = make_stage(min_pages=2, min_share=0.5, min_site_pages=2)
    docs = [Document(id=f"d{i}", text=f"Menu\nStory number {i} is told here.", source="x.jsonl",
                     url=f"https://www.news.example/{i}") for i in range(3)]
    collector = stage.collector(tmp_path)
    collector.add([DocKey(d.id, len(d.text)) for d in docs], stage.sketch(docs))
    decisions = collector.finish()
    assert decisions.stats["top_sites"] == [{"site": "news.example", "pages": 3, "template_lines": 1}]
    edit = stage.apply(docs[1], decisions.per_doc["d1"])
    assert edit.text == "Story number 1 is told here."
    assert edit.spans[0].score == 1.0
    assert not list(tmp_path.iterdir()), "the collector's spill files are deleted"


def test_options_are_validated_with_the_key_path() -> None:
    with pytest.raises(ConfigError, match=r"stages\[0\]\.templates\.min_share"):
        parse_config({"stages": [{"templates": {"min_share": 0}}]}, "test")
    with pytest.raises(ConfigError, match=r"min_pages"):
        parse_config({"stages": [{"templates": {"min_pages": 1}}]}, "test")
    with pytest.raises(ConfigError, match="did you mean 'min_share'"):
        parse_config({"stages": [{"templates": {"min_shares": 0.2}}]}, "test")
    stage = make_stage(min_pages=4, min_share=0.25, min_site_pages=10)
    assert (stage.config.min_pages, stage.config.min_share, stage.config.min_site_pages) == (4, 0.25, 10)


def test_default_stage_order_puts_templates_between_boilerplate_and_quality() -> None:
    names = [spec.name for spec in load_config(None).stages]
    assert names.index("boilerplate") + 1 == names.index("templates") == names.index("quality") - 1
