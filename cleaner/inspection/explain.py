"""Why a document looks the way it does: its fate, the spans removed from it, and the text
as it was read, so a user can see every line that went and the rule that took it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.config import parse_config
from cleaner.document import META_FIELDS, Document
from cleaner.errors import CleanerError
from cleaner.inspection.store import OutputStore
from cleaner.io.discover import InputFile
from cleaner.io.names import escape_name, input_path
from cleaner.io.readers import read_file


@dataclass
class DocumentReport:
    doc_id: str
    status: str
    source: str
    record: int
    text: str
    before: str | None
    before_note: str = ""
    spans: list[dict[str, Any]] = field(default_factory=list)
    removal: dict[str, Any] | None = None
    clusters: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def inspect_document(store: OutputStore, doc_id: str) -> DocumentReport:
    """Everything the output knows about `doc_id`, plus its text as read from the input."""
    kept = store.first("data", "id", doc_id)
    removed = None if kept else store.first("removed.parquet", "id", doc_id)
    row = kept or removed
    if row is None:
        raise CleanerError(f"no document {doc_id!r} in {store.path} (neither kept nor removed)",
                           "ids are in the `id` column of data/ and removed.parquet; unreadable records are in errors.parquet")
    spans = sorted(store.rows("spans.parquet", "doc_id", doc_id), key=lambda s: (s["offset"], s["stage"]))
    clusters = store.rows("clusters.parquet", "doc_id", doc_id)
    before, note = _text_as_read(store, row["source"], row["record"])
    removal = None
    if removed:
        removal = {k: removed[k] for k in ("stage", "reason", "detail", "duplicate_of", "similarity")}
    meta = {name: kept[name] for name in META_FIELDS if kept and kept.get(name) is not None}
    return DocumentReport(doc_id, "kept" if kept else "removed", row["source"], row["record"], row["text"],
                          before, note, spans, removal, [{k: c.get(k) for k in ("cluster_id", "level", "kept", "flag", "similarity", "text")} for c in clusters],
                          meta)


def _text_as_read(store: OutputStore, source: str, record: int) -> tuple[str | None, str]:
    """The document's text as the reader produced it (HTML: as extracted), if the input is
    still there. Found by its place in the file, not its id: a renamed repeat
    (`readers.duplicate_ids: rename`) or a dropped one is not under its output id there."""
    root = Path(store.stats.get("input", ""))
    path = root if root.is_file() else input_path(root, source)
    shown = escape_name(str(path))  # printable, as the source column is
    if not path.is_file():
        return None, f"input {shown!r} is no longer there; only the removed spans can be shown"
    config = parse_config(store.config, "resolved config")
    for item in read_file(InputFile(path, source, path.stat().st_size), config.readers):
        if isinstance(item, Document) and item.record == record:
            return _extracted(item, config), f"as read from {shown}"
    return None, f"{shown!r} no longer holds record {record}"


def _extracted(doc: Document, config) -> str:
    """The text the run's HTML-consuming stage made of `doc` (`Stage.consumes_html`)."""
    if doc.html is None:
        return doc.text
    from cleaner.stages.base import Transform

    spec = next((s for s in config.stages if s.stage_class.consumes_html), None)
    if spec is None:
        return doc.html
    stage = spec.stage_class(spec.settings)
    assert isinstance(stage, Transform), "a stage that consumes HTML turns it into text"
    return stage.transform(doc).text

