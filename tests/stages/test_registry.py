"""Adding a stage is one module plus one line of config: stages found by import path and by
entry point, run end to end by `clean run`, with their spans and drops in the outputs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from cleaner.config import parse_config
from cleaner.errors import ConfigError
from cleaner.stages import STAGES, UnknownStage, known_stages, stage_class
from tests.helpers import read_rows, run_clean, user_module, write_config

USER_STAGES = '''
import re
from typing import ClassVar

from cleaner.options import Option
from cleaner.stages.base import Drop, Edit, Filter, Transform
from cleaner.stages.edits import TextEditor

EMAIL = re.compile(r"[\\w.]+@[\\w.]+\\.[a-z]+")


class RedactEmails(Transform):
    """Cuts e-mail addresses out of the text."""

    name = "redact_emails"
    options: ClassVar = (Option("rule", str, "email", "rule name on the spans"),)

    def transform(self, doc):
        editor = TextEditor(doc.text, self.name)
        editor.delete([(m.start(), m.end(), self.settings.rule) for m in EMAIL.finditer(doc.text)])
        return Edit(editor.text, editor.spans)


class NoShouting(Filter):
    """Drops pages written in capitals."""

    name = "no_shouting"
    runs_after = (("redact_emails", "addresses are cut first"),)

    def check(self, doc):
        letters = [c for c in doc.text if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
            return Drop(self.name, "shouting", "mostly capital letters")
        return None


class NotAStage:
    name = "nope"
'''


@pytest.fixture
def user_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`userstages.py` on the path of this process and of the `clean` it starts, with an
    installed distribution that registers `redact` as an entry point."""
    entry_points = "[cleaner.stages]\nredact = userstages:RedactEmails\nhtml = userstages:NotAStage\n"
    with user_module(tmp_path, monkeypatch, "userstages", USER_STAGES, entry_points) as site:
        yield site


def test_a_stage_outside_the_package_runs_from_config(tmp_path: Path, user_package: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Write to jane.doe@example.com for the full report on magnesium and sleep.\n")
    (raw / "b.txt").write_text("BUY NOW THE BEST MAGNESIUM PILLS AT THE LOWEST PRICE EVER SEEN.\n")
    config = write_config(tmp_path / "c.yaml", textwrap.dedent("""\
        stages:
          - encoding
          - userstages:RedactEmails: {rule: address}
          - userstages:NoShouting
        """))
    out = tmp_path / "out"
    assert run_clean("config", "--check", str(config)).returncode == 0
    run_clean("run", "-i", str(raw), "-o", str(out), "-c", str(config))
    [kept] = read_rows(out, "data")
    assert kept["text"].startswith("Write to") and "jane.doe@example.com" not in kept["text"]
    [span] = read_rows(out, "spans.parquet")
    assert (span["stage"], span["rule"], span["text"]) == ("redact_emails", "address", "jane.doe@example.com")
    [removed] = read_rows(out, "removed.parquet")
    assert (removed["source"], removed["stage"], removed["reason"]) == ("b.txt", "no_shouting", "shouting")
    resolved = (out / "config.resolved.yaml").read_text()
    assert "userstages:RedactEmails:" in resolved and "rule: address" in resolved
    again = parse_config(yaml.safe_load(resolved), "resolved")  # the resolved config names the same classes
    assert [s.ref for s in again.stages] == ["encoding", "userstages:RedactEmails", "userstages:NoShouting"]


def test_an_entry_point_registers_a_name_but_cannot_take_a_built_in_one(user_package: Path) -> None:
    assert known_stages()["redact"] == "userstages:RedactEmails"
    assert known_stages()["html"] == STAGES["html"]
    assert stage_class("redact").name == "redact_emails"
    config = parse_config({"stages": ["redact"]}, "t")
    assert [(s.name, s.ref) for s in config.stages] == [("redact_emails", "redact")]


@pytest.mark.parametrize("entry, message", [
    ("userstages:Missing", "stages[0]: 'userstages:Missing' is not a stage: expected a subclass of Transform, Filter or GlobalStage"),
    ("userstages:NotAStage", "stages[0]: 'userstages:NotAStage' is not a stage"),
    ("nosuchmodule:Stage", "stages[0]: cannot import 'nosuchmodule' for stage 'nosuchmodule:Stage': ModuleNotFoundError"),
    ("redactt", "stages[0]: unknown stage 'redactt' (did you mean 'redact'?)"),
])  # fmt: skip
def test_a_bad_stage_reference_is_a_config_error(user_package: Path, entry: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"stages": [entry]}, "t")
    assert str(info.value).startswith(message)


def test_declared_order_and_names_are_checked(user_package: Path) -> None:
    with pytest.raises(ConfigError, match=r"stages\[0\]: 'no_shouting' must come after 'redact_emails': addresses are cut first"):
        parse_config({"stages": ["userstages:NoShouting", "userstages:RedactEmails"]}, "t")
    with pytest.raises(ConfigError, match=r"stages\[1\]: 'redact_emails' is listed twice"):
        parse_config({"stages": ["redact", "userstages:RedactEmails"]}, "t")


def test_unknown_names_raise_unknown_stage() -> None:
    with pytest.raises(UnknownStage):
        stage_class("no_such_stage")
