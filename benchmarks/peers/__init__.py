"""Adapters that run other deduplication tools on our benchmark corpora.

Each adapter runs one tool the way its documentation recommends for document-level MinHash
near-duplicate removal (word 5-grams, ~128 permutations, Jaccard threshold 0.8, first
document of a group kept) and reports the ids it removed. `python -m peers TOOL ...` (with
benchmarks/ on the path) runs one adapter in its own process, so the harness measures each
tool's time and memory apart. `python -m peers check` verifies every installed adapter on a
tiny corpus with known duplicates.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peers.common import PeerResult


@dataclass(frozen=True)
class Peer:
    """One tool: the adapter module, the import name to probe, the PyPI distribution."""

    name: str
    adapter: str
    import_name: str
    distribution: str

    def installed(self) -> bool:
        return importlib.util.find_spec(self.import_name) is not None

    def runner(self) -> Callable[[Path, Path, int], PeerResult]:
        return importlib.import_module(self.adapter).run


PEERS: dict[str, Peer] = {
    peer.name: peer
    for peer in (
        Peer("datatrove", "peers.datatrove_minhash", "datatrove", "datatrove"),
        Peer("text-dedup", "peers.textdedup_minhash", "text_dedup", "text-dedup"),
        Peer("rensa", "peers.rensa_minhash", "rensa", "rensa"),
        Peer("datasketch", "peers.datasketch_minhash", "datasketch", "datasketch"),
    )
}


def installed_peers() -> list[str]:
    return [name for name, peer in PEERS.items() if peer.installed()]


def choose_peers(spec: str | None, known: list[str]) -> list[str]:
    """The peers a `--peers a,b` option asks for (all of `known` when None, none for
    "none"), less those not installed (with a note); exits on a name not in `known`."""
    import sys

    if spec is not None and spec.strip().lower() in ("", "none"):
        return []
    have = set(installed_peers())
    wanted = spec.split(",") if spec else list(known)
    unknown = [p for p in wanted if p not in known]
    if unknown:
        sys.exit(f"error: unknown peer {', '.join(unknown)}; known: {', '.join(known)}")
    missing = [p for p in wanted if p not in have]
    if missing:
        print(f"note: not installed, skipped: {', '.join(missing)} (see benchmarks/README.md: Install the peers)")
    return [p for p in wanted if p in have]
