"""The roles a stage can play.

A `Transform` rewrites text and reports what it removed as spans; a `Filter` keeps or drops a
whole document with a reason. No stage does both: a transform that empties a document does
not drop it itself; the pipeline drops it with the reason `empty`, naming that stage.

A `GlobalStage` (templates, dedup, passages) must see every document before it can decide; the pipeline
runs it in three steps, see its docstring.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cleaner.document import Document, Drop, Edit, Span

__all__ = ["Collector", "Decisions", "DocKey", "Document", "Drop", "Edit", "Filter", "GlobalStage", "Span", "Stage", "Transform", "engine_config"]
from cleaner.options import Option, Settings


class Stage(ABC):
    """Common base: a name (the key in config.yaml) and an option schema."""

    name: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    #: The stage turns a record's raw HTML (`Document.html`) into its text: a record with
    #: HTML must meet it before any other stage, so it must come first in `stages:`, and a
    #: record without HTML skips it.
    consumes_html: ClassVar[bool] = False
    #: (stage name, why) for each stage that, when configured too, must run before this one;
    #: config validation refuses another order with the reason.
    runs_after: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod  # noqa: B027 - an optional hook: by default every combination is accepted
    def check_settings(cls, settings: Settings) -> None:
        """Raise ValueError when options that are each valid do not go together.

        Called while config.yaml is validated, before any input is read, so that
        `clean config --check` refuses what `clean run` would refuse."""


def engine_config(config_class: type[Any], settings: Settings) -> Any:
    """The engine's settings dataclass filled from the stage options of the same names: the
    engine's `__post_init__` holds the checks, so they are written once."""
    names = {f.name for f in dataclasses.fields(config_class)}
    return config_class(**{key: value for key, value in settings.items() if key in names})


class Transform(Stage):
    """Rewrites a document's text; never drops it."""

    @abstractmethod
    def transform(self, doc: Document) -> Edit:
        """Return the new text and the spans removed from `doc.text`."""


class Filter(Stage):
    """Drops a document with a reason; never rewrites it."""

    @abstractmethod
    def check(self, doc: Document) -> Drop | None:
        """Return a Drop (with this stage's name and a reason key) or None to keep `doc`."""


class GlobalStage(Stage):
    """A stage whose decision about one document depends on all the others.

    1. `sketch(docs)` runs in the workers on each batch, in input order, and returns a
       compact, picklable summary (numpy arrays, never Python objects per shingle).
    2. `Collector.add` receives those sketches in input order in the main process, keeps
       compact state (in memory or under `workdir`), and `Collector.finish` decides.
    3. `apply(doc, decision)` runs in the workers on the next pass: it returns a Drop
       (filter-like: dedup) or an Edit (transform-like: passages), or None to pass the
       document through unchanged.

    A stage whose `apply` returns its decision when that is a Drop and None otherwise, and
    never edits, sets `drops_only`: when it is the last stage, the final pass then filters
    parked output rows in the main process (`cleaner.pipeline.final_filter`).
    """

    drops_only: bool = False

    @abstractmethod
    def sketch(self, docs: list[Document]) -> Any:
        """Compact per-batch summary of `docs` for the collector."""

    @abstractmethod
    def collector(self, workdir: Path) -> Collector:
        """A fresh collector for one run."""

    @abstractmethod
    def apply(self, doc: Document, decision: Any) -> Edit | Drop | None:
        """Carry out the collector's decision for one document."""

    def settle_rows(self, text: str, decision: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The document's clusters.parquet rows as `apply` will carry out `decision` on
        `text` (the passages stage withholds cuts that would read badly); as decided by
        default."""
        return rows


class Collector(ABC):
    """Main-process side of a GlobalStage (see there)."""

    @abstractmethod
    def add(self, docs: list[DocKey], sketch: Any) -> None:
        """Take one batch's sketch; `docs` identifies the batch's documents in order."""

    @abstractmethod
    def finish(self) -> Decisions:
        """Decide for every document seen."""


@dataclass(frozen=True, slots=True)
class DocKey:
    """What a collector may know of a document besides its sketch."""

    id: str
    length: int


@dataclass(slots=True)
class Decisions:
    """A global stage's verdicts, keyed by document id.

    `per_doc` holds the decision passed to `apply` for each affected id (absent: nothing to
    do); `clusters` holds the rows for clusters.parquet; `duplicate_counts` the cluster size
    of each kept document that has duplicates; `stats` extra counters for stats.json.
    """

    per_doc: dict[str, Any] = field(default_factory=dict)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    duplicate_counts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
