"""Running a global stage's worker and main-process halves over in-memory texts."""

from __future__ import annotations

from pathlib import Path

from cleaner.document import Document
from cleaner.stages.base import Decisions, DocKey, GlobalStage


def collect(stage: GlobalStage, ids: list[str], texts: list[str], workdir: Path, batch: int) -> Decisions:
    """Sketch `texts` in batches of `batch` (as workers would), feed the collector in order,
    and return its decisions."""
    docs = [Document(id=i, text=t, source="test") for i, t in zip(ids, texts)]
    collector = stage.collector(workdir)
    for k in range(0, len(docs), batch):
        part = docs[k : k + batch]
        collector.add([DocKey(d.id, len(d.text)) for d in part], stage.sketch(part))
    return collector.finish()
