"""Keeper choice and clustering: exact groups first, then star clusters around keepers.

Documents are ranked by keeper priority (rank 0 = the best keeper) and processed in that
order: a document nobody has claimed becomes a keeper and claims every unclaimed document
whose verified similarity *to it* reaches the threshold. Nothing joins through a chain of
non-keepers, so every dropped document is verifiably similar to the one it is dropped for.
Ranks are a total order (ties broken by document id), so the outcome depends only on the
set of documents and their texts, never on batching, worker count or, except for
`first`, input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cleaner.dedup import kernels

KEEP_CHOICES = ("first", "longest", "best")


def quality_score(text: str, words: int, alpha_words: int, word_chars: int) -> float:
    """A 0..1 score of how much a text looks like prose, for `keep: best`.

    Product of three factors, each 1.0 for clean prose: the share of words made of letters
    only (markup debris and numbers lower it), a mean word length within 3..10 characters
    (outside it the factor decays linearly to 0 at 0 and at 20 characters: token soup or
    glued URLs), and the share of non-empty lines that are not repeats of an earlier line
    (menus and boilerplate repeated inside the page lower it). Rounded to 6 decimals so
    that equal-looking texts tie and fall back to the id order.
    """
    if words == 0:
        return 0.0
    alpha = alpha_words / words
    mean = word_chars / words
    length = 1.0 if 3.0 <= mean <= 10.0 else max(0.0, mean / 3.0 if mean < 3.0 else (20.0 - mean) / 10.0)
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    unique = len(set(lines)) / len(lines) if lines else 1.0
    return round(alpha * length * unique, 6)


def priority_ranks(keep: str, ids: Sequence[str], lengths: np.ndarray | None = None,
                   scores: np.ndarray | None = None) -> np.ndarray:
    """Rank of each document (0 = kept first): input order, longest first, or best first.

    `longest` and `best` break ties by document id (string order), so their ranks do not
    depend on input order.
    """
    n = len(ids)
    if keep == "first":
        return np.arange(n, dtype=np.int64)
    if keep == "longest":
        assert lengths is not None
        values = -np.asarray(lengths, dtype=np.float64)
    elif keep == "best":
        assert scores is not None
        values = -np.asarray(scores, dtype=np.float64)
    else:
        raise ValueError(f"keep must be one of {KEEP_CHOICES}, got {keep!r}")
    order = sorted(range(n), key=lambda i: (values[i], ids[i]))
    rank = np.empty(n, dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    return rank


def exact_groups(keys: np.ndarray, rank: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """For each item, the best-ranked item with the same 128-bit key, or -1 if it is that one.

    `keys` is (n, 2) uint64; ineligible items (empty texts) are never grouped.
    """
    n = len(rank)
    leader = np.full(n, -1, dtype=np.int64)
    items = np.flatnonzero(eligible)
    if len(items) < 2:
        return leader
    order = items[np.lexsort((rank[items], keys[items, 1], keys[items, 0]))]
    k = keys[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (k[1:, 0] != k[:-1, 0]) | (k[1:, 1] != k[:-1, 1])
    head = order[np.flatnonzero(new)[np.cumsum(new) - 1]]
    leader[order] = np.where(head == order, -1, head)
    return leader


def star_clusters(left: np.ndarray, right: np.ndarray, similarity: np.ndarray, rank: np.ndarray,
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    """Star clustering over verified edges; returns (owner, similarity to owner) per item.

    Each edge (left, right) must already satisfy the threshold; the two ends are put in
    priority order here. `owner[i]` is the keeper item i joined (-1 for keepers and
    singletons) and `sim[i]` its verified similarity to that keeper.
    """
    sim_to_owner = np.zeros(n, dtype=np.float64)
    if len(left) == 0:
        return np.full(n, -1, dtype=np.int64), sim_to_owner
    swap = rank[left] > rank[right]
    better = np.where(swap, right, left)
    worse = np.where(swap, left, right)
    order = np.lexsort((rank[worse], rank[better]))
    owner, claimed = kernels.star_assign(better[order], worse[order], n)
    sim_to_owner[worse[order][claimed]] = similarity[order][claimed]
    return owner.copy(), sim_to_owner


def cluster_sizes(owner: np.ndarray) -> dict[int, int]:
    """Keeper item -> cluster size (keeper included), for keepers that claimed anyone."""
    members = owner[owner >= 0]
    keepers, counts = np.unique(members, return_counts=True)
    return {int(k): int(c) + 1 for k, c in zip(keepers, counts)}
