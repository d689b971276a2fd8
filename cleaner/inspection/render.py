"""Terminal rendering of inspection results with rich: removed text red and struck
through, added text green, the kept member of a cluster on the left.

Output that goes to a pipe or a file (`| less`, `> report.txt`) carries no styles, so
there the changes are marked in the text instead, as wdiff does: `[-removed-]`,
`{+added+}`. Ids are never wrapped or shortened: they are meant to be copied into the next
command.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Literal, cast

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cleaner.inspection.clusters import ClusterDetail, ClusterSummary
from cleaner.inspection.diff import Piece, elide, word_diff
from cleaner.inspection.explain import DocumentReport

STYLES = {"same": "", "removed": "red strike", "added": "green"}
#: How changes are marked where styles cannot be shown: (before, after) per piece kind.
MARKERS = {"removed": ("[-", "-]"), "added": ("{+", "+}")}
LIST_COLUMNS = ("cluster", "level", "size", "similarity", "kept", "snippet")
#: Narrowest the snippet column gets before the table grows wider than the terminal: every
#: other column (the ids above all) keeps its full width.
MIN_SNIPPET = 20


def print_cluster_list(console: Console, clusters: list[ClusterSummary], as_json: bool, plain: bool = False) -> None:
    """The list as a table, as JSON, or (`plain`) as tab-separated lines for scripts."""
    if as_json:
        console.print_json(json.dumps([asdict(c) for c in clusters]))
        return
    rows = [_list_row(c) for c in clusters]
    if plain:
        for cells in [list(LIST_COLUMNS), *rows]:
            console.file.write("\t".join(cells) + "\n")
        return
    table = Table(title=f"{len(clusters)} clusters, largest first", title_justify="left")
    widths = [max([len(name), *(len(r[k]) for r in rows)]) for k, name in enumerate(LIST_COLUMNS)]
    frame = 3 * len(widths) + 1  # borders and padding
    # every column but the snippet keeps its full width (the ids above all): on a narrow
    # terminal the table grows wider than it rather than wrap or cut an id
    width = max(console.width, sum(widths[:-1]) + min(widths[-1], MIN_SNIPPET) + frame)
    snippet = min(widths[-1], width - sum(widths[:-1]) - frame)
    for name, natural in zip(LIST_COLUMNS, widths):
        right = name in ("size", "similarity")
        table.add_column(name, justify="right" if right else "left", no_wrap=True, overflow="ellipsis",
                         width=snippet if name == "snippet" else natural)
    for cells in rows:
        table.add_row(*cells)
    _wide(console, width).print(table)


def _wide(console: Console, width: int) -> Console:
    """`console`, or a console like it on the same file that is `width` columns wide
    (`Console.print(width=...)` cannot exceed the terminal's width)."""
    if width <= console.width:
        return console
    return Console(file=console.file, width=width, color_system=_color_system(console), force_terminal=console.is_terminal,
                   no_color=console.no_color, highlight=False, legacy_windows=False)


def _color_system(console: Console) -> Literal["standard", "256", "truecolor", "windows"] | None:
    """`console.color_system`, typed as `Console` takes it (rich names one of these or None)."""
    return cast('Literal["standard", "256", "truecolor", "windows"] | None', console.color_system)


def _list_row(c: ClusterSummary) -> list[str]:
    similarity = f"{c.min_similarity:.2f}" if c.min_similarity == c.max_similarity else f"{c.min_similarity:.2f}–{c.max_similarity:.2f}"
    return [c.cluster_id, c.level, str(c.size), similarity, c.kept_doc, c.snippet]


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
        role = f"flagged ({member.flag})" if member.flag else "dropped"
        table.add_column(f"{role}: {member.doc_id}{_where(member)}  similarity {member.similarity:.3f}", ratio=1)
        table.add_row(_side(console, pieces, "removed"), _side(console, pieces, "added"))
        console.print(table)


def print_document_json(console: Console, report: DocumentReport) -> None:
    """The whole report as one JSON object (texts unabridged), for scripts."""
    console.file.write(json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n")


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
    for name, value in report.meta.items():
        console.print(Text.assemble((f"{name}: ", "bold"), value))
    for c in report.clusters:
        if c["kept"] and c["flag"] is None:
            role = "kept member"
        else:
            role = f"similarity {c['similarity']:.3f} to the kept member"
            role += f"; left in place: {c['flag']}" if c["flag"] else ""
        console.print(Text(f"in {c['level']} cluster {c['cluster_id']} ({role})"))
    if report.spans:
        table = Table(title="removed spans", title_justify="left")
        for name in ("stage", "rule", "offset", "text"):
            table.add_column(name, overflow="fold")
        for s in report.spans:
            table.add_row(s["stage"], _rule(s), str(s["offset"]), _short(s["text"]))
        console.print(table)
    if report.before is None:
        console.print(Text(f"before: unavailable ({report.before_note})", style="yellow"))
        console.print(report.text, markup=False, highlight=False)
        return
    how = "struck through" if _styled(console) else "marked [-like this-]"
    console.print(Text(f"before → after ({report.before_note}); removed text is {how}", style="bold"))
    console.print(_inline(console, word_diff(report.before, report.text)))


def _styled(console: Console) -> bool:
    """Whether `console` shows styles (a colour terminal), else changes need markers."""
    return console.color_system is not None and not console.no_color


def _side(console: Console, pieces: list[Piece], changed: str) -> Text:
    return _inline(console, [p for p in pieces if p.kind in ("same", changed)])


def _inline(console: Console, pieces: list[Piece]) -> Text:
    text = Text()
    styled = _styled(console)
    for piece in pieces:
        if styled or piece.kind == "same":
            text.append(piece.text, STYLES[piece.kind])
        else:
            text.append(_marked(piece))
    return text


def _marked(piece: Piece) -> str:
    """The piece between its markers, its surrounding white space (paragraph breaks) kept
    outside them; white space alone stays unmarked."""
    core = piece.text.strip()
    if not core:
        return piece.text
    lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
    trail = piece.text[len(piece.text.rstrip()):]
    opening, closing = MARKERS[piece.kind]
    return f"{lead}{opening}{core}{closing}{trail}"


def _where(member) -> str:
    return f" [{member.start}:{member.end}]" if member.start is not None else ""


def _rule(span: dict) -> str:
    """The rule, with what backs a decision: its cluster, its score (spans written before
    scores existed have no score column)."""
    notes = [span["cluster_id"]] if span.get("cluster_id") else []
    if span.get("score") is not None:
        notes.append(f"score {span['score']:.2f}")
    return span["rule"] + (f" ({', '.join(notes)})" if notes else "")


def _short(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
