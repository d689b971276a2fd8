"""Accuracy, speed and memory of the dedup engine on corpora with planted duplicates.

    python benchmarks/dedup_accuracy.py --docs 10000 50000 [--workers 2] [--write-jsonl DIR]
    python benchmarks/dedup_accuracy.py --signature-study

Corpora come from `corpus.py` (real prose paragraphs; skipped cleanly when the data is
absent). The engine runs as the pipeline runs it, through the stage classes (`sketch` per
batch in a pool of worker processes, `Collector.add` in input order, `finish`), in a child
process measured by `measure.py`: wall time and peak RSS summed over the process tree.
Columns: `wall` the whole child (start-up, JSON reading, pickling to workers included);
`sketch` until the last batch is collected; `finish` the collector's `finish`; `cpu` user +
system seconds of the child and its workers (a steadier number on a shared machine).

Document metric. Truth: a pair is a duplicate iff its word-5-gram Jaccard (lowercase
`\\w+` words, Python tuples, independent of the engine's hashes) is >= 0.8. It is computed
for every pair inside each planted family and for every cross-family pair whose documents
share at least half of their source paragraphs (all others share too little text to come
near 0.8; the largest cross-family Jaccard is printed as a check). An ideal run removes all
but one member of each connected component of the truth graph. A removed document is a
true positive iff its exact Jaccard to its `duplicate_of` is >= 0.8. Precision = TP /
removed, recall = TP / ideal removals, F1 their harmonic mean. Recall is also broken down
by edit kind.

Passage metric. Each planted passage occurs in several documents; the first occurrence in
input order must stay and every later one must go. The cuts scored are those the pipeline
makes: decided (similarity at least `cut_threshold`) and reading well in their document. Recall = later occurrences with >= 50 %
of their characters cut; precision = cut characters lying inside later occurrences / all
cut characters. First occurrences cut and cuts touching no planted passage are counted too.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus as gen  # noqa: E402
from measure import measure  # noqa: E402

THRESHOLD = 0.8


# ---------------------------------------------------------------- engine (child process)

def _batches(path: Path, size: int):
    batch = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            batch.append(json.loads(line))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


_STAGE: Any = None


def _init(stage_name: str, options: dict) -> None:
    global _STAGE
    from cleaner.options import validate
    from cleaner.stages import stage_class

    cls = stage_class(stage_name)
    _STAGE = cls(validate(options, cls.options, f"stages.{stage_name}"))


def _sketch(batch: list[dict]) -> tuple[list, Any]:
    from cleaner.document import Document
    from cleaner.stages.base import DocKey

    docs = [Document(id=r["id"], text=r["text"], source="bench") for r in batch]
    return [DocKey(d.id, len(d.text)) for d in docs], _STAGE.sketch(docs)


def _ordered_map(pool, fn, items, window: int):
    """pool.imap with at most `window` batches in flight (imap reads its input eagerly)."""
    pending = []
    for item in items:
        pending.append(pool.apply_async(fn, (item,)))
        if len(pending) >= window:
            yield pending.pop(0).get()
    for job in pending:
        yield job.get()


def run_engine(args: argparse.Namespace) -> None:
    """Child: sketch in workers, collect, finish; write the decisions as JSON."""
    import multiprocessing as mp

    options = json.loads(args.options)
    _init(args.stage, options)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        collector = _STAGE.collector(Path(work))
        if args.workers > 1:
            with mp.get_context("fork").Pool(args.workers, _init, (args.stage, options)) as pool:
                for keys, sketch in _ordered_map(pool, _sketch, _batches(args.input, args.batch), 2 * args.workers):
                    collector.add(keys, sketch)
        else:
            for batch in _batches(args.input, args.batch):
                collector.add(*_sketch(batch))
        sketched = time.perf_counter()
        decisions = collector.finish()
    done = time.perf_counter()
    cpu = sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))
    out = {"stats": decisions.stats, "sketch_wall": sketched - started, "finish_wall": done - sketched, "cpu": cpu,
           "drops": {k: [v.duplicate_of, v.similarity, v.reason] for k, v in decisions.per_doc.items()
                     if hasattr(v, "duplicate_of")},
           "cuts": _cuts_made(decisions.per_doc, args.input) if args.stage == "passages" else {},
           "clusters": len({row["cluster_id"] for row in decisions.clusters})}
    Path(args.output).write_text(json.dumps(out))


def _cuts_made(per_doc: dict, jsonl: Path) -> dict:
    """The passage cuts the next pass makes: the decided ones that read well in their text
    (`plan_cuts`, run by the workers as they apply the decisions; not timed here)."""
    from cleaner.stages.passages import plan_cuts

    cuts = {}
    for batch in _batches(jsonl, 1000):
        for record in batch:
            if record["id"] in per_doc:
                made, _ = plan_cuts(record["text"], per_doc[record["id"]])
                cuts[record["id"]] = [[r.start, r.end] for r in made]
    return cuts


def measured_run(stage: str, options: dict, jsonl: Path, workers: int, batch: int) -> dict:
    """Run the engine child under `measure` and return its output plus wall and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "stderr.txt"
        cmd = [sys.executable, __file__, "engine", "--stage", stage, "--input", str(jsonl), "--output", str(out),
               "--workers", str(workers), "--batch", str(batch), "--options", json.dumps(options)]
        m = measure(cmd, timeout=3600, stderr=err)
        if m.returncode != 0:
            raise RuntimeError(f"engine failed:\n{err.read_text()[-3000:]}")
        result = json.loads(out.read_text())
    result.update(wall=m.wall_s, peak_rss_mb=m.peak_rss_bytes / 2**20)
    return result


def write_jsonl(path: Path, ids: list[str], texts: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for doc_id, text in zip(ids, texts):
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")


# ---------------------------------------------------------------- document truth and score

def truth_edges(c: gen.DocCorpus) -> tuple[list[tuple[int, int, float]], float]:
    """Duplicate pairs (J >= 0.8) and the largest cross-family Jaccard checked."""
    edges = []
    family_of = np.full(len(c.texts), -1)
    for f, members in enumerate(c.families):
        family_of[members] = f
        sets = {m: gen.shingle_set(c.texts[m]) for m in members}
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                j = gen.exact_jaccard(sets[a], sets[b])
                if j >= THRESHOLD:
                    edges.append((a, b, j))
    cross_max = 0.0
    for a, b in _paragraph_overlaps(c, family_of):
        j = gen.exact_jaccard(gen.shingle_set(c.texts[a]), gen.shingle_set(c.texts[b]))
        cross_max = max(cross_max, j)
        if j >= THRESHOLD:
            edges.append((a, b, j))
    return edges, cross_max


def _paragraph_overlaps(c: gen.DocCorpus, family_of: np.ndarray) -> list[tuple[int, int]]:
    """Cross-family document pairs sharing at least half of the smaller one's paragraphs."""
    par = np.concatenate([np.array(p, dtype=np.int64) for p in c.paragraphs])
    doc = np.repeat(np.arange(len(c.paragraphs)), [len(p) for p in c.paragraphs])
    order = np.lexsort((doc, par))
    par, doc = par[order], doc[order]
    pairs = []
    starts = np.flatnonzero(np.r_[True, par[1:] != par[:-1]])
    ends = np.r_[starts[1:], len(par)]
    for s, e in zip(starts, ends):
        ds = np.unique(doc[s:e])
        if len(ds) > 1:
            a, b = np.triu_indices(len(ds), 1)
            pairs.append((ds[a].astype(np.int64) << 32) | ds[b])
    if not pairs:
        return []
    packed, counts = np.unique(np.concatenate(pairs), return_counts=True)
    a, b = packed >> 32, packed & 0xFFFFFFFF
    sizes = np.array([len(p) for p in c.paragraphs])
    near = (counts * 2 >= np.minimum(sizes[a], sizes[b])) & ((family_of[a] != family_of[b]) | (family_of[a] < 0))
    return list(zip(a[near].tolist(), b[near].tolist()))


def duplicate_groups(n: int, edges: list[tuple[int, int, float]]) -> list[list[int]]:
    """Connected components of size >= 2 of the duplicate graph, members in input order."""
    pairs = [(a, b) for a, b, _ in edges]
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for a, b in pairs:
        for x in (a, b):
            groups.setdefault(find(x), [])
    for x in range(n):
        root = find(x)
        if root in groups:
            groups[root].append(x)
    return [g for g in groups.values() if len(g) > 1]


def ideal_removals(n: int, edges: list[tuple[int, int, float]]) -> int:
    """Removals of an ideal run: all but one member of each duplicate group."""
    return sum(len(group) - 1 for group in duplicate_groups(n, edges))


def star_removals(edges: list[tuple[int, int, float]]) -> int:
    """Removals of an oracle star clustering in input order over the true edges: the best
    any keep-first star clustering can do (a chain a~b~c with a !~ c keeps a and c)."""
    owner: dict[int, int] = {}
    for a, b in sorted((min(a, b), max(a, b)) for a, b, _ in edges):
        if a not in owner and b not in owner:
            owner[b] = a
    return len(owner)


def score_documents(c: gen.DocCorpus, drops: dict, edges: list) -> dict:
    index = {doc_id: i for i, doc_id in enumerate(c.ids)}
    ideal = ideal_removals(len(c.ids), edges)
    truly = {}
    for doc_id, (keeper, _sim, _reason) in drops.items():
        a, b = index[doc_id], index[keeper]
        truly[a] = gen.exact_jaccard(gen.shingle_set(c.texts[a]), gen.shingle_set(c.texts[b])) >= THRESHOLD
    tp = sum(truly.values())
    precision = tp / len(drops) if drops else 1.0
    recall = tp / ideal if ideal else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    in_edge = {x for a, b, _ in edges for x in (a, b)}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, label in c.edit.items():
        if i in in_edge:
            kind = label.split("@")[0]
            by_kind[kind][1] += 1
            by_kind[kind][0] += int(truly.get(i, False) or _kept_with_copy_removed(c, i, truly))
    return {"removed": len(drops), "ideal": ideal, "star": star_removals(edges), "tp": tp, "precision": precision,
            "recall": recall, "f1": f1,
            "recall_by_edit": {k: round(v[0] / v[1], 3) for k, v in sorted(by_kind.items())}}


def _kept_with_copy_removed(c: gen.DocCorpus, i: int, truly: dict) -> bool:
    """A variant that was kept while its family's base went counts as handled."""
    fam = next(f for f in c.families if i in f)
    return any(truly.get(m, False) for m in fam if m != i)


# ---------------------------------------------------------------- passages

def score_passages(pc: gen.PassageCorpus, cuts: dict) -> dict:
    index = {doc_id: i for i, doc_id in enumerate(pc.ids)}
    cut_mask = {index[k]: np.zeros(len(pc.texts[index[k]]), bool) for k in cuts}
    for k, spans in cuts.items():
        for s, e in spans:
            cut_mask[index[k]][s:e] = True
    later_mask = {d: np.zeros(len(pc.texts[d]), bool) for d in cut_mask}
    found = total = first_cut = 0
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for occ, kind in zip(pc.occurrences, pc.kinds):
        occ = sorted(occ)
        d0, s0, e0 = occ[0]
        first_cut += int(d0 in cut_mask and cut_mask[d0][s0:e0].mean() >= 0.5)
        for d, s, e in occ[1:]:
            total += 1
            per_kind[kind][1] += 1
            if d in cut_mask:
                later_mask[d][s:e] = True
                if cut_mask[d][s:e].mean() >= 0.5:
                    found += 1
                    per_kind[kind][0] += 1
    cut_chars = sum(int(m.sum()) for m in cut_mask.values())
    good = sum(int((cut_mask[d] & later_mask[d]).sum()) for d in cut_mask)
    stray = sum(1 for k, spans in cuts.items() for s, e in spans if not later_mask[index[k]][s:e].any())
    return {"later_occurrences": total, "found": found, "recall": found / total if total else 1.0,
            "precision": good / cut_chars if cut_chars else 1.0, "first_occurrences_cut": first_cut,
            "stray_cuts": stray, "recall_by_kind": {k: round(v[0] / v[1], 3) for k, v in sorted(per_kind.items())}}


# ---------------------------------------------------------------- signature study

def signature_study(pool: list[str], n_pairs: int = 600, seed: int = 3) -> None:
    """RMSE of the Jaccard estimate: one-permutation hashing vs classic MinHash (datasketch)."""
    from datasketch import MinHash

    from cleaner.dedup import kernels

    c = gen.document_corpus(4000, pool, seed=seed, variant_share=0.5)
    pairs = [(f[0], m) for f in c.families for m in f[1:]][:n_pairs]
    print(f"{'num_perm':>8} {'words':>6} {'OPH rmse':>9} {'classic rmse':>12} {'pairs':>6}")
    for num_perm in (64, 128, 256):
        for cut in (None, 60, 20):
            err_oph, err_classic = [], []
            for a, b in pairs:
                ta, tb = c.texts[a], c.texts[b]
                if cut:
                    ta, tb = " ".join(ta.split()[:cut]), " ".join(tb.split()[:cut])
                sa, sb = gen.shingle_set(ta), gen.shingle_set(tb)
                truth = gen.exact_jaccard(sa, sb)
                sk = kernels.sketch_texts([ta, tb], 5, num_perm, sets=False)
                err_oph.append(float(kernels.estimate_jaccard(sk.signatures[0], sk.signatures[1])) - truth)
                ma, mb = MinHash(num_perm, seed=1), MinHash(num_perm, seed=1)
                ma.update_batch([" ".join(s).encode() for s in sa])
                mb.update_batch([" ".join(s).encode() for s in sb])
                err_classic.append(ma.jaccard(mb) - truth)
            rm = lambda e: float(np.sqrt(np.mean(np.square(e))))  # noqa: E731
            print(f"{num_perm:>8} {cut or 'full':>6} {rm(err_oph):>9.4f} {rm(err_classic):>12.4f} {len(pairs):>6}")


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command")
    e = sub.add_parser("engine", help="internal: run one stage over a JSONL file")
    e.add_argument("--stage", required=True)
    e.add_argument("--input", type=Path, required=True)
    e.add_argument("--output", type=Path, required=True)
    e.add_argument("--workers", type=int, default=2)
    e.add_argument("--batch", type=int, default=1000)
    e.add_argument("--options", default="{}")
    p.add_argument("--docs", type=int, nargs="*", default=[10000, 50000], help="document corpus sizes")
    p.add_argument("--passage-docs", type=int, default=2500, help="passage corpus size (0: skip)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--options", default="{}", help="JSON options for the dedup stage")
    p.add_argument("--passage-options", default="{}", help="JSON options for the passages stage")
    p.add_argument("--write-jsonl", type=Path, help="also keep the corpora (id, text) and truth files here: "
                   "dedup-N.truth.json (duplicate pairs with Jaccard, ideal removals), passages-N.truth.json "
                   "(planted passages: kind, occurrences [doc id, start, end] in input order)")
    p.add_argument("--signature-study", action="store_true", help="compare OPH and classic MinHash estimates")
    args = p.parse_args(argv)
    if args.command == "engine":
        run_engine(args)
        return 0
    pool = gen.load_paragraphs()
    if pool is None:
        print(f"skipped: {gen.DEFAULT_PARAGRAPHS} is absent")
        return 0
    if args.signature_study:
        signature_study(pool)
        return 0
    rows = [bench_documents(n, pool, args) for n in args.docs]
    if args.passage_docs:
        rows.append(bench_passages(args.passage_docs, pool, args))
    print_table(rows)
    return 0


def _folder(args: argparse.Namespace, tmp: str) -> Path:
    return args.write_jsonl if args.write_jsonl else Path(tmp)


def bench_documents(n: int, pool: list[str], args: argparse.Namespace) -> dict:
    c = gen.document_corpus(n, pool, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = _folder(args, tmp) / f"dedup-{n}.jsonl"
        write_jsonl(path, c.ids, c.texts)
        res = measured_run("dedup", json.loads(args.options), path, args.workers, args.batch)
        edges, cross_max = truth_edges(c)
        if args.write_jsonl:
            truth = {"threshold": THRESHOLD, "pairs": [[c.ids[a], c.ids[b], round(j, 6)] for a, b, j in edges],
                     "ideal_removals": ideal_removals(n, edges)}
            path.with_suffix(".truth.json").write_text(json.dumps(truth))
    s = score_documents(c, res["drops"], edges)
    mb = sum(map(len, c.texts)) / 1e6
    print(f"[{n} docs, {mb:.0f} MB] stats: {json.dumps(res['stats'])}")
    print(f"  recall by edit: {s['recall_by_edit']}; largest cross-family Jaccard {cross_max:.3f}")
    print(f"  true positives {s['tp']}; an oracle keep-first star clustering removes {s['star']} of the "
          f"{s['ideal']} ideal (recall vs oracle star {s['tp'] / max(s['star'], 1):.3f})")
    return {"task": f"documents {n}", "size": f"{mb:.0f} MB", "removed": s["removed"], "ideal": s["ideal"],
            "precision": s["precision"], "recall": s["recall"], "f1": s["f1"], "wall": res["wall"],
            "sketch": res["sketch_wall"], "finish": res["finish_wall"], "cpu": res["cpu"], "rss": res["peak_rss_mb"]}


def bench_passages(n: int, pool: list[str], args: argparse.Namespace) -> dict:
    pc = gen.passage_corpus(n, pool, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = _folder(args, tmp) / f"passages-{n}.jsonl"
        write_jsonl(path, pc.ids, pc.texts)
        res = measured_run("passages", json.loads(args.passage_options), path, args.workers, args.batch)
        if args.write_jsonl:
            truth = [{"kind": kind, "occurrences": [[pc.ids[d], s, e] for d, s, e in sorted(occ)]}
                     for occ, kind in zip(pc.occurrences, pc.kinds)]
            path.with_suffix(".truth.json").write_text(json.dumps({"passages": truth}))
    s = score_passages(pc, res["cuts"])
    print(f"[passages, {n} docs] stats: {json.dumps(res['stats'])}")
    print(f"  recall by kind: {s['recall_by_kind']}; first occurrences cut {s['first_occurrences_cut']}, "
          f"cuts outside planted passages {s['stray_cuts']}")
    return {"task": f"passages {n}", "size": f"{sum(map(len, pc.texts)) / 1e6:.0f} MB",
            "removed": s["found"], "ideal": s["later_occurrences"], "precision": s["precision"],
            "recall": s["recall"], "f1": 2 * s["precision"] * s["recall"] / max(s["precision"] + s["recall"], 1e-9),
            "wall": res["wall"], "sketch": res["sketch_wall"], "finish": res["finish_wall"], "cpu": res["cpu"],
            "rss": res["peak_rss_mb"]}


def print_table(rows: list[dict]) -> None:
    head = f"{'task':<17} {'size':>7} {'removed':>8} {'ideal':>7} {'P':>6} {'R':>6} {'F1':>6} " \
           f"{'wall s':>7} {'sketch s':>8} {'finish s':>8} {'cpu s':>6} {'peak MB':>8}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['task']:<17} {r['size']:>7} {r['removed']:>8} {r['ideal']:>7} {r['precision']:>6.3f} "
              f"{r['recall']:>6.3f} {r['f1']:>6.3f} {r['wall']:>7.1f} {r['sketch']:>8.1f} {r['finish']:>8.1f} "
              f"{r['cpu']:>6.1f} {r['rss']:>8.0f}")


if __name__ == "__main__":
    sys.exit(main())
