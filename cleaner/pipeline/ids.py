"""Document ids are unique across a run: dedup decisions, spans and clusters are keyed by them.

A record whose id an earlier record already used is, by `readers.duplicate_ids`, dropped
(`drop`, the default: a removed row, stage `read`, reason `duplicate_id`, `duplicate_of`
the id it repeats, under its positional id so that ids stay unique across data/ and
removed.parquet), an error row (`error`), or kept under a new id (`rename`:
`ID@SOURCE:RECORD`). The first record with an id always wins. Ids are known only once a
record is parsed, and parsing happens in the workers, so the check has two halves: a worker
handles repeats within its batch and the ids it was told are taken; the main process,
receiving batches in input order, holds every id seen so far and, in the rare case that a
batch uses an earlier batch's id, runs that batch again with those ids marked as taken
(until it uses none: each round marks more). The outcome is exactly that of checking record
by record in input order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from cleaner.document import Document, ReadFailure, ReadSkip
from cleaner.io.compression import strip_compression_suffix
from cleaner.io.items import record_id
from cleaner.io.readers import READERS


def reject_repeated_ids(items: list, taken: frozenset[str], policy: str, id_field: str | None) -> list:
    """`items` with every Document whose id is in `taken`, or repeats an earlier one of the
    batch, handled by `policy` (see the module docstring)."""
    seen: set[str] = set(taken)
    out = []
    for item in items:
        if isinstance(item, Document):
            item = _unique(item, seen, policy, id_field)
            if isinstance(item, Document):
                seen.add(item.id)
        out.append(item)
    return out


def _unique(doc: Document, seen: set[str], policy: str, id_field: str | None) -> Document | ReadSkip | ReadFailure:
    if doc.id not in seen:
        return doc
    if policy == "error":
        return duplicate_id_failure(doc, id_field)
    if policy == "rename":
        renamed = f"{doc.id}@{_positional(doc)}"
        if renamed not in seen:
            doc.id = renamed
            return doc
        return _dropped(doc, id_field, f"; its renamed id {renamed!r} is taken too")
    return _dropped(doc, id_field)


def _dropped(doc: Document, id_field: str | None, why: str = "") -> ReadSkip:
    kind = _id_kind(doc)
    field = f" of readers.id_field {id_field!r}" if kind == "id" else ""
    detail = f"an earlier record has the same {kind} {doc.id!r}{field} (readers.duplicate_ids: drop){why}"
    return ReadSkip(_positional(doc), doc.source, doc.record, "duplicate_id", detail,
                    doc.text if doc.html is None else doc.html, duplicate_of=doc.id)


def duplicate_id_failure(doc: Document, id_field: str | None) -> ReadFailure:
    """The error row of a repeated id, with the hint that fits where the id came from."""
    kind = _id_kind(doc)
    if kind == "WARC-Record-ID":
        hint = "the same capture is probably in two files (a .warc and its .warc.gz?)"
    elif kind == "positional id":
        hint = "an earlier record's own id is this record's path"
    else:
        hint = f"set readers.id_field (now {id_field!r}) to a unique field, or to null for positional ids"
    return ReadFailure(doc.source, doc.record, f"duplicate {kind} {doc.id!r}: an earlier record has it too; {hint}, "
                       "or set readers.duplicate_ids: drop to keep only the first")


_WEB_ARCHIVE_EXTENSIONS = next(reader.extensions for reader in READERS if reader.name == "webarchive")


def _id_kind(doc: Document) -> str:
    """Where a document's id came from, in the words of its input format: its WARC-Record-ID,
    its path (a positional id), or its own id field (JSONL, Parquet)."""
    if doc.id in (doc.source, record_id(doc.source, doc.record, multi=True)):
        return "positional id"
    if _suffix(doc.source) in _WEB_ARCHIVE_EXTENSIONS:
        return "WARC-Record-ID"
    return "id"


def _suffix(source: str) -> str:
    name = strip_compression_suffix(source.rsplit("/", 1)[-1])
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _positional(doc: Document) -> str:
    """The id the record would have without an own id: unique to its (source, record)."""
    return record_id(doc.source, doc.record, multi=True)


class IdRegistry:
    """Every id seen so far in the run, as 128-bit digests in sorted NumPy runs.

    16 bytes an id (10M records: 160 MB), instead of ~80 for a Python set of digests. A run
    is two aligned uint64 arrays, sorted by the digest's first half (`hi`, searched with
    `searchsorted`) and holding its second half (`lo`, compared on a hit). Runs merge like a
    binary counter (the newest run merges into the one before it while that one is not
    larger), so there are O(log n) runs to search and each digest is merged O(log n) times.
    A 128-bit digest makes a false "duplicate id" practically impossible (10^-24 for 10^7 ids).
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def taken(self, ids: Iterable[str]) -> frozenset[str]:
        """Those of `ids` that an earlier batch already used."""
        ids = list(ids)
        seen = self._seen(*_keys(ids))
        return frozenset(i for i, hit in zip(ids, seen) if hit)

    def add_new(self, ids: list[str]) -> bool:
        """Record `ids` unless one of them was seen before; False (nothing recorded) then."""
        hi, lo = _keys(ids)
        if self._seen(hi, lo).any():
            return False
        self._insert(hi, lo)
        return True

    def add(self, ids: Iterable[str]) -> None:
        self._insert(*_keys(list(ids)))

    def _seen(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        order = np.argsort(hi)  # sorted queries let searchsorted walk each run once
        hi, lo = hi[order], lo[order]
        found = np.zeros(len(hi), dtype=bool)
        for run_hi, run_lo in self._runs:
            left = np.searchsorted(run_hi, hi, "left")
            right = np.searchsorted(run_hi, hi, "right")
            single = right - left == 1
            found |= single & (run_lo[np.minimum(left, len(run_lo) - 1)] == lo)
            for k in np.flatnonzero(right - left > 1):  # equal first halves: ~never
                found[k] |= bool((run_lo[left[k]:right[k]] == lo[k]).any())
        unsorted = np.empty_like(found)
        unsorted[order] = found
        return unsorted

    def _insert(self, hi: np.ndarray, lo: np.ndarray) -> None:
        if not len(hi):
            return
        self._runs.append(_sorted(hi, lo))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= len(self._runs[-1][0]):
            (new_hi, new_lo), (old_hi, old_lo) = self._runs.pop(), self._runs.pop()
            self._runs.append(_sorted(np.concatenate((old_hi, new_hi)), np.concatenate((old_lo, new_lo))))


def _sorted(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(hi, kind="stable")  # timsort: merging two sorted runs is linear
    return hi[order], lo[order]


def _keys(ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(first halves, second halves) of the ids' 128-bit digests."""
    halves = np.frombuffer(b"".join(_key(i) for i in ids), dtype=np.uint64).reshape(-1, 2)
    return halves[:, 0].copy(), halves[:, 1].copy()


def _key(doc_id: str) -> bytes:
    return hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
