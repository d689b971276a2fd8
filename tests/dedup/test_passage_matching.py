"""Passage dedup: units, the sample pages, containment, footers, cuts and their spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.dedup.units import split_units
from cleaner.document import Document
from cleaner.errors import ConfigError
from cleaner.options import validate
from cleaner.stages.base import Decisions
from cleaner.stages.passages import RULE, PassageDedup, Removal, cut_passages
from tests.dedup.helpers import collect


def make_stage(**options) -> PassageDedup:
    return PassageDedup(validate(options, PassageDedup.options, "stages.passages"))


def run(stage: PassageDedup, ids: list[str], texts: list[str], workdir: Path, batch: int = 2) -> Decisions:
    return collect(stage, ids, texts, workdir, batch)


def unit_texts(text: str, min_words: int = 8, max_words: int = 100) -> list[str]:
    u = split_units([text], min_words, max_words)
    return [text[s:e] for s, e in zip(u.start, u.end)]


def test_units_sentences_short_neighbours_and_lines() -> None:
    text = ("Ok. The first long sentence of this paragraph has ten words. Short one! "
            "The second long sentence has exactly nine words here.\n"
            "Tiny line.\n\n"
            "Copyright 2024 Foo Inc. All rights reserved. Terms apply.")
    assert unit_texts(text) == [
        "Ok. The first long sentence of this paragraph has ten words. Short one!",
        "The second long sentence has exactly nine words here.",
        "Copyright 2024 Foo Inc. All rights reserved. Terms apply.",
    ]


def test_units_chunk_long_sentences() -> None:
    text = " ".join(f"w{i}" for i in range(250))
    chunks = unit_texts(text, max_words=100)
    assert [len(c.split()) for c in chunks] == [100, 100, 50]
    assert " ".join(chunks) == text


def test_sample_pages_one_cluster_of_the_300_reactions_sentences(raw_dir: Path, tmp_path: Path) -> None:
    """003 and 004 share the core "involved in over 300 biochemical reactions in the"; the pages
    share many topic words (magnesium, neuropathy, nerve), which must not be enough."""
    files = sorted(raw_dir.glob("*.txt"))
    assert len(files) == 5
    ids = [f.stem for f in files]
    texts = [f.read_text(encoding="utf-8") for f in files]
    dec = run(make_stage(), ids, texts, tmp_path)
    assert {r["cluster_id"] for r in dec.clusters} == {"p:003_f0308ecca12b07a9:626"}
    keeper, member = dec.clusters
    assert keeper["doc_id"].startswith("003") and keeper["kept"] and member["doc_id"].startswith("004")
    by_id = dict(zip(ids, texts))
    kept_text = by_id[keeper["doc_id"]][keeper["start"] : keeper["end"]]
    cut_text = by_id[member["doc_id"]][member["start"] : member["end"]]
    assert kept_text.startswith("Magnesium is involved in over 300 biochemical reactions in the body")
    assert cut_text.startswith("Magnesium is a vital mineral involved in over 300 biochemical reactions")
    # a paraphrase (0.71) below the cut bar of 0.8 (document dedup's) is flagged, not cut:
    # cutting it left the paragraph opening with a dangling "Its role in the nervous system"
    assert 0.6 <= member["similarity"] < 0.8
    assert (member["kept"], member["flag"]) == (True, "below_cut_threshold")
    assert keeper["flag"] is None and dec.per_doc == {}
    # cut anyway (cut_threshold lowered), it is still not cut: the next sentence leans on it
    low = run(make_stage(cut_threshold=0.6), ids, texts, tmp_path)
    doc = Document(id=member["doc_id"], text=by_id[member["doc_id"]], source="s")
    edit = make_stage(cut_threshold=0.6).apply(doc, low.per_doc[member["doc_id"]])
    assert edit.text == doc.text and edit.spans == [] and edit.counts == {"would_leave_fragment": 1}


FOOTER = "Medical disclaimer: this content is for information only and is not medical advice. Ask us."


def test_site_footer_is_cut_from_later_pages(tmp_path: Path) -> None:
    texts = [f"Page {i} talks about topic number {i} in its own unique words today.\n\n{FOOTER}" for i in range(6)]
    texts[3] = texts[3].replace("information only", "informational purposes only")  # a small variation
    dec = run(make_stage(), [f"p{i}" for i in range(6)], texts, tmp_path, batch=4)
    assert sorted(dec.per_doc) == ["p1", "p2", "p3", "p4", "p5"]
    assert {r["cluster_id"] for r in dec.clusters} == {f"p:p0:{texts[0].index('Medical')}"}
    edit = make_stage().apply(Document(id="p1", text=texts[1], source="s"), dec.per_doc["p1"])
    assert edit.text == "Page 1 talks about topic number 1 in its own unique words today."


def test_sentence_inside_a_longer_paragraph_is_found(tmp_path: Path) -> None:
    quote = "The committee approved the new budget after a long debate on Tuesday evening."
    first = f"Unrelated opening words about gardens and flowers in spring.\n\n{quote}"
    later = (f"Weather reports said it would rain all week in the north. {quote} "
             "Meanwhile the stock market closed higher for the third day in a row.")
    dec = run(make_stage(), ["a", "b"], [first, later], tmp_path)
    (cut,) = dec.per_doc["b"]
    assert later[cut.start : cut.end] == quote
    edit = make_stage().apply(Document(id="b", text=later, source="s"), dec.per_doc["b"])
    assert edit.text == ("Weather reports said it would rain all week in the north. "
                         "Meanwhile the stock market closed higher for the third day in a row.")


def test_repeats_inside_one_document_stay(tmp_path: Path) -> None:
    text = f"{FOOTER}\n\nSomething else entirely, written just once in this page.\n\n{FOOTER}"
    dec = run(make_stage(), ["only"], [text], tmp_path)
    assert dec.per_doc == {} and dec.clusters == []


def test_unrelated_sentences_sharing_a_short_phrase_stay(tmp_path: Path) -> None:
    a = "Several studies have shown that magnesium can reduce nerve pain in older diabetic patients."
    b = "Several studies have shown that regular walking improves mood and sleep in most adults."
    dec = run(make_stage(), ["a", "b"], [a, b], tmp_path)
    assert dec.clusters == []


def test_flag_records_clusters_without_cutting(tmp_path: Path) -> None:
    texts = [f"Intro {i} with several words of its own here.\n\n{FOOTER}" for i in range(3)]
    dec = run(make_stage(action="flag"), ["a", "b", "c"], texts, tmp_path)
    assert dec.per_doc == {} and len(dec.clusters) == 3 and all(r["kept"] for r in dec.clusters)
    assert [r["flag"] for r in dec.clusters] == [None, "action_flag", "action_flag"]


def test_batching_does_not_matter(tmp_path: Path) -> None:
    texts = [f"Intro {i} with several words of its own here.\n\n{FOOTER}" for i in range(7)]
    ids = [f"d{i}" for i in range(7)]
    results = [run(make_stage(), ids, texts, tmp_path, batch=b) for b in (1, 3, 7)]
    assert all(r.clusters == results[0].clusters and r.per_doc == results[0].per_doc for r in results)


def test_cut_spans_reconstruct_the_original() -> None:
    text = "Keep this. Cut this sentence please now.   Keep that too.\nCut me as well, second part.\nEnd."
    a, b = text.index("Cut this"), text.index("Cut me")
    removals = [Removal(b, b + len("Cut me as well, second part."), "p:x:2", 0.9),
                Removal(a, a + len("Cut this sentence please now."), "p:x:1", 0.8)]
    edit = cut_passages(text, removals)
    assert edit.text == "Keep this. Keep that too.\nEnd."
    assert [s.cluster_id for s in edit.spans] == ["p:x:1", "p:x:2"]
    for span in edit.spans:
        assert text[span.offset : span.offset + len(span.text)] == span.text and span.rule == RULE


QUOTE = "The committee approved the new budget after a long debate on Tuesday evening."
COUNCIL = "The city council approved the new school budget after a long debate on Tuesday evening in the old town hall."
PARAPHRASE = ("Residents were told that the city council approved the new school budget after a long debate, "
              "and the opposition walked out.")  # 13 of COUNCIL's 20 words in order: 0.65


def cut_and_settle(later: str, first: str = f"Unrelated opening words about gardens and flowers in spring.\n\n{QUOTE}",
                   **options) -> tuple[str, list[dict]]:
    """The later text after the cut, and its cluster rows as written to clusters.parquet."""
    import tempfile

    stage = make_stage(**options)
    with tempfile.TemporaryDirectory() as tmp:
        dec = run(stage, ["a", "b"], [first, later], Path(tmp))
    rows = [r for r in dec.clusters if r["doc_id"] == "b"]
    decision = dec.per_doc.get("b")
    if decision is None:
        return later, rows
    rows = stage.settle_rows(later, decision, rows)
    return stage.apply(Document(id="b", text=later, source="s"), decision).text, rows


@pytest.mark.parametrize("follow", ["Its members then left the hall in silence, tired but pleased.",
                                    "This ended a year of quarrels about schools, roads and parks.",
                                    "However, the mayor vetoed it the very next morning.",
                                    "“They went home late and slept through the whole morning.”"])
def test_a_cut_that_leaves_a_paragraph_opening_on_a_back_reference_is_flagged_instead(follow: str) -> None:
    """The sample's 004 case: cutting a paragraph's first sentence left it opening with "Its role ..."."""
    later = f"Weather reports said it would rain all week in the north.\n\n{QUOTE} {follow}"
    text, [row] = cut_and_settle(later)
    assert text == later
    assert (row["kept"], row["flag"], row["similarity"]) == (True, "would_leave_fragment", 1.0)
    # mid-paragraph the reference still has the sentence before the cut to lean on
    text, [row] = cut_and_settle(later.replace("\n\n", " "))
    assert QUOTE not in text and f"north. {follow}" in text and (row["kept"], row["flag"]) == (False, None)


def test_a_cut_between_independent_sentences_is_made() -> None:
    later = f"Weather reports said it would rain all week in the north. {QUOTE} Museums in the old town stay open until nine every evening."
    text, [row] = cut_and_settle(later)
    assert text == "Weather reports said it would rain all week in the north. Museums in the old town stay open until nine every evening."
    assert (row["kept"], row["flag"]) == (False, None)


def test_a_cut_of_part_of_a_sentence_is_flagged_instead() -> None:
    """A sentence over max_words is compared in chunks; cutting one chunk would leave half a sentence."""
    shared = " ".join(f"common{i}" for i in range(30))
    first = f"Opening words of the first page go here.\n\n{shared}."
    later = f"{shared} and then the sentence goes on with words only this page has, " + " ".join(f"own{i}" for i in range(12)) + "."
    text, rows = cut_and_settle(later, first, max_words=30)
    assert text == later
    assert [(r["kept"], r["flag"]) for r in rows] == [(True, "would_leave_fragment")]


def test_paraphrases_below_the_cut_threshold_are_flagged_not_cut() -> None:
    first = f"Unrelated opening words about gardens and flowers in spring.\n\n{COUNCIL}"
    later = f"Weather reports said it would rain all week in the north. {PARAPHRASE} Museums in the old town stay open until nine every evening."
    text, [row] = cut_and_settle(later, first)
    assert text == later and row["similarity"] == pytest.approx(13 / 20)
    assert (row["kept"], row["flag"]) == (True, "below_cut_threshold")
    text, [row] = cut_and_settle(later, first, cut_threshold=0.6)
    assert PARAPHRASE not in text and (row["kept"], row["flag"]) == (False, None)


def test_option_validation() -> None:
    with pytest.raises(ConfigError, match="min_run"):
        make_stage(min_run=4, ngram=5)
    with pytest.raises(ConfigError, match="action"):
        make_stage(action="delete")
