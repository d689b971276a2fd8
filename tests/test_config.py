"""config.yaml validation: every mistake is one line naming the key path, the bad value
and what is allowed, and it stops the run (exit 2) before any input is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cleaner.config import load_config, parse_config
from cleaner.config_template import default_config_text
from cleaner.errors import ConfigError
from cleaner.stages import STAGES
from tests.helpers import REPO, run_clean

ALL = ", ".join(STAGES)


@pytest.mark.parametrize("data, message", [
    ({"stages": ["dedupe"]},
     f"stages[0]: unknown stage 'dedupe' (did you mean 'dedup'?); allowed: {ALL}"),
    ({"stages": ["encoding", "encoding"]},
     "stages[1]: 'encoding' is listed twice; each stage runs at most once"),
    ({"stages": ["encoding", "html"]},
     "stages[1]: 'html' must come first: it produces the text every other stage reads, so it must come first"),
    ({"stages": ["passages", "boilerplate"]},
     "stages[0]: 'passages' must come after 'boilerplate': known page chrome must be removed first or it forms false passage clusters"),
    ({"stages": [{"dedup": {"threshold": 0.8}, "quality": None}]},
     "stages[0]: expected a stage name or a one-key mapping {name: {options}}, got {'dedup': {'threshold': 0.8}, 'quality': None}"),
    ({"stages": "dedup"},
     f"stages: expected a list of stage names, got str; allowed stages: {ALL}"),
    ({"reader": {}, "stages": []},
     "reader: unknown section (did you mean 'readers'?); allowed: readers, stages, output, executor"),
    ({"readers": {"max_errors": "lots"}, "stages": []},
     "readers.max_errors: 'lots' has the wrong type; expected a number from 0.0 to 1.0"),
    ({"readers": {"max_errors": 1.5}, "stages": []},
     "readers.max_errors: 1.5 is out of range; expected a number from 0.0 to 1.0"),
    ({"readers": {"text_feld": "body"}, "stages": []},
     "readers.text_feld: unknown option (did you mean 'text_field'?); allowed: text_field, html_field, id_field, duplicate_ids, url_field, "
     "title_field, date_field, crawl_date_field, author_field, keep_fields, max_record_mb, max_errors, skip_hidden, plugins"),
    ({"readers": {"text_field": None}, "stages": []},
     "readers.text_field: null is not allowed; expected a string"),
    ({"output": {"compression": "zstandard"}, "stages": []},
     "output.compression: 'zstandard' is not allowed (did you mean 'zstd'?); expected one of 'zstd', 'snappy', 'gzip', 'lz4', 'none'"),
    ({"output": {"rows_per_file": 0}, "stages": []},
     "output.rows_per_file: 0 is out of range; expected an integer >= 1"),
    ({"output": {"rows_per_file": True}, "stages": []},
     "output.rows_per_file: True has the wrong type; expected an integer >= 1"),
    (["stages"],
     "test: the top level must be a mapping with keys readers, stages, output, executor"),
])  # fmt: skip
def test_config_errors_name_the_key_the_value_and_the_allowed_values(data, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data, "test")
    assert str(info.value) == message


@pytest.mark.parametrize("data", [{"readers": {"text_field": "body"}}, {}, {"stages": None}, {"output": {"rows_per_file": 10}}])
def test_every_section_is_optional_and_stages_default_to_the_default_list(data) -> None:
    """Changing one field name must not mean copying the whole stage list."""
    config = parse_config(data, "test")
    assert [s.name for s in config.stages] == list(STAGES)
    assert config.to_plain()["stages"] == load_config(None).to_plain()["stages"]
    assert config.readers.text_field == data.get("readers", {}).get("text_field", "text")


def test_a_readers_only_config_runs_the_default_pipeline(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text('{"body": "' + "A sentence of ordinary words for the quality filter to keep. " * 20 + '"}\n')
    config = tmp_path / "c.yaml"
    config.write_text("readers:\n  text_field: body\n")
    out = tmp_path / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-q")
    resolved = yaml.safe_load((out / "config.resolved.yaml").read_text())
    assert [next(iter(s)) for s in resolved["stages"]] == list(STAGES)
    assert resolved["readers"]["text_field"] == "body"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("stages:\n  - html\n  - [encoding\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and "line 4" in str(info.value)


def test_stage_options_default_and_validate() -> None:
    config = parse_config({"stages": ["encoding", {"dedup": {"threshold": 0.9}}]}, "t")
    names = [s.name for s in config.stages]
    assert names == ["encoding", "dedup"]
    assert config.stages[1].settings.threshold == 0.9
    assert isinstance(config.stages[1].settings.threshold, float)


def test_shipped_config_yaml_is_the_generated_default() -> None:
    """config.yaml documents every option; it must not drift from the schemas."""
    assert (REPO / "config.yaml").read_text() == default_config_text()


def test_default_config_loads_to_the_same_as_builtin_defaults() -> None:
    shipped = load_config(REPO / "config.yaml")
    builtin = load_config(None)
    assert shipped.to_plain() == builtin.to_plain()
    assert yaml.safe_load(shipped.to_yaml()) == shipped.to_plain()


def test_cli_config_error_is_one_line_exit_2_and_reads_nothing(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("stages:\n  - dedup:\n      threshold: 1.5\n")
    out = tmp_path / "out"
    proc = run_clean("run", "--input", str(REPO / "raw"), "--output", str(out), "--config", str(config), check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith("error: stages[0].dedup.threshold: 1.5 is out of range; expected a number")
    assert not out.exists()


def test_cli_missing_config_file_is_an_error(tmp_path: Path) -> None:
    proc = run_clean("run", "--config", str(tmp_path / "nope.yaml"), "--output", str(tmp_path / "o"), check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: config file {str(tmp_path / 'nope.yaml')!r} not found", "hint: pass --config FILE or create config.yaml"]


def test_ray_executor_without_ray_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    with pytest.raises(ConfigError) as caught:
        parse_config({"executor": {"kind": "ray"}, "stages": ["dedup"]}, "test")
    assert caught.value.message == "executor.kind: 'ray' needs the ray package, which is not installed; allowed: 'local', 'ray' or 'module:attr'"
    assert caught.value.hint == "pip install 'cleaner[ray]', or set executor.kind: local"


@pytest.mark.parametrize(
    ("stage", "options", "message"),
    [
        ("dedup", {"bands": 64, "rows": 4}, "exceeds num_perm"),
        ("passages", {"min_run": 4, "ngram": 5}, "min_run (4) must be at least ngram (5)"),
    ],
)
def test_options_that_do_not_go_together_are_refused_before_any_input(stage: str, options: dict, message: str) -> None:
    """Each value is valid alone; the engine's own checks refuse the pair, with the list path."""
    with pytest.raises(ConfigError, match=rf"^stages\[1\]\.{stage}: .*{re.escape(message)}"):
        parse_config({"stages": ["encoding", {stage: options}]}, "test")


def test_config_check_refuses_what_run_refuses(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("stages:\n  - dedup: {bands: 64, rows: 4}\n")
    done = run_clean("config", "--check", str(config), check=False)
    assert done.returncode == 2
    assert "stages[0].dedup: bands x rows = 64 x 4 = 256 exceeds num_perm = 128" in done.stderr


@pytest.mark.parametrize("stage", ["dedup", "passages"])
def test_stage_option_defaults_are_the_engine_defaults(stage: str) -> None:
    """The stage options and the engine's settings dataclass name the same defaults."""
    import dataclasses

    from cleaner.options import defaults
    from cleaner.stages import stage_class
    from cleaner.stages.base import engine_config

    cls = stage_class(stage)
    settings = defaults(cls.options)
    config = engine_config(type(cls(settings).config), settings)
    engine = {f.name: f.default for f in dataclasses.fields(config)}
    shared = [opt.name for opt in cls.options if opt.name in engine]
    assert len(shared) >= 8
    assert {name: settings[name] for name in shared} == {name: engine[name] for name in shared}


INVALID_CONFIGS = [
    ("unknown stage", "stages: [dedupe]\n", "stages[0]: unknown stage 'dedupe'"),
    ("not a list", "stages: dedup\n", "stages: expected a list"),
    ("wrong type", "stages:\n  - quality: {min_words: many}\n", "stages[0].quality.min_words: 'many' has the wrong type"),
    ("out of range", "stages:\n  - encoding\n  - dedup: {threshold: 1.5}\n", "stages[1].dedup.threshold: 1.5 is out of range"),
    ("unknown option", "stages:\n  - boilerplate: {rulez: {}}\n", "stages[0].boilerplate.rulez: unknown option (did you mean 'rules'?)"),
    ("unknown rule", "stages:\n  - boilerplate: {rules: {bylin: false}}\n", "stages[0].boilerplate.rules.bylin: unknown option (did you mean 'byline'?)"),
    ("bad choice", "stages:\n  - boilerplate: {comments: some}\n", "stages[0].boilerplate.comments: 'some'"),
    ("pair of options", "stages:\n  - dedup: {bands: 64, rows: 4}\n", "stages[0].dedup: bands x rows = 64 x 4 = 256 exceeds num_perm"),
    ("passage pair", "stages:\n  - boilerplate\n  - passages: {min_run: 4, ngram: 5}\n", "stages[1].passages: min_run (4) must be at least ngram (5)"),
    ("order", "stages: [passages, boilerplate]\n", "stages[0]: 'passages' must come after 'boilerplate'"),
    ("html first", "stages: [encoding, html]\n", "stages[1]: 'html' must come first"),
    ("listed twice", "stages: [encoding, encoding]\n", "stages[1]: 'encoding' is listed twice"),
    ("unimportable stage", "stages: ['nosuch.module:Stage']\n", "stages[0]: cannot import 'nosuch.module'"),
    ("watchdog below a time limit", "stages: [html]\nexecutor: {watchdog_s: 5}\n", "executor.watchdog_s: 5 is not above the html stage's timeout_s"),
    ("unknown section", "stage: [dedup]\n", "stage"),
    ("reader option", "readers: {max_errors: 2}\n", "readers.max_errors: 2.0 is out of range"),
    ("output option", "output: {rows_per_file: 0}\n", "output.rows_per_file: 0 is out of range"),
    ("executor kind", "executor: {kind: spark}\n", "executor.kind: 'spark'"),
    ("not yaml", "stages: [dedup\n", ""),
]


@pytest.mark.parametrize(("text", "message"), [case[1:] for case in INVALID_CONFIGS], ids=[case[0] for case in INVALID_CONFIGS])
def test_config_check_and_run_agree_on_every_invalid_config(tmp_path: Path, text: str, message: str) -> None:
    """Same exit code, same one-line message (with the indexed key path), and `clean run`
    reads no input and writes no output."""
    config = tmp_path / "config.yaml"
    config.write_text(text)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("A page of text.\n")
    out = tmp_path / "out"
    checked = run_clean("config", "--check", str(config), check=False)
    ran = run_clean("run", "-i", str(raw), "-o", str(out), "-c", str(config), check=False)
    assert (checked.returncode, ran.returncode) == (2, 2), (checked.stderr, ran.stderr)
    assert checked.stderr == ran.stderr
    first = checked.stderr.splitlines()[0]
    assert first.startswith("error: ") and message in first, first
    assert not out.exists()
