"""The hash kernels: pinned definitions, native == reference bit for bit, datasketch interop."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.dedup import kernels
from cleaner.dedup.spill import SpillFile

NATIVE = "native" in kernels.backends()
needs_native = pytest.mark.skipif(not NATIVE, reason="the C extension is not built")

_M64 = (1 << 64) - 1


def _mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _word_hash(word: str) -> int:
    h = 0xCBF29CE484222325
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & _M64
    return _mix64(h)


# Words drawn to hit every branch: ASCII, Latin-1, wide and astral letters, digits,
# underscores, the two characters str.lower() treats specially (U+0130, U+03A3).
_PIECES = ["the", "Quick", "BROWN", "fox_2", "naïve", "ÆØÅ", "straße", "İstanbul", "ΟΔΟΣ", "Σ", "日本語", "𝔘𝔫𝔦",
           "²³", "Ⅷ", "_", "42", "ǅ", "ﬁ", "\u0301e"]
_SEPS = [" ", "  ", "\n", ", ", ". ", "—", "\t", "!?", "’", "\u00a0", "\x00"]
texts_st = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=120),
    st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPS)), max_size=40).map(
        lambda parts: "".join(a + b for a, b in parts)),
)


def test_word_hash_is_fnv1a_then_splitmix64() -> None:
    hashes, offsets = kernels.word_hashes(["Hello, WORLD!"])
    assert hashes.tolist() == [_word_hash("hello"), _word_hash("world")]
    assert offsets.tolist() == [0, 2]


def test_pinned_values_do_not_drift() -> None:
    """Sketches are stored and compared across runs and machines: these values are a contract."""
    assert kernels.word_hashes(["hello world"])[0].tolist() == [1656767905311477007, 1347049952501568909]
    s = kernels.sketch_texts(["The quick brown fox jumps over the lazy dog"], ngram=5, num_perm=8)
    assert s.signatures.tolist() == [[1085231840, 2874603642, 1887248474, 2874603642, 1085231840, 2874603642,
                                      1085231840, 2874603642]]
    assert s.exact.tolist() == [[14416952041671093132, 9400843007086803642]]
    assert s.set_values.tolist() == [340676687, 1823078216, 2598771268, 4160854629, 4179742124]


@pytest.mark.parametrize("backend", kernels.backends())
def test_tokenisation_matches_re_findall(backend: str) -> None:
    text = "İstanbul ΟΔΟΣ straße x_1 ²³ naïve\u0301 — 日本語"
    words = re.findall(r"\w+", text.lower())
    assert kernels.word_hashes([text], backend)[0].tolist() == [_word_hash(w) for w in words]


@pytest.mark.parametrize("backend", kernels.backends())
def test_shingle_counts_and_empty_texts(backend: str) -> None:
    s = kernels.sketch_texts(["", "one two", "a b c d e f g", "!!!"], ngram=5, num_perm=16, backend=backend)
    sizes = np.diff(s.set_offsets).tolist()
    assert sizes == [0, 1, 3, 0]  # fewer than n words: one shingle of all of them
    assert s.words.tolist() == [0, 2, 7, 0]
    assert (s.signatures[0] == 0xFFFFFFFF).all() and (s.signatures[3] == 0xFFFFFFFF).all()
    assert (s.exact[0] == s.exact[3]).all()  # both have no words
    for i in range(4):
        values = s.shingle_set(i)
        assert (np.diff(values.astype(np.int64)) > 0).all()


def test_exact_key_ignores_case_punctuation_and_spacing() -> None:
    s = kernels.sketch_texts(["Hello, world. It's here!", "hello world   it S HERE", "hello world it is here"])
    assert (s.exact[0] == s.exact[1]).all()
    assert not (s.exact[0] == s.exact[2]).all()


def test_empty_batch() -> None:
    s = kernels.sketch_texts([], ngram=5, num_perm=32)
    assert s.signatures.shape == (0, 32) and s.exact.shape == (0, 2) and s.set_offsets.tolist() == [0]


def test_jaccard_and_containment() -> None:
    a = np.array([1, 2, 3, 4], np.uint32)
    b = np.array([3, 4, 5], np.uint32)
    assert kernels.jaccard(a, b) == pytest.approx(2 / 5)
    assert kernels.containment(b, a) == pytest.approx(2 / 3)
    assert kernels.jaccard(a[:0], b[:0]) == 1.0


@needs_native
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts_st, max_size=6), st.integers(1, 6), st.sampled_from([1, 7, 16, 64]))
def test_native_sketch_equals_reference(texts: list[str], ngram: int, num_perm: int) -> None:
    a = kernels.sketch_texts(texts, ngram, num_perm, backend="native")
    b = kernels.sketch_texts(texts, ngram, num_perm, backend="reference")
    for name in a.__slots__:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@needs_native
def test_native_words_equal_reference_on_every_code_point() -> None:
    points = [c for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    texts = [" ".join("a" + chr(c) + "B" + chr(c) for c in points[i : i + 20000]) for i in range(0, len(points), 20000)]
    texts += ["".join(chr(c) for c in points[i : i + 20000]) for i in range(0, len(points), 20000)]
    for x, y in zip(kernels.word_hashes(texts, "native"), kernels.word_hashes(texts, "reference")):
        assert np.array_equal(x, y)


_SENTENCE_BITS = ["Dr.", "end.", "Why?", "Yes!", "wait…", "“Quoted.”", "(aside.)", "x.y", "İ.", "\n", "\n\n", " ",
                  "\u00a0", "\t", "\r\n", "words here", "ΣΑΣ", "12.5", "。", "！", "_", "\u2028"]
pieces_st = st.lists(st.sampled_from(_SENTENCE_BITS), max_size=60).map("".join)


@needs_native
@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(pieces_st, texts_st), max_size=5), st.integers(1, 6))
def test_native_pieces_equal_reference(texts: list[str], max_words: int) -> None:
    a = kernels.pieces(texts, max_words, backend="native")
    b = kernels.pieces(texts, max_words, backend="reference")
    for name in a.__slots__:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_pieces_rules() -> None:
    text = "Dr. Who came. “Really?” she asked!\n\n  Next line\twith tab. x.y stays " + "w " * 5
    p = kernels.pieces([text], max_words=3)
    got = [(text[s:e], bool(f)) for s, e, f in zip(p.start, p.end, p.line_first)]
    assert got == [("Dr.", True), ("Who came.", False), ("“Really?”", False), ("she asked!", False),
                   ("Next line\twith", True), ("tab.", False), ("x.y stays", False), ("w w w", False),
                   ("w w", False)]
    assert np.diff(p.offsets).tolist() == [1, 2, 1, 2, 3, 1, 3, 3, 2]


@needs_native
@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), max_size=30), min_size=1, max_size=8), st.integers(1, 5),
       st.integers(1, 6))
def test_native_anchors_equal_reference(units: list[list[int]], ngram: int, window: int) -> None:
    words = np.array([v * 0x9E3779B97F4A7C15 % (1 << 64) for u in units for v in u], dtype=np.uint64)
    counts = np.array([len(u) for u in units], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    a = kernels.anchors(words, starts, counts, ngram, window, backend="native")
    b = kernels.anchors(words, starts, counts, ngram, window, backend="reference")
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_anchors_guarantee_shared_runs() -> None:
    """Two units sharing a run of window + ngram - 1 words share an anchor key."""
    rng = np.random.default_rng(5)
    for _ in range(50):
        core = rng.integers(0, 1 << 63, 8, dtype=np.uint64)
        a = np.concatenate([rng.integers(0, 1 << 63, rng.integers(0, 9), dtype=np.uint64), core])
        b = np.concatenate([core, rng.integers(0, 1 << 63, rng.integers(0, 9), dtype=np.uint64)])
        words = np.concatenate([a, b])
        keys, unit = kernels.anchors(words, np.array([0, len(a)]), np.array([len(a), len(b)]), ngram=5, window=4)
        assert set(keys[unit == 0].tolist()) & set(keys[unit == 1].tolist())


@pytest.fixture
def spill(tmp_path):
    items = [[1, 5, 9], [5, 9, 12, 13], [], [7], [1, 5, 9]]
    f = SpillFile(tmp_path / "sets.u32")
    values = np.array([v for item in items for v in item], np.uint32)
    offsets = np.concatenate(([0], np.cumsum([len(i) for i in items])))
    f.append_csr(values, offsets)
    f.flush()
    yield f
    f.close()


@pytest.mark.parametrize("backend", kernels.backends())
def test_verify_sets_from_spill(spill: SpillFile, backend: str) -> None:
    left, right = np.array([0, 0, 1, 2, 0]), np.array([1, 4, 3, 3, 2])
    inter = kernels.verify_sets(spill.fileno(), spill.offsets, spill.lengths, left, right, backend)
    assert inter.tolist() == [2, 3, 0, 0, 0]


@pytest.mark.parametrize("backend", kernels.backends())
def test_align_pairs_lcs_and_run(spill: SpillFile, backend: str) -> None:
    lcs, run = kernels.align_pairs(spill.fileno(), spill.offsets, spill.lengths, np.array([0, 1, 0]),
                                   np.array([1, 0, 2]), backend)
    assert lcs.tolist() == [2, 2, 0] and run.tolist() == [2, 2, 0]


def test_verify_rejects_out_of_range_pairs(spill: SpillFile) -> None:
    with pytest.raises(IndexError):
        kernels.verify_sets(spill.fileno(), spill.offsets, spill.lengths, np.array([0]), np.array([9]))


@pytest.mark.parametrize("backend", kernels.backends())
def test_star_assign_no_chains(backend: str) -> None:
    # 0 claims 1 and 2; 1 is not a keeper, so its edge to 3 does not count; 3 claims 4.
    owner, claimed = kernels.star_assign(np.array([0, 0, 1, 3]), np.array([1, 2, 3, 4]), 5, backend)
    assert owner.tolist() == [-1, 0, 0, -1, 3]
    assert claimed.tolist() == [True, True, False, True]


@pytest.mark.parametrize("backend", kernels.backends())
def test_star_verify_is_lazy_and_exact(spill: SpillFile, backend: str) -> None:
    # items 0 and 4 are equal sets, 1 shares 2 of the 5 values of 0 and 1; chunked calls share state
    owner, sim = np.full(5, -1, np.int64), np.zeros(5)
    args = (spill.fileno(), spill.offsets, spill.lengths)
    checked = kernels.star_verify(*args, np.array([0, 0]), np.array([1, 4]), owner, sim, "jaccard", 0.4,
                                  backend=backend)
    checked += kernels.star_verify(*args, np.array([1, 4]), np.array([3, 3]), owner, sim, "jaccard", 0.4,
                                   backend=backend)
    assert owner.tolist() == [-1, 0, -1, -1, 0] and sim.tolist() == [0, 0.4, 0, 0, 1.0]
    assert checked == 2  # edges from 1 and 4 (claimed, so not keepers) are never checked


@needs_native
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(0, 5), max_size=12), min_size=2, max_size=10), st.data())
def test_native_star_verify_equals_reference(tmp_path, items: list[list[int]], data) -> None:
    n = len(items)
    pairs = sorted(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30)))
    left, right = np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.int64)
    # passages compare word sequences; documents compare sorted unique sets
    for mode, threshold, min_run, cover in (("passage", 0.5, 2, 0.4), ("jaccard", 0.3, 0, 0.0)):
        data_items = items if mode == "passage" else [sorted(set(i)) for i in items]
        f = SpillFile(tmp_path / f"{mode}.u32")
        offsets = np.concatenate(([0], np.cumsum([len(i) for i in data_items])))
        f.append_csr(np.array([v for i in data_items for v in i], np.uint32), offsets)
        f.flush()
        results = []
        for backend in ("native", "reference"):
            owner, sim = np.full(n, -1, np.int64), np.zeros(n)
            checked = kernels.star_verify(f.fileno(), f.offsets, f.lengths, left, right, owner, sim, mode,
                                          threshold, min_run, cover, backend)
            results.append((owner.tolist(), sim.tolist(), checked))
        f.close()
        assert results[0] == results[1]


def test_datasketch_lsh_finds_the_same_candidates() -> None:
    from datasketch import MinHashLSH

    from cleaner.dedup import lsh

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(300)]
    base = [" ".join(rng.choice(vocab, 120)) for _ in range(30)]
    texts = base + [" ".join(t.split()[: 100 + i % 20]) for i, t in enumerate(base)]
    sk = kernels.sketch_texts(texts, 5, 128)
    bands, rows = lsh.choose_layout(0.8, 128)
    index = MinHashLSH(num_perm=128, params=(bands, rows))
    minhashes = [kernels.to_datasketch(sig) for sig in sk.signatures]
    for i, m in enumerate(minhashes):
        index.insert(i, m)
    theirs = {(min(i, j), max(i, j)) for i, m in enumerate(minhashes) for j in index.query(m) if j != i}
    keys = lsh.band_keys(sk.signatures, bands, rows)
    left, right = lsh.candidate_pairs(keys, np.arange(len(texts)), np.ones(len(texts), bool), max_partners=10**6)
    ours = {(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist())}
    assert ours == theirs and len(ours) >= 30
    assert minhashes[0].jaccard(minhashes[30]) == pytest.approx(kernels.estimate_jaccard(sk.signatures[0],
                                                                                         sk.signatures[30]))
