"""Synthetic dedup corpora with planted duplicates of known, exactly computed similarity.

Documents are built from real English prose paragraphs (../shared/data/prose-paragraphs,
35,554 paragraphs, 63 words on average): ~725 words per document on average (log-normal
length), paragraphs separated by blank lines, like the reference corpus (50k documents
~ 215 MB).

`document_corpus` plants near-duplicate *families*: a base document and 1-4 variants, each
made by one edit (or two combined): word substitutions / insertions / deletions at rates
0.5-8 %, paragraph reordering, an added header and footer, truncation to 55-95 %, case,
punctuation and white-space changes (identical words: an exact duplicate), appended
paragraphs, or a verbatim copy. Ground truth is computed, not assumed:
`exact_jaccard` compares word-5-gram sets (lowercase `\\w+` words, the engine's
tokenisation) with Python tuples, independently of the engine's hashes.

`passage_corpus` draws every paragraph at most once, and only paragraphs that share no
word 8-gram with any other paragraph of the source (`isolated_paragraphs`: BBC articles,
PEPs and RFCs quote each other, ~2,000 paragraphs), so the only repeated passages the
engine (which needs a common run of 8 words) can find are the planted ones. It plants
repeated sentences, paragraphs and site footers into several documents each, with small
variations per occurrence, recording every occurrence's character span.
"""

from __future__ import annotations

import json
import lzma
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DEFAULT_PARAGRAPHS = Path(__file__).resolve().parents[1].parent / "shared/data/prose-paragraphs/paragraphs.jsonl.xz"
_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_NAV = ["Home", "News", "Sport", "About", "Contact", "Login", "Subscribe", "Archive", "Blog", "Shop", "Search",
        "Help", "Events", "Careers", "Menu"]
_FOOTERS = ["Copyright © {y} {site}. All rights reserved.", "Privacy policy | Terms of use | Cookie settings",
            "Follow us on Twitter and Facebook for the latest updates.", "Share this article: Email | Print"]


def load_paragraphs(path: Path = DEFAULT_PARAGRAPHS) -> list[str] | None:
    """Distinct paragraphs of the prose file (exact repeats such as licence notices dropped)."""
    if not Path(path).exists():
        return None
    seen: set[tuple[str, ...]] = set()
    out = []
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"].strip()
            key = tuple(words(text))
            if len(key) >= 8 and key not in seen:
                seen.add(key)
                out.append(text)
    return out


def words(text: str) -> list[str]:
    """The engine's tokenisation: lowercase `\\w+` runs."""
    return _WORD.findall(text.lower())


def shingle_set(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-gram set (one shingle of all words when there are fewer than n)."""
    w = words(text)
    if not w:
        return set()
    if len(w) < n:
        return {tuple(w)}
    return set(zip(*(w[i:] for i in range(n))))


def exact_jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 1.0


@dataclass
class DocCorpus:
    """Documents plus their planted families (document indices, base first) and edit labels."""

    ids: list[str]
    texts: list[str]
    families: list[list[int]]
    edit: dict[int, str] = field(default_factory=dict)
    paragraphs: list[list[int]] = field(default_factory=list)  # source paragraph ids per document


def _doc_length(rng: random.Random) -> int:
    return int(min(3000, max(120, rng.lognormvariate(6.45, 0.45))))  # mean ~ 700-750 words


def _base_paragraphs(rng: random.Random, pool: list[str], sizes: list[int]) -> list[int]:
    target, total, chosen = _doc_length(rng), 0, []
    while total < target:
        p = rng.randrange(len(pool))
        chosen.append(p)
        total += sizes[p]
    return chosen


def _edit_words(rng: random.Random, text: str, rate: float, vocab: list[str]) -> str:
    """Substitute, insert or delete whitespace tokens, each with probability rate / 3."""
    out_pars = []
    for par in text.split("\n\n"):
        out = []
        for tok in par.split(" "):
            x = rng.random()
            if x < rate / 3:
                continue
            if x < 2 * rate / 3:
                out.append(rng.choice(vocab))
                continue
            out.append(tok)
            if x < rate:
                out.append(rng.choice(vocab))
        out_pars.append(" ".join(out))
    return "\n\n".join(out_pars)


def _restyle(rng: random.Random, text: str) -> str:
    """Case, punctuation and white-space changes that leave the lowercase words identical."""
    out = []
    for tok in text.split(" "):
        x = rng.random()
        if x < 0.1:
            tok = tok.upper()
        elif x < 0.2:
            tok = tok.lower()
        stripped = tok.rstrip(",.;:!?")
        if stripped and rng.random() < 0.3:
            tok = stripped
        out.append(tok + ("  " if rng.random() < 0.05 else ""))
    return " ".join(out).replace("\n\n", "\n" if rng.random() < 0.5 else "\n\n\n")


def _variant(rng: random.Random, base: str, pool: list[str], vocab: list[str]) -> tuple[str, str]:
    """One edited copy of `base` and a label of the edit."""
    pars = base.split("\n\n")
    kind = rng.choice(["words", "words", "words", "reorder", "header_footer", "truncate", "restyle", "append",
                       "copy", "reorder+words", "header_footer+words"])
    text = base
    if "reorder" in kind:
        k = min(len(pars), rng.randint(2, 4))
        idx = rng.sample(range(len(pars)), k)
        moved = [pars[i] for i in idx]
        rng.shuffle(moved)
        for i, p in zip(idx, moved):
            pars[i] = p
        text = "\n\n".join(pars)
    if "header_footer" in kind:
        nav = " | ".join(rng.sample(_NAV, rng.randint(4, 8)))
        foot = " ".join(f.format(y=rng.randint(2005, 2024), site=rng.choice(["Example Media", "Daily Post", "Wire"]))
                        for f in rng.sample(_FOOTERS, rng.randint(1, 3)))
        text = f"{nav}\n\n{text}\n\n{foot}"
    if kind == "truncate":
        toks = text.split(" ")
        text = " ".join(toks[: int(len(toks) * rng.uniform(0.55, 0.95))])
    if kind == "restyle":
        text = _restyle(rng, text)
    if kind == "append":
        text = text + "\n\n" + "\n\n".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
    rate = 0.0
    if "words" in kind:
        rate = rng.choice([0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.08])
        text = _edit_words(rng, text, rate, vocab)
    return text, kind + (f"@{rate:g}" if rate else "")


def document_corpus(n_docs: int, pool: list[str], seed: int = 0, variant_share: float = 0.3) -> DocCorpus:
    """`n_docs` documents, about `variant_share` of them planted variants, in shuffled order."""
    rng = random.Random(seed)
    sizes = [len(p.split()) for p in pool]
    vocab = [w for p in rng.sample(pool, min(2000, len(pool))) for w in p.split() if w.isalpha()]
    texts: list[str] = []
    paragraphs: list[list[int]] = []
    families: list[list[int]] = []
    edit: dict[int, str] = {}
    while len(texts) < n_docs:
        chosen = _base_paragraphs(rng, pool, sizes)
        base = "\n\n".join(pool[p] for p in chosen)
        members = [len(texts)]
        texts.append(base)
        paragraphs.append(chosen)
        if rng.random() < variant_share / (1 - variant_share) / 2.2:
            for _ in range(min(rng.randint(1, 4), n_docs - len(texts))):
                text, label = _variant(rng, base, pool, vocab)
                edit[len(texts)] = label
                members.append(len(texts))
                texts.append(text)
                paragraphs.append(chosen)
            families.append(members)
    order = list(range(n_docs))
    rng.shuffle(order)
    where = {old: new for new, old in enumerate(order)}
    return DocCorpus(
        ids=[f"doc-{i:07d}" for i in range(n_docs)],
        texts=[texts[old] for old in order],
        families=[[where[m] for m in fam] for fam in families if len(fam) > 1],
        edit={where[k]: v for k, v in edit.items()},
        paragraphs=[paragraphs[old] for old in order],
    )


@dataclass
class PassageCorpus:
    """Documents and the planted passages: per passage, its occurrences (doc, start, end)."""

    ids: list[str]
    texts: list[str]
    occurrences: list[list[tuple[int, int, int]]]
    kinds: list[str]


def _split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph) if s]


def _vary(rng: random.Random, text: str, vocab: list[str]) -> str:
    """A small variation of a planted passage (one per occurrence)."""
    kind = rng.choice(["same", "same", "subst", "subst", "number", "prefix", "suffix", "restyle"])
    toks = text.split(" ")
    if kind == "subst":
        for _ in range(1 if len(toks) < 30 else 2):
            toks[rng.randrange(len(toks))] = rng.choice(vocab)
    elif kind == "number":
        toks.insert(rng.randrange(len(toks)), str(rng.randint(2, 999)))
    elif kind == "prefix":
        toks = rng.choice(["In fact,", "Indeed,", "As noted,", "Of course,"]).split() + [toks[0].lower()] + toks[1:]
    elif kind == "suffix":
        toks[-1] = toks[-1].rstrip(".") + rng.choice([", as many readers know.", ", according to reports."])
    elif kind == "restyle":
        toks = [t.upper() if rng.random() < 0.2 else t for t in toks]
    return " ".join(toks)


def isolated_paragraphs(pool: list[str], n: int = 8) -> list[str]:
    """The paragraphs sharing no word n-gram with another paragraph of `pool`."""
    hashes, owner = [], []
    for i, text in enumerate(pool):
        w = words(text)
        grams = [hash(g) for g in zip(*(w[k:] for k in range(n)))]
        hashes.extend(grams)
        owner.extend([i] * len(grams))
    h, o = np.array(hashes, dtype=np.int64), np.array(owner, dtype=np.int64)
    order = np.lexsort((o, h))
    h, o = h[order], o[order]
    clash = (h[1:] == h[:-1]) & (o[1:] != o[:-1])
    tainted = set(o[1:][clash].tolist()) | set(o[:-1][clash].tolist())
    return [text for i, text in enumerate(pool) if i not in tainted]


def passage_corpus(n_docs: int, pool: list[str], seed: int = 0, n_passages: int = 150) -> PassageCorpus:
    """Documents from distinct, isolated paragraphs plus planted repeated passages."""
    rng = random.Random(seed)
    pool = isolated_paragraphs(pool)
    order = list(range(len(pool)))
    rng.shuffle(order)
    stream = iter(order)
    vocab = [w for p in pool[:2000] for w in p.split() if w.isalpha()]
    planted = _planted_passages(rng, pool, stream, n_passages)
    docs: list[list[list[tuple[str, int]]]] = []  # doc -> paragraphs -> segments (text, passage or -1)
    for _ in range(n_docs):
        target, total, pars = _doc_length(rng), 0, []
        for p in stream:
            pars.append([(s, -1) for s in _split_sentences(pool[p])])
            total += len(pool[p].split())
            if total >= target:
                break
        if not pars:
            raise ValueError("the paragraph pool is too small for this many documents")
        docs.append(pars)
    kinds = []
    for pid, (kind, text, copies) in enumerate(planted):
        kinds.append(kind)
        for d in rng.sample(range(n_docs), copies):
            _insert(rng, docs[d], kind, _vary(rng, text, vocab), pid)
    return _render(docs, len(planted), kinds)


def _planted_passages(rng: random.Random, pool: list[str], stream: Iterator[int], n: int) -> list[tuple[str, str, int]]:
    out = []
    while len(out) < n:
        kind = rng.choice(["sentence", "sentence", "paragraph", "footer"])
        par = pool[next(stream)]
        if kind == "sentence":
            sents = [s for s in _split_sentences(par) if 10 <= len(s.split()) <= 40]
            if not sents:
                continue
            out.append((kind, rng.choice(sents), rng.randint(2, 6)))
        elif kind == "paragraph":
            if not 30 <= len(par.split()) <= 120:
                continue
            out.append((kind, par, rng.randint(2, 6)))
        else:
            first = _split_sentences(par)[0]
            if len(first.split()) < 8:
                continue
            out.append((kind, f"Disclaimer: {first} Contact us for details.", rng.randint(8, 25)))
    return out


def _insert(rng: random.Random, doc: list[list[tuple[str, int]]], kind: str, text: str, pid: int) -> None:
    if kind == "sentence":
        par = rng.choice(doc)
        par.insert(rng.randint(0, len(par)), (text, pid))
    elif kind == "paragraph":
        doc.insert(rng.randint(0, len(doc)), [(text, pid)])
    else:
        doc.append([(text, pid)])


def _render(docs: list[list[list[tuple[str, int]]]], n_passages: int, kinds: list[str]) -> PassageCorpus:
    texts, occurrences = [], [[] for _ in range(n_passages)]
    for d, pars in enumerate(docs):
        out, pos = [], 0
        for pi, par in enumerate(pars):
            if pi:
                out.append("\n\n")
                pos += 2
            for si, (seg, pid) in enumerate(par):
                if si:
                    out.append(" ")
                    pos += 1
                if pid >= 0:
                    occurrences[pid].append((d, pos, pos + len(seg)))
                out.append(seg)
                pos += len(seg)
        texts.append("".join(out))
    return PassageCorpus([f"doc-{i:06d}" for i in range(len(docs))], texts, occurrences, kinds)
