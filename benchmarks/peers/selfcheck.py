"""Check every adapter on a tiny corpus whose duplicates are known exactly.

The corpus (built here, seeded, no external data): 40 base documents of 300 random words
from a 5,000-word vocabulary (their 5-grams never collide), then in shuffled order
10 exact copies, 10 near copies (3 words replaced: shingle Jaccard ~0.9) and 10 far variants
(15 words replaced: Jaccard ~0.6) of bases. A variant is a duplicate of its base iff the
exact Jaccard of their 5-gram sets is >= 0.8; a base and its duplicates form a group.

Tools differ in which member of a group they keep (rensa and datasketch keep the first,
text-dedup and datatrove a union-find root), so the score does not care which: a group of n
should lose exactly n - 1 members. Removals within a group up to n - 1 are true positives,
any more and any removal outside a group are false positives, the shortfall is false
negatives. Each adapter runs in its own process exactly as the speed harness runs it; a
check passes when precision and recall are at least 0.9.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

from peers import installed_peers
from peers.common import read_removed, word_shingles


def build_corpus(folder: Path, shards: int = 2, seed: int = 7) -> tuple[list[str], list[set[str]]]:
    """Write the corpus as `shards` JSONL files; return (all ids, duplicate groups)."""
    rng = random.Random(seed)
    # Letters only: datatrove folds every digit run to "0" before shingling.
    vocab = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(5000)]
    bases = [[rng.choice(vocab) for _ in range(300)] for _ in range(40)]
    docs = [(f"base-{i:03d}", words) for i, words in enumerate(bases)]
    variants = []
    for kind, edits, count in (("exact", 0, 10), ("near", 3, 10), ("far", 15, 10)):
        for j in range(count):
            base = rng.randrange(len(bases))
            words = list(bases[base])
            for pos in rng.sample(range(len(words)), edits):
                words[pos] = rng.choice(vocab)
            variants.append((f"{kind}-{j:03d}-of-{base:03d}", words, base))
    rng.shuffle(variants)
    groups: dict[int, set[str]] = {}
    for doc_id, words, base in variants:
        a, b = set(word_shingles(" ".join(words))), set(word_shingles(" ".join(bases[base])))
        if len(a & b) / len(a | b) >= 0.8:
            groups.setdefault(base, {f"base-{base:03d}"}).add(doc_id)
        docs.append((doc_id, words))
    folder.mkdir(parents=True, exist_ok=True)
    per_shard = -(-len(docs) // shards)
    for s in range(shards):
        with (folder / f"part-{s:04d}.jsonl").open("w") as f:
            for doc_id, words in docs[s * per_shard : (s + 1) * per_shard]:
                f.write(json.dumps({"id": doc_id, "text": " ".join(words).capitalize() + "."}) + "\n")
    return [doc_id for doc_id, _ in docs], list(groups.values())


def group_scores(removed: set[str], groups: list[set[str]]) -> tuple[float, float]:
    """(precision, recall) of `removed` against duplicate groups, whoever is kept."""
    tp = sum(min(len(removed & group), len(group) - 1) for group in groups)
    expected = sum(len(group) - 1 for group in groups)
    return (tp / len(removed) if removed else 0.0), (tp / expected if expected else 1.0)


def check(names: list[str] | None, workers: int) -> int:
    from measure import measure

    names = names or installed_peers()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="peers-check-") as tmp:
        root = Path(tmp)
        all_ids, groups = build_corpus(root / "corpus")
        print(f"tiny corpus: {len(all_ids)} documents, {sum(len(g) - 1 for g in groups)} to remove from {len(groups)} groups")
        for name in names:
            out = root / name / "ids.txt"
            cmd = [sys.executable, "-m", "peers", name, "--input", str(root / "corpus"), "--workdir", str(root / name / "work"),
                   "--out", str(out), "--workers", str(workers)]  # fmt: skip
            m = measure(cmd, timeout=600, stdout=root / f"{name}.out", stderr=root / f"{name}.err")
            if not m.ok:
                failures += 1
                print(f"FAIL {name}: {m.error_tail()}")
                continue
            removed, meta = read_removed(out, all_ids)
            precision, recall = group_scores(removed, groups)
            ok = precision >= 0.9 and recall >= 0.9
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name} {meta['version']}: removed {len(removed)}, precision {precision:.2f}, "
                  f"recall {recall:.2f}, {m.wall_s:.1f} s, {m.peak_rss_mb:.0f} MB")  # fmt: skip
            if not ok:
                print(f"     removed: {sorted(removed)}")
    return 1 if failures else 0
