"""End-to-end tests of the `clean` command line: --version and --help, `clusters list/show`,
`inspect` and `layout`, and the one-line errors of every command. Each test runs the real
`python -m cleaner` in a subprocess and checks what it prints against the Parquet files the
run wrote."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import typer.main

from cleaner import __version__
from cleaner.cli import app
from tests.helpers import read_rows, run_clean, write_config

# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """One run of the default pipeline on the five sample pages of raw/, shared by this module."""
    out = tmp_path_factory.mktemp("cli_sample") / "clean"
    run_clean("run", "-i", str(raw_dir), "-o", str(out), "-c", "config.yaml", "-w", "1", "-q")
    return out


@pytest.fixture(scope="module")
def passage_cluster(sample_out: Path) -> dict:
    """The sample's passage cluster of the repeated "over 300 biochemical reactions" sentence,
    as `clusters list --json` reports it."""
    entries = json.loads(run_clean("clusters", "list", "-o", str(sample_out), "--json").stdout)
    matching = [e for e in entries if e["level"] == "passage" and "300" in e["snippet"] and "biochemical" in e["snippet"]]
    assert len(matching) == 1, entries
    return matching[0]


# A paragraph of 158 words, and near-duplicates with one or two words changed.
MAGNESIUM = (
    "Magnesium is a mineral that the body needs for hundreds of chemical reactions, from building proteins and bone to "
    "keeping the heart rhythm steady and the nerves firing as they should. Most adults get enough from a varied diet of leafy "
    "greens, nuts, seeds, beans and whole grains, but people with digestive diseases, type two diabetes or a long habit of "
    "heavy drinking often absorb less and lose more through the kidneys. A mild shortfall rarely causes symptoms on its own, "
    "yet over months it can show up as muscle cramps, twitching eyelids, poor sleep and a tingling feeling in the hands and "
    "feet that is easy to blame on something else. Doctors usually check blood levels first and suggest food changes before "
    "they recommend a supplement, because too much magnesium from pills can upset the stomach and, in people whose kidneys "
    "do not work well, build up to levels that weaken the muscles and slow the heart."
)
RIVERS = (
    "Rivers that wind across a wide flood plain move their beds a little every year, cutting into the outer bank of each bend "
    "and laying sand and gravel on the inner one, so that over a few centuries a loop can swing far enough to meet the next "
    "loop downstream. When that happens the water takes the short cut during a flood and the old bend is left behind as a "
    "quiet curved lake that slowly fills with silt, reeds and finally trees, which is why old maps of the same valley so "
    "rarely agree with one another about where the channel runs and where the parish boundaries that once followed it should be."
)
DEDUP_RECORDS = [
    ("a-tomatoes", "Tomatoes need full sun, deep watering once a week and a sturdy cage; pinch the side shoots early so the "
                   "plant spends its energy on fruit instead of leaves, and mulch the soil to keep it evenly moist."),
    ("b-orig", MAGNESIUM),
    ("c-near1", MAGNESIUM.replace("steady", "regular")),
    ("d-rivers", RIVERS),
    ("e-copy", MAGNESIUM),
    ("f-near2", MAGNESIUM.replace("leafy", "dark").replace("twitching", "jumping")),
    ("g-bicycles", "A bicycle chain lasts longer when it is cleaned with a dry rag after wet rides and oiled sparingly; too much "
                   "oil collects grit that wears the cassette and chainrings faster than the road itself."),
    ("h-rivers-near", RIVERS.replace("quiet", "still")),
]
CHANGED_WORDS = ("steady", "regular", "leafy", "dark", "twitching", "jumping")


@pytest.fixture(scope="module")
def dedup_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSONL dump with two near-duplicate groups (b-orig + 3 copies, d-rivers + 1), run
    through the dedup stage alone."""
    root = tmp_path_factory.mktemp("cli_dedup")
    dump = root / "dump.jsonl"
    dump.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in DEDUP_RECORDS))
    config = write_config(root / "dedup.yaml", "stages: [dedup]\n")
    out = root / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(config), "-w", "1", "-q")
    return out


def clean_fails(*args: str) -> subprocess.CompletedProcess:
    """Run a command that must fail cleanly: non-zero exit and never a traceback."""
    proc = run_clean(*args, check=False)
    assert proc.returncode != 0, f"clean {' '.join(args)} should fail\nstdout:\n{proc.stdout}"
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def assert_one_error_line(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    """stderr holds exactly one `error:` line (containing `fragments`), and at most a hint besides."""
    lines = proc.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), proc.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every body row of the rich tables in `text` (one row per printed line)."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]


# --- --version and --help ------------------------------------------------------------------


def test_version_prints_package_version() -> None:
    proc = run_clean("--version")
    assert proc.stdout.strip() == f"cleaner {__version__}"
    assert proc.stderr == ""


def _command_paths(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The app itself and every command and sub-command it registers, as argument paths."""
    paths = [prefix]
    for name, command in getattr(group, "commands", {}).items():
        paths += _command_paths(command, prefix + (name,))
    return paths


COMMAND_PATHS = _command_paths(typer.main.get_command(app))


def test_app_registers_the_documented_commands() -> None:
    expected = {(), ("run",), ("config",), ("layout",), ("inspect",), ("clusters",), ("clusters", "list"), ("clusters", "show")}
    assert expected <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "clean")
def test_help_of_every_command_has_usage_and_an_example(path: tuple[str, ...]) -> None:
    proc = run_clean(*path, "--help")
    assert "Usage:" in proc.stdout
    assert re.search(r"\bExamples?:", proc.stdout), proc.stdout
    # an example is a line that invokes this very command
    example = re.compile(r"^\s*clean" + "".join(" " + re.escape(part) for part in path) + r"( \S|$)", re.MULTILINE)
    assert example.search(proc.stdout), f"no example of `clean {' '.join(path)}` in its --help:\n{proc.stdout}"


# --- clusters list -------------------------------------------------------------------------


def test_clusters_list_table_shows_the_repeated_passage(sample_out: Path, passage_cluster: dict) -> None:
    proc = run_clean("clusters", "list", "-o", str(sample_out))
    assert re.search(r"\b\d+ clusters, largest first", proc.stdout)
    rows = [r for r in table_rows(proc.stdout) if r[0] == passage_cluster["cluster_id"]]
    assert len(rows) == 1, proc.stdout
    cluster, level, size, similarity, kept, snippet = rows[0]
    assert (level, size, kept) == ("passage", str(passage_cluster["size"]), passage_cluster["kept_doc"])
    assert similarity.startswith(f"{passage_cluster['min_similarity']:.2f}")
    assert "300 biochemical reactions" in snippet


def test_clusters_list_json_matches_clusters_parquet(sample_out: Path, passage_cluster: dict) -> None:
    entries = json.loads(run_clean("clusters", "list", "-o", str(sample_out), "--json").stdout)
    keys = {"cluster_id", "level", "size", "min_similarity", "max_similarity", "kept_doc", "snippet"}
    assert entries and all(set(e) == keys for e in entries)
    sizes = [e["size"] for e in entries]
    assert sizes == sorted(sizes, reverse=True)
    rows = read_rows(sample_out, "clusters.parquet")
    for entry in entries:
        members = [r for r in rows if r["cluster_id"] == entry["cluster_id"]]
        assert entry["size"] == len(members) >= 2
        kept = [r for r in members if r["kept"] and r["flag"] is None]  # flagged copies are kept too
        assert [r["doc_id"] for r in kept] == [entry["kept_doc"]]
        others = [r["similarity"] for r in members if r is not kept[0]]
        assert (entry["min_similarity"], entry["max_similarity"]) == (min(others), max(others))
        assert entry["level"] == members[0]["level"]
        assert entry["snippet"].rstrip("…") in " ".join(kept[0]["text"].split())
    assert passage_cluster["cluster_id"].startswith("p:")
    assert 0 < passage_cluster["min_similarity"] <= passage_cluster["max_similarity"] <= 1


def test_clusters_list_level_filter(sample_out: Path, dedup_out: Path) -> None:
    def listed(out: Path, level: str) -> list[dict]:
        return json.loads(run_clean("clusters", "list", "-o", str(out), "--level", level, "--json").stdout)

    passages = listed(sample_out, "passage")
    assert passages and {e["level"] for e in passages} == {"passage"}
    # the sample pages are not duplicates of each other: no document clusters there
    assert listed(sample_out, "document") == []
    documents = listed(dedup_out, "document")
    assert documents and {e["level"] for e in documents} == {"document"}
    assert listed(dedup_out, "passage") == []


def test_clusters_list_min_size_filter(dedup_out: Path) -> None:
    def sizes(n: int) -> list[int]:
        return [e["size"] for e in json.loads(run_clean("clusters", "list", "-o", str(dedup_out), "--min-size", str(n), "--json").stdout)]

    assert sizes(1) == [4, 2]  # every document cluster has at least two members
    assert sizes(3) == [4]
    assert sizes(5) == []


def test_clusters_list_rejects_an_unknown_level(sample_out: Path) -> None:
    proc = clean_fails("clusters", "list", "-o", str(sample_out), "--level", "sentence")
    assert proc.returncode == 2
    assert_one_error_line(proc, "--level", "'sentence'", "'document'", "'passage'")
    assert proc.stdout == ""


LONG_IDS = [("crawl-2024-05/segment-0003/" + "x" * 40 + f"-{n}", t) for n, (_, t) in enumerate(DEDUP_RECORDS)]


@pytest.fixture(scope="module")
def long_id_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dedup dump again, under ids as long as real crawl ids."""
    root = tmp_path_factory.mktemp("cli_long_ids")
    dump = root / "dump.jsonl"
    dump.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in LONG_IDS))
    out = root / "out"
    run_clean("run", "-i", str(dump), "-o", str(out), "-c", str(write_config(root / "c.yaml", "stages: [dedup]\n")), "-q")
    return out


def narrow(*args: str, columns: int = 60) -> subprocess.CompletedProcess:
    """`clean ARGS` printing to a pipe on a terminal of `columns` columns."""
    import os
    import sys

    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, env=env, check=True)


def test_clusters_list_prints_ids_whole_on_one_line_even_when_narrow(long_id_out: Path) -> None:
    """Ids used to wrap across lines (copying a fragment gave `no cluster ...`) and the kept
    id was cut short with an ellipsis."""
    entries = json.loads(run_clean("clusters", "list", "-o", str(long_id_out), "--json").stdout)
    table = narrow("clusters", "list", "-o", str(long_id_out)).stdout
    lines = table.splitlines()
    for entry in entries:
        assert any(entry["cluster_id"] in line and entry["kept_doc"] in line for line in lines), table
    copied = next(line for line in lines if entries[0]["cluster_id"] in line).split()[1]
    assert copied == entries[0]["cluster_id"]
    run_clean("clusters", "show", copied, "-o", str(long_id_out))


def test_clusters_list_plain_is_one_tab_separated_line_per_cluster(long_id_out: Path) -> None:
    entries = json.loads(run_clean("clusters", "list", "-o", str(long_id_out), "--json").stdout)
    plain = narrow("clusters", "list", "-o", str(long_id_out), "--plain").stdout.splitlines()
    assert plain[0].split("\t") == ["cluster", "level", "size", "similarity", "kept", "snippet"]
    rows = [line.split("\t") for line in plain[1:]]
    assert [(r[0], r[1], int(r[2]), r[4]) for r in rows] == [(e["cluster_id"], e["level"], e["size"], e["kept_doc"]) for e in entries]
    assert all(r[5] == e["snippet"] for r, e in zip(rows, entries))


def test_inspect_piped_shows_removal_markers_not_invisible_styles(sample_out: Path) -> None:
    """`clean inspect ID | less` said "struck through" but a pipe carries no styles."""
    out = run_clean("inspect", "004_30911bb0a4d630e5.txt", "-o", str(sample_out)).stdout
    after = out.split("before → after", 1)[1]
    assert "removed text is marked [-like this-]" in after
    assert "[-Skip to content-]" in after.replace("\n", "")


def test_inspect_json_matches_the_output_files(sample_out: Path) -> None:
    doc_id = "004_30911bb0a4d630e5.txt"
    report = json.loads(run_clean("inspect", doc_id, "-o", str(sample_out), "--json").stdout)
    [row] = [r for r in read_rows(sample_out, "data") if r["id"] == doc_id]
    assert (report["doc_id"], report["status"], report["source"], report["record"]) == (doc_id, "kept", doc_id, 0)
    assert report["text"] == row["text"] and report["removal"] is None
    spans = [s for s in read_rows(sample_out, "spans.parquet") if s["doc_id"] == doc_id]
    assert sorted((s["stage"], s["rule"], s["offset"]) for s in report["spans"]) == sorted((s["stage"], s["rule"], s["offset"]) for s in spans)
    assert report["before"].startswith("Skip to content")
    assert {c["cluster_id"] for c in report["clusters"]} == {r["cluster_id"] for r in read_rows(sample_out, "clusters.parquet") if r["doc_id"] == doc_id}


@pytest.mark.parametrize("path", [("clusters", "show"), ("clusters",), ("inspect",), ()], ids=" ".join)
def test_help_examples_name_ids_that_exist_in_the_sample_output(path: tuple[str, ...], sample_out: Path) -> None:
    """`clusters show --help` used to show `d:raw/page.txt`, an id no run can produce."""
    text = run_clean(*path, "--help").stdout
    examples = re.findall(r"^\s*clean (inspect|clusters show) (\S+)", text, re.MULTILINE)
    assert examples, text
    for command, ident in examples:
        run_clean(*command.split(), ident, "-o", str(sample_out))


# --- clusters show -------------------------------------------------------------------------


def test_clusters_show_passage_cluster(sample_out: Path, passage_cluster: dict) -> None:
    cid = passage_cluster["cluster_id"]
    proc = run_clean("clusters", "show", cid, "-o", str(sample_out))
    members = [r for r in read_rows(sample_out, "clusters.parquet") if r["cluster_id"] == cid]
    assert f"cluster {cid}  (passage, {len(members)} members)" in proc.stdout
    [kept] = [m for m in members if m["kept"] and m["flag"] is None]
    assert re.search(rf"^kept: {re.escape(kept['doc_id'])} \[{kept['start']}:{kept['end']}\] — first occurrence", proc.stdout, re.MULTILINE)
    for member in members:
        if member is not kept:
            role = f"flagged ({member['flag']})" if member["flag"] else "dropped"
            header = f"{role}: {member['doc_id']} [{member['start']}:{member['end']}]  similarity {member['similarity']:.3f}"
            assert header in proc.stdout
    assert [m["flag"] for m in members if m is not kept] == ["below_cut_threshold"]
    assert "biochemical" in proc.stdout


def test_clusters_show_unknown_id(sample_out: Path) -> None:
    proc = clean_fails("clusters", "show", "p:nope.txt:0", "-o", str(sample_out))
    assert proc.returncode == 1
    assert_one_error_line(proc, "no cluster 'p:nope.txt:0'")
    assert "hint: list cluster ids with `clean clusters list`" in proc.stderr


# --- document-level clusters ---------------------------------------------------------------


def test_document_clusters_list(dedup_out: Path) -> None:
    entries = json.loads(run_clean("clusters", "list", "-o", str(dedup_out), "--level", "document", "--json").stdout)
    assert [(e["cluster_id"], e["size"], e["kept_doc"]) for e in entries] == [("d:b-orig", 4, "b-orig"), ("d:d-rivers", 2, "d-rivers")]
    first = entries[0]
    assert first["max_similarity"] == 1.0  # the exact copy
    assert 0.8 <= first["min_similarity"] < 1.0
    assert first["snippet"].startswith("Magnesium is a mineral")
    table = run_clean("clusters", "list", "-o", str(dedup_out), "--level", "document").stdout
    assert [r[:3] for r in table_rows(table) if r[0]] == [["d:b-orig", "document", "4"], ["d:d-rivers", "document", "2"]]


def test_document_cluster_show_names_kept_and_dropped(dedup_out: Path) -> None:
    proc = run_clean("clusters", "show", "d:b-orig", "-o", str(dedup_out))
    out = proc.stdout
    assert "cluster d:b-orig  (document, 4 members)" in out
    assert "kept: b-orig — keep: first — b-orig comes first in input order" in out
    removed = {r["id"]: r for r in read_rows(dedup_out, "removed.parquet")}
    assert set(removed) == {"c-near1", "e-copy", "f-near2", "h-rivers-near"}
    for doc_id in ("c-near1", "e-copy", "f-near2"):
        assert removed[doc_id]["duplicate_of"] == "b-orig"
        assert f"dropped: {doc_id}  similarity {removed[doc_id]['similarity']:.3f}" in out
    assert "dropped: d-rivers" not in out and "dropped: b-orig" not in out
    # every changed word is shown, marked (piped output has no styles), and stays a
    # separate word on both sides
    assert "[-steady-]" in out and "{+regular+}" in out
    for word in CHANGED_WORDS:
        assert re.search(rf"\b{word}\b", out), word
        bare = out.replace("[-", " ").replace("-]", " ").replace("{+", " ").replace("+}", " ")
        assert not re.search(rf"\S{word}|{word}[^\s,.]", bare), f"{word!r} glued to its neighbour:\n{out}"
    # the exact copy has no differences: its text is still shown, not only an ellipsis
    copy_table = out.split("dropped: e-copy", 1)[1].split("dropped: ", 1)[0]
    assert "Magnesium is a mineral" in copy_table


def test_inspect_dropped_duplicate(dedup_out: Path) -> None:
    near = run_clean("inspect", "f-near2", "-o", str(dedup_out)).stdout
    assert "document f-near2  (source dump.jsonl, record 5)" in near
    assert re.search(r"^removed by dedup: near_duplicate\b.*duplicate of kept document b-orig \(similarity 0\.8\d\d\)", near, re.MULTILINE)
    assert "in document cluster d:b-orig" in near
    copy = run_clean("inspect", "e-copy", "-o", str(dedup_out)).stdout
    assert re.search(r"^removed by dedup: exact_duplicate\b.*duplicate of kept document b-orig \(similarity 1\.000\)", copy, re.MULTILINE)
    kept = run_clean("inspect", "b-orig", "-o", str(dedup_out)).stdout
    assert "removed by" not in kept
    assert "kept; 0 pieces removed from it" in kept
    assert "in document cluster d:b-orig (kept member)" in kept


# --- inspect -------------------------------------------------------------------------------


def test_inspect_kept_page_lists_every_removed_span(sample_out: Path) -> None:
    doc_id = "004_30911bb0a4d630e5.txt"
    assert doc_id in {r["id"] for r in read_rows(sample_out, "data")}
    proc = run_clean("inspect", doc_id, "-o", str(sample_out))
    out = proc.stdout
    spans = [s for s in read_rows(sample_out, "spans.parquet") if s["doc_id"] == doc_id]
    assert spans, "the sample page lost no spans"
    assert f"kept; {len(spans)} pieces removed from it" in out
    shown = {(r[0], r[1].split(" (")[0], r[2]) for r in table_rows(out) if len(r) == 4 and r[0]}
    assert shown == {(s["stage"], s["rule"], str(s["offset"])) for s in spans}
    rows = [r for r in table_rows(out) if len(r) == 4]
    # the line model judges the page before the per-line chrome rules (registry.AFTER_MODEL),
    # and it takes this line, so it is shown with the model's score, not as `nav`
    skip = [r for r in rows if r[0] == "boilerplate" and r[2] == "0" and r[3] == "Skip to content"]
    assert len(skip) == 1 and re.fullmatch(r"line_model \(score 0\.\d\d\)", skip[0][1]), rows
    # its paraphrase (0.71) of page 003's "300 biochemical reactions" sentence is below the
    # cut bar (0.8): flagged in its cluster, not cut
    assert not any(r[0] == "passages" for r in rows)
    assert re.search(r"in passage cluster p:003_f0308ecca12b07a9\.txt:626 \(similarity 0\.706 to the kept\s+member; left in\s+place: below_cut_threshold\)", out), out
    assert re.search(r"before → after \(as read from .*004_30911bb0a4d630e5\.txt\)", out)
    assert "Skip to content" in out.split("before → after", 1)[1]


def test_inspect_unknown_id(sample_out: Path) -> None:
    proc = clean_fails("inspect", "no-such-doc.txt", "-o", str(sample_out))
    assert proc.returncode == 1
    assert_one_error_line(proc, "no document 'no-such-doc.txt'")
    assert proc.stdout == ""


# --- layout --------------------------------------------------------------------------------

JACCARDS = [f"{0.5 + 0.05 * i:.2f}" for i in range(10)]


def _layout(*args: str) -> tuple[int, int, float, dict[str, float]]:
    out = run_clean("layout", *args).stdout
    header = re.search(r"LSH layout: (\d+) bands x (\d+) rows = (\d+) signature values; threshold ([\d.]+)", out)
    assert header, out
    bands, rows, total = (int(header.group(i)) for i in (1, 2, 3))
    assert total == bands * rows
    table = {r[0]: float(r[1]) for r in table_rows(out)}
    assert list(table) == JACCARDS
    for jaccard, probability in table.items():
        assert probability == pytest.approx(1 - (1 - float(jaccard) ** rows) ** bands, abs=6e-5), jaccard
    return bands, rows, float(header.group(4)), table


def test_layout_default_config() -> None:
    bands, rows, threshold, table = _layout("-c", "config.yaml")
    assert threshold == 0.8
    assert bands * rows <= 128
    assert table["0.95"] > 0.99 and table["0.50"] < 0.5


def test_layout_reflects_explicit_bands_and_rows(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.yaml", "stages:\n  - dedup: {threshold: 0.7, num_perm: 128, bands: 16, rows: 8}\n")
    assert _layout("-c", str(config))[:3] == (16, 8, 0.7)
    assert _layout("-c", str(config), "--bands", "40", "--rows", "3")[:2] == (40, 3)


def test_layout_rejects_bands_times_rows_above_num_perm() -> None:
    proc = clean_fails("layout", "-c", "config.yaml", "--bands", "400", "--rows", "3")
    assert proc.returncode == 2
    assert_one_error_line(proc, "exceeds num_perm")


# --- errors --------------------------------------------------------------------------------

READERS = [("clusters", "list"), ("clusters", "show", "d:x"), ("inspect", "x")]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_commands_reading_an_output_refuse_a_non_output_folder(command: tuple[str, ...], tmp_path: Path) -> None:
    proc = clean_fails(*command, "-o", str(tmp_path))  # exists, but empty
    assert proc.returncode == 1
    assert_one_error_line(proc, f"{str(tmp_path)!r} is not a cleaner output folder")
    assert "hint: run `clean run` first or pass --output DIR" in proc.stderr
    assert proc.stdout == ""


def test_a_missing_output_folder_and_a_long_error_line(tmp_path: Path) -> None:
    folder = tmp_path / ("a" * 120) / ("b" * 120)  # missing; longer than the 200 columns run_clean sets
    proc = clean_fails("clusters", "list", "-o", str(folder))
    assert proc.returncode == 1
    assert_one_error_line(proc, f"{str(folder)!r} is not a cleaner output folder")
    assert "hint: run `clean run` first or pass --output DIR" in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param((), "Usage:", id="no arguments"),
        pytest.param(("clusters",), "Usage:", id="clusters without a sub-command"),
        pytest.param(("clusters", "show"), "Missing argument", id="missing argument"),
        pytest.param(("clusters", "list", "--min-size", "0"), "--min-size", id="value out of range"),
        pytest.param(("inspect", "--bogus"), "No such option", id="unknown option"),
        pytest.param(("nope",), "No such command", id="unknown command"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...], message: str) -> None:
    proc = clean_fails(*args)
    assert proc.returncode == 2
    assert message in proc.stdout + proc.stderr
