"""Terminal rendering of inspection results with rich: removed text red and struck
through, added text green, the kept member of a cluster on the left."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cleaner.inspection.clusters import ClusterDetail, ClusterSummary
from cleaner.inspection.diff import Piece, elide, word_diff
from cleaner.inspection.document import DocumentReport

STYLES = {"same": "", "removed": "red strike", "added": "green"}


def print_cluster_list(console: Console, clusters: list[ClusterSummary], as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps([asdict(c) for c in clusters]))
        return
    table = Table(title=f"{len(clusters)} clusters, largest first", title_justify="left")
    for name, justify in [("cluster", "left"), ("level", "left"), ("size", "right"), ("similarity", "right"), ("kept", "left"), ("snippet", "left")]:
        table.add_column(name, justify=justify, overflow="fold" if name == "cluster" else "ellipsis")
    for c in clusters:
        similarity = f"{c.min_similarity:.2f}" if c.min_similarity == c.max_similarity else f"{c.min_similarity:.2f}–{c.max_similarity:.2f}"
        table.add_row(c.cluster_id, c.level, str(c.size), similarity, c.kept_doc, c.snippet)
    console.print(table)


def print_cluster(console: Console, detail: ClusterDetail) -> None:
    kept = detail.members[0]
    console.print(Text.assemble(("cluster ", "bold"), detail.cluster_id, f"  ({detail.level}, {len(detail.members)} members)"))
    console.print(Text(f"kept: {kept.doc_id}{_where(kept)} — {detail.why_kept}", style="green"))
    for member in detail.members[1:]:
        pieces = word_diff(kept.text, member.text)
        if detail.level == "document":
            pieces = elide(pieces)
        table = Table(show_lines=False, expand=True)
        table.add_column(f"kept: {kept.doc_id}{_where(kept)}", ratio=1)
        table.add_column(f"dropped: {member.doc_id}{_where(member)}  similarity {member.similarity:.3f}", ratio=1)
        table.add_row(_side(pieces, "removed"), _side(pieces, "added"))
        console.print(table)


def print_document(console: Console, report: DocumentReport) -> None:
    console.print(Text.assemble(("document ", "bold"), report.doc_id, f"  (source {report.source}, record {report.record})"))
    if report.removal:
        r = report.removal
        line = f"removed by {r['stage']}: {r['reason']}" + (f" — {r['detail']}" if r["detail"] else "")
        if r["duplicate_of"]:
            line += f"; duplicate of kept document {r['duplicate_of']}"
            line += f" (similarity {r['similarity']:.3f})" if r["similarity"] is not None else ""
        console.print(Text(line, style="red"))
    else:
        console.print(Text(f"kept; {len(report.spans)} pieces removed from it", style="green"))
    for c in report.clusters:
        role = "kept member" if c["kept"] else f"similarity {c['similarity']:.3f} to the kept member"
        console.print(f"in {c['level']} cluster {c['cluster_id']} ({role})")
    if report.spans:
        table = Table(title="removed spans", title_justify="left")
        for name in ("stage", "rule", "offset", "text"):
            table.add_column(name, overflow="fold")
        for s in report.spans:
            table.add_row(s["stage"], s["rule"] + (f" ({s['cluster_id']})" if s["cluster_id"] else ""), str(s["offset"]), _short(s["text"]))
        console.print(table)
    if report.before is None:
        console.print(Text(f"before: unavailable ({report.before_note})", style="yellow"))
        console.print(report.text, markup=False, highlight=False)
        return
    console.print(Text(f"before → after ({report.before_note}); removed text is struck through", style="bold"))
    console.print(_inline(word_diff(report.before, report.text)))


def _side(pieces: list[Piece], changed: str) -> Text:
    text = Text()
    for piece in pieces:
        if piece.kind in ("same", changed):
            text.append(piece.text, STYLES[piece.kind])
    return text


def _inline(pieces: list[Piece]) -> Text:
    text = Text()
    for piece in pieces:
        text.append(piece.text, STYLES[piece.kind])
    return text


def _where(member) -> str:
    return f" [{member.start}:{member.end}]" if member.start is not None else ""


def _short(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
