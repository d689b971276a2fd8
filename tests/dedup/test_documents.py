"""Document dedup through the stage interface: hand-made clusters and invariants."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.dedup.clusters import quality_score
from cleaner.document import Document, Drop
from cleaner.errors import ConfigError
from cleaner.options import validate
from cleaner.stages.base import Decisions
from cleaner.stages.dedup import DocumentDedup
from tests.dedup.helpers import collect

_SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to"]
VOCAB = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]  # 512 alphabetic words


def make_stage(**options) -> DocumentDedup:
    return DocumentDedup(validate(options, DocumentDedup.options, "stages.dedup"))


def run(stage: DocumentDedup, ids: list[str], texts: list[str], workdir: Path, batch: int = 3) -> Decisions:
    return collect(stage, ids, texts, workdir, batch)


def shingles(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w)} if 0 < len(w) < 5 else set(zip(*(w[i:] for i in range(5))))


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def test_hand_made_clusters(tmp_path: Path) -> None:
    rng = random.Random(1)
    a = prose(rng, 200)
    b = a + " " + prose(rng, 4)                    # near duplicate of a
    c = a.upper().replace(" ", ",  ")              # same words as a
    d = prose(rng, 150)                            # unrelated
    e = " ".join(a.split()[:120])                  # Jaccard 0.6: not a duplicate
    f = b                                          # exact copy of b
    ids = ["a", "b", "c", "d", "e", "f"]
    dec = run(make_stage(), ids, [a, b, c, d, e, f], tmp_path)
    assert set(dec.per_doc) == {"b", "c", "f"}
    assert dec.per_doc["c"] == Drop("dedup", "exact_duplicate", dec.per_doc["c"].detail, "a", 1.0)
    assert dec.per_doc["b"].reason == "near_duplicate" and dec.per_doc["b"].duplicate_of == "a"
    assert dec.per_doc["b"].similarity == pytest.approx(jaccard(a, b))
    assert dec.per_doc["f"].reason == "near_duplicate" and dec.per_doc["f"].duplicate_of == "a"
    assert "same words as b" in dec.per_doc["f"].detail
    assert dec.duplicate_counts == {"a": 4}
    assert [(r["doc_id"], r["kept"]) for r in dec.clusters] == [("a", True), ("b", False), ("c", False),
                                                                ("f", False)]
    assert {r["cluster_id"] for r in dec.clusters} == {"d:a"}
    assert dec.stats["exact_duplicates"] == 1 and dec.stats["near_duplicates"] == 2


def test_keep_longest_and_best(tmp_path: Path) -> None:
    rng = random.Random(2)
    a = prose(rng, 200)
    longer = a + " " + prose(rng, 5)
    dec = run(make_stage(keep="longest"), ["a", "z"], [a, longer], tmp_path)
    assert dec.per_doc["a"].duplicate_of == "z"
    junk = a + "\n" + "\n".join(["menu 1234 5678"] * 6)
    dec = run(make_stage(keep="best"), ["junk", "clean"], [junk, a], tmp_path)
    assert set(dec.per_doc) == {"junk"} and dec.per_doc["junk"].duplicate_of == "clean"
    dec = run(make_stage(keep="first"), ["junk", "clean"], [junk, a], tmp_path)
    assert set(dec.per_doc) == {"clean"}


def test_quality_score_factors() -> None:
    prose_text = "The cat sat on the mat and looked out of the window."
    assert quality_score(prose_text, 12, 12, 41) == 1.0
    assert quality_score(prose_text, 12, 6, 41) == 0.5                     # half the words are not letters
    assert quality_score("a\na\nb\nc", 4, 4, 4) < 1.0                      # repeated lines
    assert quality_score("x", 10, 10, 250) == 0.0                           # 25-character "words"
    assert quality_score("", 0, 0, 0) == 0.0


def test_empty_texts_are_left_alone(tmp_path: Path) -> None:
    dec = run(make_stage(), ["x", "y", "z"], ["", "  ...  ", "some words here"], tmp_path)
    assert dec.per_doc == {} and dec.clusters == []


def test_exact_pass_off_still_finds_copies(tmp_path: Path) -> None:
    text = prose(random.Random(3), 100)
    dec = run(make_stage(exact=False), ["a", "b"], [text, text.upper()], tmp_path)
    assert dec.per_doc["b"].reason == "near_duplicate" and dec.per_doc["b"].similarity == 1.0


def test_signature_verification(tmp_path: Path) -> None:
    rng = random.Random(4)
    a = prose(rng, 300)
    dec = run(make_stage(verify="signature"), ["a", "b", "c"], [a, a + " extra words", prose(rng, 300)], tmp_path)
    assert set(dec.per_doc) == {"b"} and "MinHash estimate" in dec.per_doc["b"].detail


def test_bad_layout_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="exceeds num_perm"):
        make_stage(bands=20, rows=10)


def test_apply_returns_the_drop() -> None:
    stage = make_stage()
    drop = Drop("dedup", "near_duplicate", "", "a", 0.9)
    doc = Document(id="b", text="x", source="s")
    assert stage.apply(doc, drop) is drop and stage.apply(doc, None) is None


# ---------------------------------------------------------------- invariants

@st.composite
def corpora(draw) -> list[str]:
    """A few base texts, each with variants (edits at random rates), shuffled."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    texts = []
    for _ in range(draw(st.integers(1, 5))):
        base = prose(rng, rng.randint(3, 80)).split()
        texts.append(" ".join(base))
        for _ in range(rng.randint(0, 4)):
            words = list(base)
            for _ in range(int(len(words) * rng.choice([0, 0.02, 0.05, 0.1, 0.3]))):
                words[rng.randrange(len(words))] = rng.choice(VOCAB)
            texts.append(" ".join(words[: rng.randint(max(1, len(words) // 2), len(words))]))
    rng.shuffle(texts)
    return texts


def check_invariants(dec: Decisions, ids: list[str], texts: list[str], threshold: float) -> None:
    by_id = dict(zip(ids, texts))
    clusters: dict[str, list[dict]] = {}
    for row in dec.clusters:
        clusters.setdefault(row["cluster_id"], []).append(row)
    members = [row["doc_id"] for row in dec.clusters]
    assert len(members) == len(set(members))  # clusters partition their members
    for rows in clusters.values():
        kept = [r["doc_id"] for r in rows if r["kept"]]
        assert len(kept) == 1 and dec.duplicate_counts[kept[0]] == len(rows)
        for r in rows:
            if not r["kept"]:
                drop = dec.per_doc[r["doc_id"]]
                assert drop.duplicate_of == kept[0] and kept[0] not in dec.per_doc
                assert jaccard(by_id[r["doc_id"]], by_id[kept[0]]) >= threshold - 1e-9
                assert drop.similarity == pytest.approx(jaccard(by_id[r["doc_id"]], by_id[kept[0]]), abs=1e-3)
    assert set(dec.per_doc) == {r["doc_id"] for r in dec.clusters if not r["kept"]}


def oracle_star(texts: list[str], threshold: float) -> dict[int, int]:
    """Keep-first star clustering over exact Jaccard of every pair."""
    owner: dict[int, int] = {}
    for k in range(len(texts)):
        if k in owner or not shingles(texts[k]):
            continue
        for m in range(k + 1, len(texts)):
            if m not in owner and shingles(texts[m]) and jaccard(texts[k], texts[m]) >= threshold:
                owner[m] = k
    return owner


def canonical(dec: Decisions) -> tuple:
    drops = sorted((k, v.duplicate_of, v.reason, round(v.similarity, 9)) for k, v in dec.per_doc.items())
    rows = sorted(tuple(sorted(r.items())) for r in dec.clusters)
    return drops, rows, sorted(dec.duplicate_counts.items())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora(), st.sampled_from([0.5, 0.8, 0.9]), st.integers(1, 7))
def test_star_clusters_equal_the_oracle(tmp_path: Path, texts: list[str], threshold: float, batch: int) -> None:
    """With one-row bands every pair at the threshold is a candidate: the result is exact."""
    ids = [f"id{i:03d}" for i in range(len(texts))]
    dec = run(make_stage(threshold=threshold, bands=128, rows=1), ids, texts, tmp_path, batch)
    check_invariants(dec, ids, texts, threshold)
    expected = {ids[m]: ids[k] for m, k in oracle_star(texts, threshold).items()}
    assert {k: v.duplicate_of for k, v in dec.per_doc.items()} == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora(), st.sampled_from(["first", "longest", "best"]), st.integers(1, 5), st.randoms(use_true_random=False))
def test_batching_and_order_do_not_matter(tmp_path: Path, texts: list[str], keep: str, batch: int,
                                          rng: random.Random) -> None:
    ids = [f"id{i:03d}" for i in range(len(texts))]
    stage = make_stage(keep=keep)
    one = run(stage, ids, texts, tmp_path, batch=len(texts) or 1)
    check_invariants(one, ids, texts, 0.8)
    assert canonical(run(stage, ids, texts, tmp_path, batch)) == canonical(one)
    if keep != "first":
        order = list(range(len(texts)))
        rng.shuffle(order)
        shuffled = run(stage, [ids[i] for i in order], [texts[i] for i in order], tmp_path, batch)
        assert canonical(shuffled) == canonical(one)


def test_spill_files_are_removed(tmp_path: Path) -> None:
    run(make_stage(), ["a", "b"], ["one two three", "one two three four"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_many_template_copies_stay_linear(tmp_path: Path) -> None:
    """1,000 near-identical template pages: one cluster, bounded candidates."""
    rng = random.Random(7)
    template = prose(rng, 150)
    texts = [template + f" page {i} " + prose(rng, 3) for i in range(1000)]
    ids = [f"p{i:04d}" for i in range(1000)]
    dec = run(make_stage(), ids, texts, tmp_path, batch=250)
    assert dec.duplicate_counts == {"p0000": 1000}
    bands = dec.stats["bands"]
    assert dec.stats["candidates"] <= 64 * bands * 1000  # the guarantee: max_partners per bucket
    assert dec.stats["candidates"] < 150_000  # in practice: far below the 499,500 pairs of the bucket
    assert np.isclose(min(d.similarity for d in dec.per_doc.values()), 0.9, atol=0.1)
