"""What every peer adapter shares: the task's parameters, the corpus reader, the shingles.

The task, for every tool: document-level near-duplicate removal with MinHash over word
5-grams of lowercase word tokens, 128 permutations (or the nearest band layout a tool
allows), Jaccard threshold 0.8, keeping the first document of each duplicate group in input
order and removing the rest.

A corpus is a JSONL file, or a folder of JSONL files read in sorted name order, one object
per line with at least `id` and `text`. An adapter writes the ids it removed (or, for a tool
that only reports what it kept, the ids it kept), one per line; the harness turns kept ids
into removed ones outside the timed run and compares them with the corpus's ground truth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

NGRAM = 5
NUM_PERM = 128
THRESHOLD = 0.8
SEED = 42

_WORD = re.compile(r"\w+")


@dataclass
class PeerResult:
    """What one adapter run produced: document ids, either the removed or the kept ones.

    `docs` is the number of documents the tool read, or None where it does not say.
    """

    tool: str
    version: str
    docs: int | None
    ids: set[str]
    ids_are: str = "removed"
    params: dict[str, object] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        """Write the ids (sorted, one per line) and a `.json` sidecar with everything else."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{doc_id}\n" for doc_id in sorted(self.ids)))
        meta = {"tool": self.tool, "version": self.version, "docs": self.docs, "ids_are": self.ids_are, "ids": len(self.ids), "params": self.params}
        path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")


def read_removed(path: Path, all_ids: list[str]) -> tuple[set[str], dict[str, object]]:
    """The removed ids and the metadata an adapter wrote with `PeerResult.write`.

    Kept ids are turned into removed ones here, against `all_ids` (the corpus's ids).
    """
    ids = {line for line in path.read_text().splitlines() if line}
    meta = json.loads(path.with_suffix(".json").read_text())
    if meta["ids_are"] == "kept":
        ids = {doc_id for doc_id in all_ids if doc_id not in ids}
    return ids, meta


def corpus_files(path: Path) -> list[Path]:
    """The JSONL files of a corpus: the file itself, or a folder's `*.jsonl`, sorted."""
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*.jsonl") if not p.name.startswith("."))
    if not files:
        raise FileNotFoundError(f"no .jsonl files under {path}")
    return files


def iter_docs(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of every document of the corpus at `path`, in order."""
    for file in corpus_files(path):
        with file.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    yield str(record["id"]), record["text"]


def word_shingles(text: str, n: int = NGRAM) -> list[str]:
    """The distinct word n-grams of `text`: lowercase `\\w+` tokens joined by one space.

    A document shorter than n words is one shingle (all its words), so it can still match
    an identical short document.
    """
    tokens = _WORD.findall(text.lower())
    if len(tokens) <= n:
        return [" ".join(tokens)] if tokens else []
    return list({" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)})


def package_version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)
