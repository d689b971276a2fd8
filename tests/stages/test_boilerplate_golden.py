"""Golden cases for the boilerplate stage: per-rule data files and the five sample pages.

Cases live in tests/stages/golden/boilerplate/*.yaml (see the header of markup.yaml for the
format), run with the line model off; expected outputs of the pages in raw/ live in tests/golden/raw/ and were reviewed
line by line. A case marked `expect: fail` is a known gap and runs as a strict xfail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cleaner.document import Document
from cleaner.options import validate
from cleaner.stages.boilerplate import Boilerplate

HERE = Path(__file__).parent
CASES = HERE / "golden" / "boilerplate"
PAGES = HERE.parent / "golden" / "raw"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(strict=True)] if case.get("expect") == "fail" else []
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}", marks=marks))
    return params


def _stage(options: dict[str, Any] | None = None) -> Boilerplate:
    return Boilerplate(validate(options or {}, Boilerplate.options, "boilerplate"))


@pytest.mark.parametrize("case", _load_cases())
def test_golden_case(case: dict[str, Any]) -> None:
    # A rule's case is a snippet, not a page: the line model judges whole pages (its own
    # golden cases are in test_line_model.py), so it is off unless the case turns it on.
    options = {"line_model": False, **case.get("options", {})}
    edit = _stage(options).transform(Document(id="case", text=case["input"], source="case"))
    assert edit.text == case["output"]
    if "rules" in case:
        assert sorted({span.rule for span in edit.spans}) == sorted(case["rules"])
    expected = case.get("fields", {})
    found = {k: v for k, v in edit.fields.items() if k != "title" or "title" in expected}
    assert found == expected  # titles are checked where a case names one (titles.yaml)
    assert edit.metadata == case.get("metadata", {})


def test_every_rule_has_a_golden_case() -> None:
    from cleaner.stages.boilerplate.registry import RULES

    named = set()
    for path in CASES.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            named.update(rule.split(".")[0] for rule in case.get("rules", []))
    assert {rule.name for rule in RULES} - named == set()


def _pages() -> list[Path]:
    return sorted(p for p in PAGES.glob("*.txt"))


@pytest.mark.parametrize("expected", _pages(), ids=lambda p: p.name)
def test_sample_page(expected: Path, raw_dir: Path) -> None:
    text = (raw_dir / expected.name).read_text(encoding="utf-8")
    edit = _stage().transform(Document(id=expected.name, text=text, source=expected.name))
    assert edit.text == expected.read_text(encoding="utf-8").rstrip("\n")
    fields = json.loads((PAGES / "fields.json").read_text(encoding="utf-8"))[expected.name]
    assert {k: edit.fields.get(k) for k in ("author", "date", "title")} == fields


def test_every_sample_page_has_a_golden(raw_dir: Path) -> None:
    assert sorted(p.name for p in raw_dir.glob("*.txt")) == [p.name for p in _pages()]


@pytest.mark.parametrize("expected", _pages(), ids=lambda p: p.name)
def test_sample_page_spans_point_into_the_input(expected: Path, raw_dir: Path) -> None:
    text = (raw_dir / expected.name).read_text(encoding="utf-8")
    edit = _stage().transform(Document(id=expected.name, text=text, source=expected.name))
    for span in edit.spans:
        assert span.stage == "boilerplate"
        assert text[span.offset : span.offset + len(span.text)] == span.text
