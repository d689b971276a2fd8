"""Metadata from page text: author strings cleaned, titles found, published and crawl dates
kept apart. Golden cases come from real pages (golden/authors.yaml, golden/titles.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cleaner.document import Document
from cleaner.options import validate
from cleaner.stages.boilerplate import Boilerplate
from cleaner.stages.metadata import clean_author

GOLDEN = Path(__file__).parent / "golden"
AUTHORS = yaml.safe_load((GOLDEN / "authors.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", AUTHORS, ids=[c["input"][:40] or "empty" for c in AUTHORS])
def test_author_golden(case: dict) -> None:
    assert clean_author(case["input"]) == case["expect"]


def test_author_none_stays_none() -> None:
    assert clean_author(None) is None


def test_cleaning_an_author_twice_changes_nothing() -> None:
    for case in AUTHORS:
        once = clean_author(case["input"])
        assert clean_author(once) == once, case["input"]


def _boilerplate() -> Boilerplate:
    return Boilerplate(validate({}, Boilerplate.options, "boilerplate"))


def test_byline_author_is_cleaned() -> None:
    text = "Ten Ways to Fix a Door\n\nBy Admin\n\n" + "The hinge pin is what squeaks on most doors. " * 5
    edit = _boilerplate().transform(Document(id="d", text=text, source="d.txt"))
    assert "By Admin" not in edit.text  # the byline line still goes ...
    assert "author" not in edit.fields  # ... but "Admin" is nobody's name


TITLES = yaml.safe_load((GOLDEN / "titles.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TITLES, ids=[c["name"] for c in TITLES])
def test_title_golden(case: dict) -> None:
    edit = _boilerplate().transform(Document(id="p", text=case["input"], source="p.md"))
    assert edit.fields.get("title") == case["expect"]


def test_a_known_title_is_kept() -> None:
    doc = Document(id="p", text=TITLES[0]["input"], source="p.html", title="From the page's <title>")
    assert "title" not in _boilerplate().transform(doc).fields
