"""Document ids are unique across a run: dedup decisions, spans and clusters are keyed by them.

A record whose id an earlier record already used becomes an error row (the first one wins).
Ids are known only once a record is parsed, and parsing happens in the workers, so the check
has two halves: a worker rejects repeats within its batch and the ids it was told are taken;
the main process, receiving batches in input order, holds every id seen so far and, in the
rare case that a batch repeats an earlier batch's id, runs that batch again with those ids
marked as taken. The outcome is exactly that of checking record by record in input order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from cleaner.document import Document
from cleaner.io.readers.base import ReadFailure


def duplicate_id_failure(doc: Document) -> ReadFailure:
    return ReadFailure(doc.source, doc.record, f"duplicate id {doc.id!r}: an earlier record has the same id; "
                       "ids must be unique (set readers.id_field to a unique field, or to null for positional ids)")


def reject_repeated_ids(items: list, taken: frozenset[str]) -> list:
    """`items` with every Document whose id is in `taken`, or repeats an earlier one of the
    batch, replaced by its error row."""
    seen: set[str] = set(taken)
    out = []
    for item in items:
        if isinstance(item, Document):
            if item.id in seen:
                item = duplicate_id_failure(item)
            else:
                seen.add(item.id)
        out.append(item)
    return out


class IdRegistry:
    """Every id seen so far in the run, as 12-byte digests (memory: ~80 bytes an id)."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()

    def taken(self, ids: Iterable[str]) -> frozenset[str]:
        """Those of `ids` that an earlier batch already used."""
        return frozenset(i for i in ids if _key(i) in self._seen)

    def add_new(self, ids: list[str]) -> bool:
        """Record `ids` unless one of them was seen before; False (nothing recorded) then."""
        keys = [_key(i) for i in ids]
        if not self._seen.isdisjoint(keys):
            return False
        self._seen.update(keys)
        return True

    def add(self, ids: Iterable[str]) -> None:
        self._seen.update(_key(i) for i in ids)


def _key(doc_id: str) -> bytes:
    return hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=12).digest()
