"""The boilerplate stage as a configurable unit: options, fields, policies, dates."""

from __future__ import annotations

import pytest

from cleaner.document import Document
from cleaner.errors import ConfigError
from cleaner.options import defaults, validate
from cleaner.stages import stage_class
from cleaner.stages.base import Transform
from cleaner.stages.boilerplate import Boilerplate
from cleaner.stages.boilerplate.dates import parse_date
from cleaner.stages.boilerplate.registry import RULES

PAGE = "Skip to content\n\nThe Title\n\nMarch 1, 2019 by Kelly\n\nThe article body is here."


def _run(text: str, options: dict | None = None, **meta: str) -> tuple[str, dict, list]:
    """The stage's named rules on a snippet (the line model, which judges pages, is off)."""
    stage = Boilerplate(validate({"line_model": False, **(options or {})}, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=text, source="d", **meta))
    return edit.text, edit.fields, edit.spans


def test_registered_under_its_config_name() -> None:
    assert stage_class("boilerplate") is Boilerplate
    assert issubclass(Boilerplate, Transform)


def test_defaults_enable_every_rule_and_drop_spam() -> None:
    settings = defaults(Boilerplate.options)
    assert dict(settings["rules"]) == {rule.name: True for rule in RULES}
    assert settings["comments"] == "drop_spam"


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_a_rule_can_be_switched_off() -> None:
    text, _, spans = _run(PAGE, {"rules": {"nav": False}})
    assert text.startswith("Skip to content")
    assert "nav" not in {s.rule for s in spans}


def test_byline_off_keeps_the_line_and_sets_no_fields() -> None:
    text, fields, _ = _run(PAGE, {"rules": {"byline": False}})
    assert "March 1, 2019 by Kelly" in text
    assert fields == {}


def test_unknown_rule_is_a_config_error_with_a_hint() -> None:
    hint = r"boilerplate\.rules\.navv: unknown option \(did you mean 'nav'\?\)"
    with pytest.raises(ConfigError, match=hint):
        validate({"rules": {"navv": False}}, Boilerplate.options, "boilerplate")


def test_bad_comment_policy_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"boilerplate\.comments"):
        validate({"comments": "drop"}, Boilerplate.options, "boilerplate")


def test_fields_do_not_override_known_metadata() -> None:
    _, fields, _ = _run(PAGE, author="Known Author")
    assert fields == {"date": "2019-03-01"}


def test_a_page_of_chrome_ends_empty_and_is_not_dropped_here() -> None:
    text, _, spans = _run("Skip to content\n\nRead more\n\nLeave a Comment")
    assert text == ""
    assert {s.rule for s in spans} == {"nav"}


def test_text_without_boilerplate_is_returned_unchanged() -> None:
    body = "A plain review.  It has double spaces and a trailing space \nand no chrome at all."
    text, fields, spans = _run(body)
    assert (text, fields, spans) == (body, {}, [])


def test_spans_are_sorted_and_carry_the_stage_name() -> None:
    _, _, spans = _run(PAGE)
    assert [s.offset for s in spans] == sorted(s.offset for s in spans)
    assert {s.stage for s in spans} == {"boilerplate"}


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("March 1, 2019", "2019-03-01"),
        ("Mar. 1st, 2019", "2019-03-01"),
        ("5 September 2011", "2011-09-05"),
        ("1. März 2019", "2019-03-01"),
        ("1er mars 2019", "2019-03-01"),
        ("1 de marzo de 2019", "2019-03-01"),
        ("17 października 2022", "2022-10-17"),
        ("3 maart 2020", "2020-03-03"),
        ("Monday, Oct. 17, 2022", "2022-10-17"),
        ("2019-03-01", "2019-03-01"),
        ("03.01.2019", "2019-01-03"),
        ("13/04/2019", "2019-04-13"),
        ("04/13/2019", "2019-04-13"),
        ("03/04/2019", None),
        ("February 30, 2019", None),
        ("no date here", None),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso


# --- text the html stage extracted ----------------------------------------------------------

#: Lines of real AEB articles as trafilatura extracts them: each is page text there, while
#: on scraped text the same shapes are markup or site furniture.
EXTRACTED = (
    "The jury found him guilty on all counts.\n\n___\n\n"
    "GIRLS BASKETBALL\n\nPalm Bay d. Rockledge 70-44\n\nRockledge 14 11 6 15 — 44\n\nMelbourne d. Eau Gallie 51-30\n\n"
    "The sentencing is set for March.\n\n"
    "© 2019 Associated Press. All Rights Reserved. This material may not be published, broadcast, rewritten or redistributed."
)


def test_extracted_text_keeps_what_only_scraped_text_marks_as_markup() -> None:
    stage = Boilerplate(validate({}, Boilerplate.options, "boilerplate"))
    scraped = stage.transform(Document(id="d", text=EXTRACTED, source="d"))
    extracted = stage.transform(Document(id="d", text=EXTRACTED, source="d", extracted=True))
    assert {"hr", "heading_run", "copyright"} <= {s.rule for s in scraped.spans}
    assert (extracted.text, extracted.spans) == (EXTRACTED, [])


def test_extracted_text_still_loses_precise_chrome_and_bylines() -> None:
    stage = Boilerplate(validate({}, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=PAGE, source="d", extracted=True))
    assert {s.rule for s in edit.spans} == {"nav", "byline"}
    assert edit.fields["author"] == "Kelly"


def test_raw_text_only_rules_exist() -> None:
    from cleaner.stages.boilerplate.registry import RAW_TEXT_ONLY

    assert RAW_TEXT_ONLY <= {rule.name for rule in RULES}


def test_pathological_lines_take_bounded_time() -> None:
    """Lines of spaces and separators that made the comment-header, byline and wire-dateline
    patterns backtrack over every split of the run (35 s for this 12 KB page before; 0.15 s
    now). The bound is loose on purpose: it only catches backtracking that is back."""
    import time

    shapes = (
        "abc" + "\u00a0 " * 50 + "x",
        "By John" + " \u00a0" * 66,
        "March 3, 2020" + " ," * 40 + " zz",
        "Paris" + ", " * 120 + "(EIN Presswire)",
    )
    text = "\n\n".join(shapes * 20)
    stage = Boilerplate(validate({}, Boilerplate.options, "boilerplate"))
    started = time.perf_counter()
    stage.transform(Document(id="d", text=text, source="d"))
    assert time.perf_counter() - started < 8.0


def _comment_thread(comments: int) -> str:
    return "\n".join(
        f"John Smith says:\nMarch {i % 28 + 1}, 2020 at {i % 12 + 1}:{i % 60:02d} pm\nGreat post {i}!\nReply"
        for i in range(comments)
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("An opening sentence.\n\n" + "!" * 100_000 + "\n\nA closing sentence.", id="100k-punctuation"),
        pytest.param(".,;|-»•" * 15_000, id="100k-separators"),
        pytest.param("word " * 200_000, id="1M-character-line"),
        pytest.param("x" * 1_000_000, id="1M-characters-no-space"),
        pytest.param(_comment_thread(2_500), id="10k-comment-header-lines"),
        pytest.param(
            "\n".join(f"Anonymous{i} on January {i % 28 + 1}, 2019 at 3:{i % 60:02d} am said:" for i in range(10_000)),
            id="10k-dated-headers",
        ),
    ],
)
def test_pathological_pages_finish_in_bounded_time_without_the_guard(text: str) -> None:
    """Each finishes in about a second here (a 10k-line thread once overflowed the stack in
    the span splitter); the bound only catches super-linear work coming back. The time
    limit is off, so the guard cannot hide a slow pattern."""
    import time

    stage = Boilerplate(validate({"timeout_s": 0}, Boilerplate.options, "boilerplate"))
    started = time.perf_counter()
    edit = stage.transform(Document(id="d", text=text, source="d"))
    assert time.perf_counter() - started < 20.0
    assert "budget_exceeded" not in edit.counts


def test_a_page_past_the_time_limit_is_kept_unmodified_and_counted() -> None:
    text = _comment_thread(2_500)
    stage = Boilerplate(validate({"timeout_s": 0.01}, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=text, source="d"))
    assert (edit.text, edit.spans, edit.fields, edit.counts) == (text, [], {}, {"budget_exceeded": 1})
    unlimited = Boilerplate(validate({"timeout_s": 0}, Boilerplate.options, "boilerplate"))
    assert unlimited.transform(Document(id="d", text=text, source="d")).text != text


def test_the_time_limit_is_validated() -> None:
    with pytest.raises(ConfigError, match="timeout_s"):
        validate({"timeout_s": -1}, Boilerplate.options, "boilerplate")


def test_clean_run_warns_of_documents_past_the_time_limit(tmp_path) -> None:
    from tests.helpers import read_rows, run_clean, write_config

    raw = tmp_path / "raw"
    raw.mkdir()
    thread = "A title\n\nSome article body sentence that is real content.\n\n" + _comment_thread(2_500)
    (raw / "thread.txt").write_text(thread)
    (raw / "small.txt").write_text("A title\n\nAnother article body sentence that is real content.\n")
    config = write_config(tmp_path / "c.yaml", "stages:\n  - boilerplate: {timeout_s: 0.02}\n")
    out = tmp_path / "out"
    proc = run_clean("run", "-i", str(raw), "-o", str(out), "-c", str(config))
    assert "warning: 1 document ran past the boilerplate stage's timeout_s and was kept as boilerplate received it" in proc.stdout
    import json

    stats = json.loads((out / "stats.json").read_text())
    assert stats["stages"]["boilerplate"]["counts"] == {"budget_exceeded": 1}
    kept = {row["source"]: row["text"] for row in read_rows(out, "data")}
    assert kept["thread.txt"] == thread.strip()
