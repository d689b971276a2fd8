"""Shingles, signatures and verification kernels: one API over two bit-identical backends.

The C extension `cleaner._native` is used when it was built; otherwise the numpy twin in
`cleaner.dedup.reference` (which also specifies every hash). `BACKEND` says which one is
active; set the environment variable `CLEANER_NATIVE=0` to force the reference.

Signatures are one-permutation MinHash (OPH) with optimal densification: each shingle is
hashed once, its high bits pick one of `num_perm` bins and its low 32 bits compete for that
bin's minimum; empty bins copy a deterministic pseudo-random non-empty bin. Cost no longer
grows with `num_perm` (classic MinHash hashes every shingle `num_perm` times), and on
documents with more shingles than bins the estimate is as accurate as classic MinHash
(see `benchmarks/dedup_accuracy.py --signature-study`). Values are uint32, so a signature
row is also a valid datasketch "affine32" `LeanMinHash` (`to_datasketch`).

Shingle sets (for exact Jaccard) keep the low 32 bits of each 64-bit shingle hash: half the
disk and I/O of 64 bits, at the cost of ~1e-4 spurious shared shingles between two
700-shingle documents, i.e. a Jaccard error below 1e-6.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from cleaner.dedup import reference

log = logging.getLogger(__name__)
_FUNCTIONS = ("sketch", "word_hashes", "pieces", "anchors", "intersect", "verify_sets", "align_pairs",
              "star_verify", "star_assign")


def _load_native() -> ModuleType | None:
    """The extension, unless disabled, not built, or built from an older native.c."""
    if os.environ.get("CLEANER_NATIVE", "1") == "0":
        return None
    try:
        from cleaner import _native  # type: ignore[attr-defined]
    except ImportError:
        _native = None
    if getattr(_native, "__file__", None) is None:  # not built, or a leftover folder
        log.info("cleaner._native is not built (no C compiler at install); using the NumPy kernel: "
                 "bit-identical results, slower")
        return None
    missing = [name for name in _FUNCTIONS if not hasattr(_native, name)]
    if missing:
        log.warning("cleaner._native is stale (lacks %s); using the slower reference kernels. "
                    "Rebuild it: python setup.py build_ext --inplace", ", ".join(missing))
        return None
    return _native


_NATIVE = _load_native()
#: "native" or "reference": the backend the public functions use.
BACKEND = "native" if _NATIVE is not None else "reference"
_BACKENDS: dict[str, Any] = {"reference": reference}
if _NATIVE is not None:
    _BACKENDS["native"] = _NATIVE

#: Seed of the signature hash; part of the signature's identity (as datasketch's `seed`).
DEFAULT_SEED = 1


def backends() -> tuple[str, ...]:
    """Names of the importable backends ("native" first when built)."""
    return tuple(name for name in ("native", "reference") if name in _BACKENDS)


def native_function(name: str) -> Any:
    """A function of the native extension by name, or None (not built, disabled, or older)."""
    return getattr(_NATIVE, name, None) if BACKEND == "native" else None


def _impl(backend: str | None) -> Any:
    return _BACKENDS[backend or BACKEND]


@dataclass(slots=True)
class Sketch:
    """Per-text summaries of a batch, all numpy.

    `signatures` (n, num_perm) uint32 (None when not asked for); `exact` (n, 2) uint64, the
    128-bit key of the normalised token sequence; shingle sets in CSR form: the set of text
    i is `set_values[set_offsets[i]:set_offsets[i + 1]]` (sorted unique uint32; empty arrays
    when not asked for); `words`, `alpha_words`, `word_chars` (n,) int64 token statistics.
    """

    signatures: np.ndarray | None
    exact: np.ndarray
    set_values: np.ndarray
    set_offsets: np.ndarray
    words: np.ndarray
    alpha_words: np.ndarray
    word_chars: np.ndarray

    def shingle_set(self, i: int) -> np.ndarray:
        """The sorted shingle set of text `i`."""
        return self.set_values[self.set_offsets[i] : self.set_offsets[i + 1]]


def sketch_texts(texts: list[str], ngram: int = 5, num_perm: int = 128, seed: int = DEFAULT_SEED,
                 sets: bool = True, signatures: bool = True, backend: str | None = None) -> Sketch:
    """Tokenise, shingle and sketch every text (see the module docstring for the hashes)."""
    sigs, exact, values, offsets, stats = _impl(backend).sketch(list(texts), ngram, num_perm, seed, sets, signatures)
    n = len(texts)
    st = np.frombuffer(stats, dtype=np.int64).reshape(n, 3)
    return Sketch(
        signatures=np.frombuffer(sigs, dtype=np.uint32).reshape(n, num_perm) if signatures else None,
        exact=np.frombuffer(exact, dtype=np.uint64).reshape(n, 2),
        set_values=np.frombuffer(values, dtype=np.uint32),
        set_offsets=np.frombuffer(offsets, dtype=np.int64),
        words=st[:, 0].copy(),
        alpha_words=st[:, 1].copy(),
        word_chars=st[:, 2].copy(),
    )


def word_hashes(texts: list[str], backend: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every word of every text, and offsets: text i owns `hashes[off[i]:off[i+1]]`."""
    hashes, offsets = _impl(backend).word_hashes(list(texts))
    return np.frombuffer(hashes, dtype=np.uint64), np.frombuffer(offsets, dtype=np.int64)


@dataclass(slots=True)
class Pieces:
    """Sentence pieces of a batch of texts (see `reference.pieces` for the rules).

    Piece k is `texts[doc[k]][start[k]:end[k]]`; `line_first[k]` tells whether it begins a
    line; its word hashes are `words[offsets[k]:offsets[k + 1]]`.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    line_first: np.ndarray
    offsets: np.ndarray
    words: np.ndarray


def pieces(texts: list[str], max_words: int, backend: str | None = None) -> Pieces:
    """Cut texts into sentence pieces of at most `max_words` words and hash their words."""
    doc, start, end, first, count, words = _impl(backend).pieces(list(texts), max_words)
    counts = np.frombuffer(count, dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Pieces(np.frombuffer(doc, np.int64), np.frombuffer(start, np.int64), np.frombuffer(end, np.int64),
                  np.frombuffer(first, np.uint8).astype(bool), offsets, np.frombuffer(words, np.uint64))


def anchors(words: np.ndarray, starts: np.ndarray, counts: np.ndarray, ngram: int, window: int,
            backend: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Winnowed shingle keys of word ranges ("units"): (uint32 key, uint32 unit index) rows.

    Unit u covers `words[starts[u]:starts[u] + counts[u]]`. In every window of `window`
    consecutive shingles the rightmost minimal hash is an anchor, so two units sharing a run
    of `window + ngram - 1` words are guaranteed to share an anchor key.
    """
    w = np.ascontiguousarray(words, dtype=np.uint64)
    s = np.ascontiguousarray(starts, dtype=np.int64)
    c = np.ascontiguousarray(counts, dtype=np.int64)
    keys, units = _impl(backend).anchors(w, s, c, ngram, window)
    return np.frombuffer(keys, dtype=np.uint32), np.frombuffer(units, dtype=np.uint32)


def intersect_size(a: np.ndarray, b: np.ndarray, backend: str | None = None) -> int:
    """|a ∩ b| of two sorted unique uint32 arrays."""
    return int(_impl(backend).intersect(np.ascontiguousarray(a, np.uint32), np.ascontiguousarray(b, np.uint32)))


def jaccard(a: np.ndarray, b: np.ndarray, backend: str | None = None) -> float:
    """Exact Jaccard similarity of two sorted shingle sets (1.0 for two empty sets)."""
    inter = intersect_size(a, b, backend)
    union = len(a) + len(b) - inter
    return inter / union if union else 1.0


def containment(a: np.ndarray, b: np.ndarray, backend: str | None = None) -> float:
    """|a ∩ b| / |a|: how much of `a` lies inside `b` (1.0 for an empty `a`)."""
    return intersect_size(a, b, backend) / len(a) if len(a) else 1.0


def _pair_arrays(offsets, lengths, left, right) -> tuple[np.ndarray, ...]:
    return tuple(np.ascontiguousarray(x, dtype=np.int64) for x in (offsets, lengths, left, right))


def verify_sets(fd: int, offsets, lengths, left, right, backend: str | None = None) -> np.ndarray:
    """Intersection sizes of pairs of shingle sets stored in a spill file (uint32 items).

    Item k is `lengths[k]` uint32 values at element offset `offsets[k]`; each is read with
    pread, so the file is never mapped or loaded whole. Sort pairs by `left` for speed.
    """
    args = _pair_arrays(offsets, lengths, left, right)
    return np.frombuffer(_impl(backend).verify_sets(fd, *args), dtype=np.int64)


def align_pairs(fd: int, offsets, lengths, left, right, backend: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(longest common subsequence, longest common run) in words of pairs of spilled units."""
    args = _pair_arrays(offsets, lengths, left, right)
    out = np.frombuffer(_impl(backend).align_pairs(fd, *args), dtype=np.int32).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def star_verify(fd: int, offsets, lengths, left, right, owner: np.ndarray, sim: np.ndarray, mode: str,
                threshold: float, min_run: int = 0, cover_longer: float = 0.0, backend: str | None = None, *,
                common: np.ndarray | None = None, min_informative: int = 0, whole_cover: float = 1.0,
                whole_words: int = 0) -> int:
    """Star clustering with lazy verification against a spill file; returns pairs verified.

    Edges (left, right) must be sorted by the left end's priority (chunks of a longer
    sorted list may come in successive calls). An edge is verified only while neither end
    is assigned, i.e. when its left end is a keeper; on success `owner[right] = left` and
    `sim[right]` is set (both arrays updated in place). With duplicate-heavy input this
    verifies each document once instead of every candidate pair. `mode` "jaccard": sets
    Jaccard >= threshold; "passage": the alignment rule of `cleaner.dedup.passage_matching`, where
    `common` (uint8, power-of-two length; None: no word is common) marks the uninformative
    words by `word & (len(common) - 1)`, and a pair needs `min_informative` informative
    aligned words unless it is a whole repeat (`whole_cover`, `whole_words`).
    """
    if owner.dtype != np.int64 or sim.dtype != np.float64 or not owner.flags.writeable:
        raise ValueError("owner must be a writable int64 array and sim a float64 array")
    table = np.zeros(1, np.uint8) if common is None else np.ascontiguousarray(common, dtype=np.uint8)
    code = {"jaccard": 0, "passage": 1}[mode]
    args = _pair_arrays(offsets, lengths, left, right)
    return int(_impl(backend).star_verify(fd, *args, owner, sim, code, float(threshold), int(min_run),
                                          float(cover_longer), table, int(min_informative), float(whole_cover),
                                          int(whole_words)))


def star_assign(left: np.ndarray, right: np.ndarray, n: int,
                backend: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Greedy star clustering over verified edges sorted by the left end's priority.

    Returns `owner` (n,) int64, the keeper each item joined or -1, and a bool per edge
    telling whether it made that assignment. An edge only counts when its left end is not
    itself assigned (it is a keeper); no chains through non-keepers.
    """
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    raw = np.frombuffer(_impl(backend).star_assign(left, right, n), dtype=np.uint8)
    owner = raw[: (n + 1) * 8].view(np.int64)[:n]
    return owner, raw[(n + 1) * 8 :].astype(bool)


def to_datasketch(signature: np.ndarray, seed: int = DEFAULT_SEED) -> Any:
    """A datasketch `LeanMinHash` over one signature row (scheme "affine32": uint32 values);
    needs datasketch (`pip install "cleaner[datasketch]"`)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme="affine32")


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Signature estimate of Jaccard: the fraction of equal bins (rows compared pairwise)."""
    return np.mean(np.asarray(sig_a) == np.asarray(sig_b), axis=-1)
