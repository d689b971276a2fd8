"""What the terminal shows: a progress bar while running, a summary table at the end."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from cleaner.pipeline.runner import RunSummary


class RichProgress:
    """The runner's `Progress`, drawn with rich on stderr (one task per phase)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._finish()
        self._progress.__exit__(*exc)

    def phase(self, description: str, total: float | None) -> None:
        self._finish()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: float) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def _finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            self._progress.update(self._task, total=task.completed or 1, completed=task.completed or 1)


def print_summary(console: Console, summary: RunSummary, config_source: str) -> None:
    """The end-of-run table: records read, kept, removed per stage and reason, errors, speed."""
    table = Table(title=f"cleaner: {summary.output}", title_justify="left", show_header=True)
    table.add_column("outcome")
    table.add_column("records", justify="right")
    table.add_column("share", justify="right")

    def share(n: int) -> str:
        return f"{n / summary.records:.1%}" if summary.records else "-"

    table.add_row("read", f"{summary.records:,}", "")
    table.add_row("[green]kept[/]", f"{summary.kept:,}", share(summary.kept))
    for (stage, reason), count in sorted(summary.removed.items()):
        table.add_row(f"removed by {stage}: {reason}", f"{count:,}", share(count))
    table.add_row("[red]errors[/]" if summary.errors else "errors", f"{summary.errors:,}", share(summary.errors))
    console.print(table)
    rate = summary.records / summary.seconds if summary.seconds else 0.0
    console.print(f"{summary.seconds:.1f} s, {rate:,.0f} records/s; config: {config_source}")
    if summary.errors:
        console.print(f"see {summary.output}/errors.parquet for the {summary.errors:,} errors")
    for warning in summary.warnings:
        console.print(Text.assemble(("warning:", "yellow"), " ", warning), soft_wrap=True)


def print_layout(console: Console, layout: tuple[int, int], threshold: float, table: list[tuple[float, float]]) -> None:
    """The LSH layout and its S-curve: probability that a pair becomes a candidate."""
    bands, rows = layout
    console.print(f"LSH layout: {bands} bands x {rows} rows = {bands * rows} signature values; threshold {threshold:g}")
    grid = Table(show_header=True)
    grid.add_column("Jaccard", justify="right")
    grid.add_column("P(candidate)", justify="right")
    for jaccard, probability in table:
        style = "bold" if abs(jaccard - threshold) < 1e-9 else ""
        grid.add_row(f"{jaccard:.2f}", f"{probability:.4f}", style=style)
    console.print(grid)
