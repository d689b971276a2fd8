"""What the runner sends a worker and what comes back: one task type per job, one result.

A pass has one of three jobs, each its own task type, so a worker never has to guess from
flags which fields are set:

- `ReadBatch`: the first pass, over reader items in input order: a batch a read task
  framed (`chunk`, see `cleaner.pipeline.framing`), or the few rows the main process
  makes itself (`items`: entries discovery refused, files whose read task failed);
- `ParcelBatch`: a later pass, over the documents the previous pass parked, with the
  previous global stage's decisions for them;
- `FilterBatch`: the final pass after a global stage that only drops documents, over the
  output rows the previous pass parked (`cleaner.pipeline.final_filter`).

Each carries `segment`, the index of its pass; `park_to` (the first two) is where the
survivors go when a later pass follows (None in the final pass), as output rows when
`park_as_rows`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from cleaner.pipeline.framing import Chunk
from cleaner.pipeline.intermediate import Parcel
from cleaner.pipeline.stats import StageStats


@dataclass(frozen=True, slots=True)
class ReadBatch:
    """First pass: a batch of reader items, in `items` or in the file of `chunk`; `taken`
    are ids earlier batches used (see `cleaner.pipeline.ids`)."""

    segment: int
    items: list[Any] = field(default_factory=list)
    park_to: str | None = None
    park_as_rows: bool = False
    taken: frozenset[str] = frozenset()
    chunk: Chunk | None = None

    def records(self) -> list[Any]:
        """The batch's reader items (loaded from its chunk file, if it has one)."""
        return self.chunk.load() if self.chunk is not None else list(self.items)


@dataclass(frozen=True, slots=True)
class _Decided:
    """A parcel of parked records with the previous global stage's decisions for them."""

    segment: int
    parcel: Parcel
    decisions: dict[str, Any] = field(default_factory=dict)
    duplicate_counts: dict[str, int] = field(default_factory=dict)
    cluster_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParcelBatch(_Decided):
    """A later pass over parked documents."""

    park_to: str | None = None
    park_as_rows: bool = False


@dataclass(frozen=True, slots=True)
class FilterBatch(_Decided):
    """The final pass of a drops-only global stage, over parked output rows."""


BatchTask = ReadBatch | ParcelBatch | FilterBatch


@dataclass(slots=True, kw_only=True)
class BatchResult:
    """What a batch produced: output batches ready to append (`tables`), survivors for the
    next pass (`parcel`), what the collector of the next global stage needs (`kept_ids`,
    `kept_lengths`, `sketch`), counts (`removed` by stage and reason, `read` notes of the
    first pass, `size` records for progress), statistics, and for a first pass the ids of
    its documents, the mapped fields its records held and what parsing repaired."""

    tables: dict[str, pa.RecordBatch]
    size: int
    stats: dict[str, StageStats]
    parcel: Parcel | None = None
    kept_ids: list[str] = field(default_factory=list)
    kept_lengths: list[int] = field(default_factory=list)
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    read: Counter[str] = field(default_factory=Counter)
    sketch: Any = None
    doc_ids: list[str] = field(default_factory=list)
    fields: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
