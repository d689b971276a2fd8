"""Duplicate clusters as users look at them: a ranked list, and one cluster's members."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.compute as pc

from cleaner.errors import CleanerError
from cleaner.inspection.store import OutputStore

SNIPPET = 90


@dataclass(frozen=True)
class ClusterSummary:
    cluster_id: str
    level: str
    size: int
    min_similarity: float
    max_similarity: float
    kept_doc: str
    snippet: str


@dataclass(frozen=True)
class ClusterMember:
    doc_id: str
    kept: bool
    similarity: float
    text: str
    start: int | None
    end: int | None
    flag: str | None = None


@dataclass(frozen=True)
class ClusterDetail:
    cluster_id: str
    level: str
    members: list[ClusterMember]
    why_kept: str


def list_clusters(store: OutputStore, level: str | None = None, min_size: int = 2) -> list[ClusterSummary]:
    """Clusters largest first (ties by id), each with its similarity range and a snippet."""
    table = store.clusters()
    if level is not None:
        table = table.filter(pc.field("level") == level)
    groups: dict[str, list[dict]] = {}
    for row in table.to_pylist():
        groups.setdefault(row["cluster_id"], []).append(row)
    summaries = [_summary(cid, rows) for cid, rows in groups.items() if len(rows) >= min_size]
    return sorted(summaries, key=lambda s: (-s.size, s.cluster_id))


def show_cluster(store: OutputStore, cluster_id: str) -> ClusterDetail:
    """One cluster's members, the kept one first, and why it was the one kept."""
    rows = store.rows("clusters.parquet", "cluster_id", cluster_id)
    if not rows:
        raise CleanerError(f"no cluster {cluster_id!r} in {store.path}", "list cluster ids with `clean clusters list`")
    rows.sort(key=lambda r: (not is_keeper(r), -r["similarity"], r["doc_id"], r["start"] or 0))
    members = [ClusterMember(r["doc_id"], r["kept"], r["similarity"], r["text"], r["start"], r["end"], r.get("flag"))
               for r in rows]
    return ClusterDetail(cluster_id, rows[0]["level"], members, _why_kept(store, rows[0]["level"], members))


def is_keeper(row: dict) -> bool:
    """The cluster's first occurrence: kept and not flagged (a flagged passage copy is kept
    in its document too: its `flag` says why it was not cut)."""
    return row["kept"] and row.get("flag") is None


def _summary(cluster_id: str, rows: list[dict]) -> ClusterSummary:
    kept = next((r for r in rows if is_keeper(r)), rows[0])
    others = [r["similarity"] for r in rows if r is not kept] or [1.0]
    snippet = " ".join(kept["text"].split())
    snippet = snippet if len(snippet) <= SNIPPET else snippet[: SNIPPET - 1] + "…"
    return ClusterSummary(cluster_id, kept["level"], len(rows), min(others), max(others), kept["doc_id"], snippet)


def _why_kept(store: OutputStore, level: str, members: list[ClusterMember]) -> str:
    kept = members[0]
    if level == "passage":
        action = (store.stage_options("passages") or {}).get("action", "remove")
        if action != "remove":
            return f"first occurrence in input order is kept ({kept.doc_id}); later copies were only flagged in their documents"
        flagged = sum(1 for m in members[1:] if m.flag is not None)
        left = f", except {flagged} left in place (see their flag)" if flagged else ""
        return f"first occurrence in input order is kept ({kept.doc_id}); later copies were cut from their documents{left}"
    policy = (store.stage_options("dedup") or {}).get("keep", "first")
    if policy == "longest":
        return f"keep: longest — {kept.doc_id} has the longest text ({len(kept.text):,} characters); ties go to the smaller id"
    if policy == "best":
        return f"keep: best — {kept.doc_id} has the highest quality score of the cluster; ties go to the smaller id"
    return f"keep: first — {kept.doc_id} comes first in input order"
