"""Pure-Python/numpy twin of the C kernel `cleaner._native`, bit for bit.

Each function here has the same name, arguments and return layout (buffers) as its C
counterpart, so `kernels` can wrap either one the same way; the test suite runs both on
random text and compares the bytes. This module is the specification of the hashes:

- words: `re.findall(r"\\w+", text.lower())` (sre's word class: `_` or alphanumeric);
- word hash: `mix64(FNV-1a-64(word.encode("utf-8")))`, `mix64` the splitmix64 finaliser;
- shingle hash of consecutive word hashes w1..wn: `mix64(SHINGLE_SEED ^ P)` with the
  polynomial `P = sum(wk * SHINGLE_MULT**(n-k))` in wrapping uint64 (the C code rolls it);
- signature: one-permutation hashing of `h = mix64(shingle ^ mix64(seed))` (bin from the
  high 32 bits by multiply-shift, value = low 32 bits, minimum per bin) with the optimal
  densification of Shrivastava (2017) for empty bins;
- shingle set: sorted unique low 32 bits of the shingle hashes;
- exact key: two chained 64-bit hashes of the word hash sequence and its length.

It is also the fallback when the extension is not built: correct, several times slower.
"""

from __future__ import annotations

import os
import re

import numpy as np

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
SHINGLE_SEED = 0x9E3779B97F4A7C15
SHINGLE_MULT = 0xD6E8FEB86659FD93
EXACT_SEED_A = 0x243F6A8885A308D3
EXACT_SEED_B = 0x13198A2E03707344
DENSIFY_SEED = 0xA4093822299F31D0
EMPTY_BIN = 0xFFFFFFFF

_U64 = np.uint64
_WORD = re.compile(r"\w+")
#: A `common` table that marks no word as common: every word is informative.
_NO_COMMON_WORDS = np.zeros(1, dtype=np.uint8)


def mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    z = np.asarray(z, dtype=_U64)
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def mix64_int(z: int) -> int:
    """mix64 of one Python int (for seeds)."""
    return int(mix64(np.array([z & 0xFFFFFFFFFFFFFFFF], dtype=_U64))[0])


def words_of(text: str) -> list[str]:
    """The tokenisation every kernel shares."""
    return _WORD.findall(text.lower())


def hash_words(words: list[str]) -> np.ndarray:
    """FNV-1a-64 + mix64 of each word's UTF-8 bytes, vectorised over words by byte position."""
    n = len(words)
    if n == 0:
        return np.zeros(0, dtype=_U64)
    data = [w.encode("utf-8") for w in words]
    lens = np.fromiter((len(b) for b in data), dtype=np.int64, count=n)
    order = np.argsort(-lens, kind="stable")
    buf = np.frombuffer(b"".join(data), dtype=np.uint8)
    starts = (np.cumsum(lens) - lens)[order]
    sorted_lens = lens[order]
    h = np.full(n, FNV_OFFSET, dtype=_U64)
    prime = _U64(FNV_PRIME)
    for k in range(int(sorted_lens[0])):
        active = int(np.searchsorted(-sorted_lens, -k, side="left"))  # words longer than k
        h[:active] = (h[:active] ^ buf[starts[:active] + k].astype(_U64)) * prime
    out = np.empty(n, dtype=_U64)
    out[order] = mix64(h)
    return out


def shingle_hashes(w: np.ndarray, ngram: int) -> np.ndarray:
    """Hashes of the word n-grams of one text (one shingle of all words if fewer than n)."""
    nw = len(w)
    if nw == 0:
        return np.zeros(0, dtype=_U64)
    gram = min(ngram, nw)
    ns = nw - gram + 1
    p = np.zeros(ns, dtype=_U64)
    for k in range(gram):
        p = p * _U64(SHINGLE_MULT) + w[k : k + ns]
    return mix64(p ^ _U64(SHINGLE_SEED))


def _probe(bins: np.ndarray, attempt: int, num_perm: int, seedmix: int) -> np.ndarray:
    r = mix64((bins.astype(_U64) << _U64(32)) ^ _U64(DENSIFY_SEED ^ seedmix ^ attempt))
    return ((r >> _U64(32)) * _U64(num_perm)) >> _U64(32)


def oph_signature(shingles: np.ndarray, num_perm: int, seedmix: int) -> np.ndarray:
    """One-permutation MinHash with optimal densification of one shingle array."""
    sig = np.full(num_perm, EMPTY_BIN, dtype=np.uint32)
    if len(shingles) == 0:
        return sig
    h = mix64(shingles ^ _U64(seedmix))
    bins = ((h >> _U64(32)) * _U64(num_perm)) >> _U64(32)
    np.minimum.at(sig, bins.astype(np.intp), (h & _U64(0xFFFFFFFF)).astype(np.uint32))
    filled = np.zeros(num_perm, dtype=bool)
    filled[bins.astype(np.intp)] = True
    out = sig.copy()
    pending = np.flatnonzero(~filled)
    attempt = 1
    while pending.size:
        j = _probe(pending, attempt, num_perm, seedmix).astype(np.intp)
        ok = filled[j]
        out[pending[ok]] = sig[j[ok]]
        pending = pending[~ok]
        attempt += 1
    return out


def _exact_keys(words: list[np.ndarray]) -> np.ndarray:
    """Chained hashes of each word sequence, vectorised across texts by word position."""
    n = len(words)
    lens = np.fromiter((len(w) for w in words), dtype=np.int64, count=n)
    order = np.argsort(-lens, kind="stable")
    flat = np.concatenate(words) if n else np.zeros(0, dtype=_U64)
    starts = (np.cumsum(lens) - lens)[order]
    sorted_lens = lens[order]
    a = np.full(n, EXACT_SEED_A, dtype=_U64)
    b = np.full(n, EXACT_SEED_B, dtype=_U64)
    for k in range(int(sorted_lens[0]) if n else 0):
        active = int(np.searchsorted(-sorted_lens, -k, side="left"))
        w = flat[starts[:active] + k]
        a[:active] = mix64(a[:active] ^ w)
        b[:active] = mix64(b[:active] ^ ((w << _U64(32)) | (w >> _U64(32))))
    n_words = sorted_lens.astype(_U64)
    out = np.empty((n, 2), dtype=_U64)
    out[order, 0] = mix64(a ^ n_words)
    out[order, 1] = mix64(b + n_words)
    return out


def sketch(texts: list[str], ngram: int, num_perm: int, seed: int, want_sets: bool = True,
           want_sigs: bool = True) -> tuple:
    """Reference of `_native.sketch`: (sigs, exact, set_values, set_offsets, stats)."""
    if ngram < 1 or not 1 <= num_perm <= 65536:
        raise ValueError("ngram must be >= 1 and num_perm in 1..65536")
    seedmix = mix64_int(seed)
    tokens = [words_of(t) for t in texts]
    hashed = [hash_words(ws) for ws in tokens]
    sigs, sets, offsets, stats = [], [], [0], []
    for ws, w in zip(tokens, hashed):
        stats.append((len(ws), sum(x.isalpha() for x in ws), sum(len(x) for x in ws)))
        sh = shingle_hashes(w, ngram)
        if want_sigs:
            sigs.append(oph_signature(sh, num_perm, seedmix))
        if want_sets:
            sets.append(np.unique((sh & _U64(0xFFFFFFFF)).astype(np.uint32)))
        offsets.append(offsets[-1] + (len(sets[-1]) if want_sets else 0))
    return (
        np.concatenate(sigs) if sigs else np.zeros(0, np.uint32),
        _exact_keys(hashed).reshape(-1),
        np.concatenate(sets) if sets else np.zeros(0, np.uint32),
        np.array(offsets, dtype=np.int64),
        np.array(stats, dtype=np.int64).reshape(-1),
    )


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Reference of `_native.word_hashes`: all word hashes, and each text's offsets."""
    hashed = [hash_words(words_of(t)) for t in texts]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(h) for h in hashed])
    return (np.concatenate(hashed) if hashed else np.zeros(0, _U64)), offsets


_BREAK = re.compile(r"\n|[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*(?=[^\S\n])")


def _chunks(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Trimmed text[start:end]; if it has more than max_words words, cut before every
    max_words-th \\w+ run of the original text, each chunk right-trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return []
    if len(words_of(text[start:end])) <= max_words:
        return [(start, end)]
    cuts = [m.start() for m in _WORD.finditer(text, start, end)][max_words::max_words]
    bounds = [start, *cuts, end]
    return [(a, a + len(text[a:b].rstrip())) for a, b in zip(bounds, bounds[1:])]


def pieces(texts: list[str], max_words: int) -> tuple:
    """Reference of `_native.pieces`: sentence pieces of passage dedup, with their words.

    A piece ends at a line break, or after a run of terminal punctuation (. ! ? … 。 ！ ？)
    and closing quotes or brackets when horizontal white space follows; pieces are trimmed
    of white space; a piece with more than `max_words` words is cut before every
    max_words-th word (\\w+ run) of the original text. Returns (doc, start, end, line_first, word count, word hashes).
    """
    if max_words < 1:
        raise ValueError("max_words must be >= 1")
    rows: list[tuple[int, int, int, bool]] = []
    for d, text in enumerate(texts):
        pos, line_start = 0, True
        for m in _BREAK.finditer(text):
            newline = m.group() == "\n"
            spans = _chunks(text, pos, m.start() if newline else m.end(), max_words)
            rows.extend((d, a, b, line_start and k == 0) for k, (a, b) in enumerate(spans))
            line_start = newline or (line_start and not spans)
            pos = m.end()
        spans = _chunks(text, pos, len(text), max_words)
        rows.extend((d, a, b, line_start and k == 0) for k, (a, b) in enumerate(spans))
    hashes, offsets = word_hashes([texts[d][a:b] for d, a, b, _ in rows])
    col = list(zip(*rows)) if rows else [(), (), (), ()]
    return (np.array(col[0], np.int64), np.array(col[1], np.int64), np.array(col[2], np.int64),
            np.array(col[3], np.uint8), np.diff(offsets), hashes)


def _winnow(sh: np.ndarray, window: int) -> np.ndarray:
    """Positions of the rightmost minimum of every window, consecutive repeats removed."""
    if len(sh) <= window:
        return np.array([len(sh) - 1 - int(np.argmin(sh[::-1]))])
    views = np.lib.stride_tricks.sliding_window_view(sh, window)
    pos = np.arange(len(views)) + window - 1 - np.argmin(views[:, ::-1], axis=1)
    keep = np.ones(len(pos), dtype=bool)
    keep[1:] = pos[1:] != pos[:-1]
    return pos[keep]


def anchors(words: np.ndarray, starts: np.ndarray, counts: np.ndarray, ngram: int, window: int) -> tuple:
    """Reference of `_native.anchors`: winnowed shingle keys (high 32 bits) per unit."""
    if ngram < 1 or window < 1:
        raise ValueError("ngram and window must be >= 1")
    words = np.frombuffer(words, dtype=_U64)
    keys, units = [], []
    for u, (start, count) in enumerate(zip(np.frombuffer(starts, np.int64), np.frombuffer(counts, np.int64))):
        sh = shingle_hashes(words[start : start + count], ngram)
        if len(sh) == 0:
            continue
        picked = sh[_winnow(sh, window)]
        keys.append((picked >> _U64(32)).astype(np.uint32))
        units.append(np.full(len(picked), u, dtype=np.uint32))
    if not keys:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    return np.concatenate(keys), np.concatenate(units)


def intersect(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted uint32 arrays (as multisets, like a merge)."""
    va, ca = np.unique(np.frombuffer(a, np.uint32), return_counts=True)
    vb, cb = np.unique(np.frombuffer(b, np.uint32), return_counts=True)
    _, ia, ib = np.intersect1d(va, vb, assume_unique=True, return_indices=True)
    return int(np.minimum(ca[ia], cb[ib]).sum())


def _read(fd: int, offsets: np.ndarray, lengths: np.ndarray, k: int) -> np.ndarray:
    data = os.pread(fd, int(lengths[k]) * 4, int(offsets[k]) * 4)
    if len(data) != int(lengths[k]) * 4:
        raise OSError("short read from the spill file")
    return np.frombuffer(data, dtype=np.uint32)


def verify_sets(fd: int, offsets, lengths, left, right) -> np.ndarray:
    """Reference of `_native.verify_sets`: intersection sizes of spilled sets per pair."""
    offsets, lengths = np.frombuffer(offsets, np.int64), np.frombuffer(lengths, np.int64)
    left, right = np.frombuffer(left, np.int64), np.frombuffer(right, np.int64)
    out = np.zeros(len(left), dtype=np.int64)
    for i, (a, b) in enumerate(zip(left, right)):
        out[i] = intersect(_read(fd, offsets, lengths, a), _read(fd, offsets, lengths, b))
    return out


def align(x: np.ndarray, y: np.ndarray, common: np.ndarray = _NO_COMMON_WORDS) -> tuple[int, int, int]:
    """(longest common subsequence, longest common run, most informative common subsequence)
    of two word-hash sequences: the last is the largest number of informative words (those
    with `common[word & (len(common) - 1)] == 0`) that any common subsequence contains."""
    weight = (common[x & np.uint32(len(common) - 1)] == 0).astype(np.int64)
    lcs = np.zeros(len(y) + 1, dtype=np.int64)
    run = np.zeros(len(y) + 1, dtype=np.int64)
    info = np.zeros(len(y) + 1, dtype=np.int64)
    best = 0
    for xi, wi in zip(x, weight):
        eq = y == xi
        cand = np.where(eq, lcs[:-1] + 1, lcs[1:])
        lcs[1:] = np.maximum.accumulate(cand)
        run[1:] = np.where(eq, run[:-1] + 1, 0)
        info[1:] = np.maximum.accumulate(np.maximum(info[1:], np.where(eq, info[:-1] + wi, 0)))
        best = max(best, int(run.max()))
    return int(lcs[-1]), best, int(info[-1])


def align_pairs(fd: int, offsets, lengths, left, right) -> np.ndarray:
    """Reference of `_native.align_pairs`: int32 (lcs, run) per pair."""
    offsets, lengths = np.frombuffer(offsets, np.int64), np.frombuffer(lengths, np.int64)
    left, right = np.frombuffer(left, np.int64), np.frombuffer(right, np.int64)
    out = np.zeros((len(left), 2), dtype=np.int32)
    for i, (a, b) in enumerate(zip(left, right)):
        out[i] = align(_read(fd, offsets, lengths, a), _read(fd, offsets, lengths, b))[:2]
    return out.reshape(-1)


def star_assign(left, right, n: int) -> np.ndarray:
    """Reference of `_native.star_assign`: owner per item (+1 padding), then claimed flags."""
    left, right = np.frombuffer(left, np.int64), np.frombuffer(right, np.int64)
    owner = [-1] * (n + 1)
    taken = bytearray(len(left))
    for e, (a, b) in enumerate(zip(left.tolist(), right.tolist())):
        if owner[a] >= 0 or owner[b] >= 0 or a == b:
            continue
        owner[b] = a
        taken[e] = 1
    return np.frombuffer(np.array(owner, dtype=np.int64).tobytes() + bytes(taken), dtype=np.uint8)


def star_verify(fd: int, offsets, lengths, left, right, owner: np.ndarray, sim: np.ndarray, mode: int,
                threshold: float, min_run: int, cover_longer: float, common, min_informative: int,
                whole_cover: float, whole_words: int) -> int:
    """Reference of `_native.star_verify`: lazy verification inside star clustering.

    Edges come sorted by their left end's priority; an edge is verified only when neither
    end is assigned yet, and on success the right end joins the left one. `owner` (int64)
    and `sim` (float64) are updated in place. Mode 0: Jaccard of sets >= threshold; mode 1:
    run >= min_run, lcs / shorter >= threshold, lcs >= cover_longer * longer, and either
    at least `min_informative` informative aligned words (see `align`; `common` is a uint8
    table of power-of-two length) or a whole repeat: shorter >= whole_words and
    lcs >= whole_cover * longer.
    """
    common = np.frombuffer(common, dtype=np.uint8)
    if mode not in (0, 1) or len(owner) != len(lengths) or len(sim) != len(lengths):
        raise ValueError("owner and sim need one int64/float64 per item; mode is 0 or 1")
    if len(common) == 0 or len(common) & (len(common) - 1) or len(common) > 1 << 32:
        raise ValueError("common must be a uint8 table whose length is a power of two")
    offsets, lengths = np.frombuffer(offsets, np.int64), np.frombuffer(lengths, np.int64)
    checked = 0
    for a, b in zip(np.frombuffer(left, np.int64).tolist(), np.frombuffer(right, np.int64).tolist()):
        if owner[a] >= 0 or owner[b] >= 0 or a == b:
            continue
        x, y = _read(fd, offsets, lengths, a), _read(fd, offsets, lengths, b)
        checked += 1
        if mode == 0:
            inter = intersect(x, y)
            union = len(x) + len(y) - inter
            s = inter / union if union else 1.0
            ok = s >= threshold
        else:
            lcs, run, info = align(x, y, common)
            shorter, longer = min(len(x), len(y)), max(len(x), len(y))
            s = lcs / max(shorter, 1)
            whole = shorter >= whole_words and lcs >= whole_cover * longer
            ok = run >= min_run and s >= threshold and lcs >= cover_longer * longer and (info >= min_informative or whole)
        if ok:
            owner[b] = a
            sim[b] = s
    return checked
