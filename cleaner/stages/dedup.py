"""Document-level deduplication: drop exact and near duplicates, keep one per cluster.

The engine lives in `cleaner.dedup` (kernels, lsh, index, clusters); this module maps the
stage options onto it and its verdicts onto `Decisions`: a `Drop` per duplicate naming
the keeper it duplicates and the verified Jaccard similarity, one clusters.parquet row
per member (keeper included), and each keeper's cluster size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from cleaner.dedup import lsh
from cleaner.dedup.clusters import KEEP_CHOICES
from cleaner.dedup.index import VERIFY_CHOICES, DocConfig, DocResult, DocumentIndex, sketch_documents
from cleaner.document import Document, Drop, Edit
from cleaner.errors import ConfigError
from cleaner.options import Option, Settings
from cleaner.stages.base import Collector, Decisions, DocKey, GlobalStage, engine_config


class DocumentDedup(GlobalStage):
    """Exact duplicates by a 128-bit key of the normalised words, near duplicates by MinHash
    LSH candidates verified with the exact Jaccard of word n-gram sets, clustered as stars
    around keepers."""

    name = "dedup"
    drops_only = True
    options = (
        Option("threshold", float, 0.8, "Jaccard similarity of word n-gram sets at or above which a document "
               "is a near duplicate of its cluster's keeper", minimum=0.01, maximum=1.0),
        Option("ngram", int, 5, "words per shingle (lowercased \\w+ words)", minimum=1, maximum=32),
        Option("num_perm", int, 128, "MinHash signature length; one-permutation hashing makes it almost free, "
               "more values give a sharper LSH curve", minimum=8, maximum=4096),
        Option("bands", int, None, "LSH bands; null: chosen from threshold and num_perm (favouring recall, "
               "since every candidate is verified)", nullable=True, minimum=1),
        Option("rows", int, None, "signature values per LSH band; null: chosen with bands", nullable=True, minimum=1),
        Option("keep", str, "first", "which member of a cluster stays: first (input order), longest, or best "
               "(prose-likeness: letter-only words, sane word length, no repeated lines); ties by id",
               choices=KEEP_CHOICES),
        Option("verify", str, "exact", "how candidates are checked: exact (Jaccard of the shingle sets, read "
               "back from a spill file) or signature (MinHash estimate, no spill file)", choices=VERIFY_CHOICES),
        Option("exact", bool, True, "first drop documents whose normalised words are identical"),
        Option("max_partners", int, 64, "candidates each document gets from one oversized LSH bucket (its "
               "best-ranked members); bounds the cost of thousands of copies of one template", minimum=1),
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        try:
            self.config: DocConfig = engine_config(DocConfig, settings)
        except ValueError as exc:
            raise ConfigError(f"stages.dedup: {exc}") from None

    @classmethod
    def check_settings(cls, settings: Settings) -> None:
        engine_config(DocConfig, settings)

    def layout_table(self) -> list[tuple[float, float]]:
        """(Jaccard, probability of becoming a candidate) for the configured layout."""
        return lsh.probability_table(*self.config.layout())

    def sketch(self, docs: list[Document]) -> Any:
        return sketch_documents([doc.text for doc in docs], self.config)

    def collector(self, workdir: Path) -> Collector:
        return DocumentCollector(self.config, workdir)

    def apply(self, doc: Document, decision: Any) -> Edit | Drop | None:
        return decision if isinstance(decision, Drop) else None


class DocumentCollector(Collector):
    """Feeds sketches to a `DocumentIndex` and turns its result into `Decisions`."""

    def __init__(self, config: DocConfig, workdir: Path) -> None:
        self.config = config
        self.index = DocumentIndex(config, workdir)

    def add(self, docs: list[DocKey], sketch: Any) -> None:
        self.index.add([d.id for d in docs], [d.length for d in docs], sketch)

    def finish(self) -> Decisions:
        return document_decisions(self.index.finish(), self.config)


def document_decisions(result: DocResult, config: DocConfig) -> Decisions:
    """Drops, cluster rows (keeper first, then members in input order) and cluster sizes."""
    ids = result.ids
    decisions = Decisions(stats=result.stats)
    members: dict[int, list[int]] = {}
    for member in np.flatnonzero(result.owner >= 0):
        members.setdefault(int(result.owner[member]), []).append(int(member))
    for keeper in sorted(members):
        cluster_id = f"d:{ids[keeper]}"
        decisions.duplicate_counts[ids[keeper]] = len(members[keeper]) + 1
        decisions.clusters.append(_row(cluster_id, ids[keeper], True, 1.0))
        for i in members[keeper]:
            sim = float(result.similarity[i])
            decisions.per_doc[ids[i]] = _drop(result, i, keeper, sim, config)
            decisions.clusters.append(_row(cluster_id, ids[i], False, sim))
    return decisions


def _drop(result: DocResult, i: int, keeper: int, sim: float, config: DocConfig) -> Drop:
    ids = result.ids
    measure = f"word {config.ngram}-gram Jaccard" + (" (MinHash estimate)" if config.verify == "signature" else "")
    if result.exact[i]:
        reason, detail = "exact_duplicate", f"same words as {ids[keeper]} after lowercasing and removing punctuation"
    elif result.copy_of[i] >= 0:
        reason = "near_duplicate"
        detail = (f"same words as {ids[result.copy_of[i]]}, itself a near duplicate of {ids[keeper]} "
                  f"({measure} {sim:.3f} >= {config.threshold:g})")
    else:
        reason = "near_duplicate"
        detail = f"{measure} {sim:.3f} >= {config.threshold:g} with {ids[keeper]}"
    return Drop(stage="dedup", reason=reason, detail=detail, duplicate_of=ids[keeper], similarity=sim)


def _row(cluster_id: str, doc_id: str, kept: bool, similarity: float) -> dict[str, Any]:
    return {"cluster_id": cluster_id, "level": "document", "doc_id": doc_id, "kept": kept,
            "similarity": similarity}
