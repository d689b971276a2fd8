"""Passage dedup: stock phrases are not passages; specific shared cores and footers are.

Golden pairs from real IMDb reviews (idioms that the alignment rule alone matched) and the
sample pages' 003/004 pair; a corpus of 1,200 documents exercises document frequencies.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from cleaner.dedup import kernels
from cleaner.dedup.passage_matching import DF_BITS, document_frequencies, stopword_table
from cleaner.dedup.stopwords import STOPWORDS
from cleaner.document import Document
from cleaner.options import validate
from cleaner.stages.base import Decisions, DocKey
from cleaner.stages.passages import PassageDedup

#: (earlier, later): idioms shared by unrelated reviews; the alignment rule alone pairs them.
IDIOMS = [
    ("This film could have been so much more.",
     "Really, this film could have been so much more powerful with a more appropriate male lead."),
    ("The Godfather in my opinion is one of the most overrated films ever.",
     "This show in my opinion is one of the most underrated comedies on television."),
    ("If you have not seen this movie yet, go rent it tonight.",
     "If you have not seen this movie yet, go and see it now!"),
    ("I really wanted to like this film as much as my friends did.",
     "I really wanted to like this film as a fan of the original novel."),
    ("This is one of the worst movies ever made.", "This is one of the worst movies ever made."),
]
MAGNESIUM = (
    "Magnesium is involved in over 300 biochemical reactions in the body, making it essential for nerve function.",
    "Magnesium is a vital mineral involved in over 300 biochemical reactions in the human body, playing a crucial "
    "part in everything from bone health to muscular function.",
)
FOOTER = "Disclaimer: this article is for general information only and does not replace the advice of your doctor."
COMMON = ["acting", "terrible", "plot", "sense", "dialogue", "camera", "scene", "ending"]
CRITIC = (
    "Honestly, the acting was terrible and the plot made no sense to anyone watching.",
    "Sadly the acting was terrible and the plot made no sense, which ruined a promising premise for me.",
)


def make_stage(**options) -> PassageDedup:
    return PassageDedup(validate(options, PassageDedup.options, "stages.passages"))


def run(stage: PassageDedup, texts: list[str], workdir: Path, batch: int = 256) -> Decisions:
    docs = [Document(id=f"d{i:05d}", text=t, source="test") for i, t in enumerate(texts)]
    collector = stage.collector(workdir)
    for k in range(0, len(docs), batch):
        part = docs[k : k + batch]
        collector.add([DocKey(d.id, len(d.text)) for d in part], stage.sketch(part))
    return collector.finish()


def later_copy(row: dict) -> bool:
    """A cluster member that repeats the first occurrence: cut (not kept) or flagged."""
    return not row["kept"] or row["flag"] is not None


def cut_docs(decisions: Decisions) -> set[str]:
    """Documents holding a later copy of a passage (cut, or flagged below the cut bar)."""
    return {row["doc_id"] for row in decisions.clusters if later_copy(row)}


def cut_passages(decisions: Decisions, texts: list[str]) -> dict[str, set[str]]:
    """Doc id -> the texts of its later copies of passages (cut or flagged)."""
    out: dict[str, set[str]] = {}
    for row in decisions.clusters:
        if later_copy(row):
            out.setdefault(row["doc_id"], set()).add(texts[int(row["doc_id"][1:])][row["start"] : row["end"]])
    return out


@pytest.mark.parametrize("pair", IDIOMS, ids=lambda p: p[1][:30])
def test_idioms_do_not_cluster_by_stopwords_alone(pair: tuple[str, str], tmp_path: Path) -> None:
    """A small corpus has no frequencies: the stopword list must be enough."""
    texts = [f"Opening words of review {i} about something else entirely.\n\n{s}" for i, s in enumerate(pair)]
    assert run(make_stage(), texts, tmp_path).clusters == []
    # the control: without the informativeness test the alignment rule pairs them
    assert cut_docs(run(make_stage(min_informative=0), texts, tmp_path)) == {"d00001"}


def test_magnesium_core_clusters_in_a_small_corpus(tmp_path: Path) -> None:
    dec = run(make_stage(), list(MAGNESIUM), tmp_path)
    keeper, member = dec.clusters
    assert MAGNESIUM[1][member["start"] : member["end"]] == MAGNESIUM[1] and 0.6 <= member["similarity"] < 0.8
    assert member["flag"] == "below_cut_threshold" and dec.per_doc == {}  # a paraphrase: flagged, not cut
    (cut,) = run(make_stage(cut_threshold=0.6), list(MAGNESIUM), tmp_path).per_doc["d00001"]
    assert (cut.start, cut.end) == (member["start"], member["end"])


def filler_corpus(n: int, seed: int = 0) -> list[str]:
    """Unrelated documents of random made-up words, most of them also using COMMON words
    (shuffled, so they never share a run of words) and ending in the same FOOTER."""
    rng = random.Random(seed)
    vocab = [f"{rng.choice('bcdfgklmnprstvz')}{rng.choice('aeiou')}{k}x" for k in range(20000)]
    texts = []
    for _ in range(n):
        common = rng.sample(COMMON, 5)
        first = " ".join(rng.choice(vocab) for _ in range(6)) + " " + " ".join(common) + "."
        second = " ".join(rng.choice(vocab) for _ in range(12)) + "."
        texts.append(f"{first.capitalize()} {second.capitalize()}\n\n{FOOTER}")
    return texts


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Decisions, Decisions]:
    """1,200 documents with the critic pair, the magnesium pair and two idioms planted;
    decided with document frequencies and without them (df_min_docs above the corpus)."""
    texts = filler_corpus(1200)
    plant = {100: CRITIC[0], 700: CRITIC[1], 200: MAGNESIUM[0], 900: MAGNESIUM[1], 300: IDIOMS[0][0],
             800: IDIOMS[0][1], 400: IDIOMS[4][0], 1000: IDIOMS[4][1]}
    for d, sentence in plant.items():
        texts[d] = texts[d].replace("\n\n", f" {sentence}\n\n", 1)
    work = tmp_path_factory.mktemp("df")
    return texts, run(make_stage(), texts, work), run(make_stage(df_min_docs=5000), texts, work)


def test_common_words_make_a_shared_core_uninformative(big_corpus) -> None:
    texts, with_df, without_df = big_corpus
    assert cut_passages(with_df, texts)["d00700"] == {FOOTER}  # acting, terrible, plot, sense: common
    assert cut_passages(without_df, texts)["d00700"] == {CRITIC[1], FOOTER}  # four informative words
    assert with_df.stats["frequent_word_buckets"] >= len(COMMON)
    assert without_df.stats["frequent_word_buckets"] == 0


def test_specific_core_and_footer_survive_document_frequencies(big_corpus) -> None:
    texts, with_df, _ = big_corpus
    cut = cut_passages(with_df, texts)
    assert cut["d00900"] == {MAGNESIUM[1], FOOTER}  # biochemical, reactions, 300: rare
    # the footer is on every page, so all its words are common: a whole repeat needs none
    assert cut.keys() == {f"d{i:05d}" for i in range(1, 1200)}
    assert all(c == {FOOTER} for d, c in cut.items() if d not in ("d00700", "d00900"))  # idioms stay
    footers = [r for r in with_df.clusters if r["cluster_id"] == with_df.clusters[0]["cluster_id"]]
    assert len(footers) == 1200 and footers[0]["doc_id"] == "d00000"


def test_short_verbatim_footer_needs_informative_words(tmp_path: Path) -> None:
    """Under `whole_words` words a verbatim repeat is judged like any partial match."""
    short = "Thank you so much for reading, see you all next time."  # 11 words, two not stopwords
    openings = ["Our garden club met on Tuesday to swap tomato seedlings and gossip.",
                "Ferries to the northern islands resume in April after the winter storms.",
                "Grandmother's walnut cake recipe needs brown butter and a pinch of cardamom."]
    texts = [f"{opening}\n\n{short}" for opening in openings]
    assert run(make_stage(), texts, tmp_path).clusters == []
    assert cut_docs(run(make_stage(whole_words=8), texts, tmp_path)) == {"d00001", "d00002"}


def test_document_frequencies_count_each_document_once() -> None:
    words = np.array([5, 5, 7, 5, 9, 9, (1 << DF_BITS) + 5], dtype=np.uint32)  # the last shares 5's bucket
    doc = np.array([0, 0, 0, 1, 1, 1, 2])
    bucket, count = document_frequencies(doc, words)
    assert dict(zip(bucket.tolist(), count.tolist())) == {5: 3, 7: 1, 9: 1}
    empty = document_frequencies(np.zeros(0, np.int64), np.zeros(0, np.uint32))
    assert [len(a) for a in empty] == [0, 0]


def test_stopwords_are_single_tokens_and_marked() -> None:
    assert all(re.fullmatch(r"\w+", w) and w == w.lower() for w in STOPWORDS)
    hashes, _ = kernels.word_hashes(sorted(STOPWORDS))
    table = stopword_table()
    assert table[(hashes & np.uint64((1 << DF_BITS) - 1)).astype(np.intp)].all()
    assert table.mean() < 0.001 and not table.flags.writeable
    for word in ("magnesium", "biochemical", "reactions", "300"):
        h, _ = kernels.word_hashes([word])
        assert not table[int(h[0]) & ((1 << DF_BITS) - 1)]
