"""Passage-level deduplication: cut sentences and paragraphs repeated from earlier documents.

The engine lives in `cleaner.dedup.passage_matching` (units, anchors, alignment, star clusters);
this module maps the options onto it, turns its verdicts into `Decisions` (per document the
passages to cut, with their cluster ids; clusters.parquet rows with offsets) and cuts them
with `TextEditor`, which reports each cut as a span with rule `duplicate_passage`.

A cluster member is cut only when cutting reads well; otherwise it stays in its document
and its clusters.parquet row says why (`kept` true, `flag`):

- `below_cut_threshold`: its similarity is under `cut_threshold` (0.8, the bar document
  dedup sets). Between `threshold` and that lie paraphrases ("Magnesium is a vital mineral
  involved in over 300 biochemical reactions in the human body, ..." against "Magnesium is
  involved in over 300 biochemical reactions in the body, ...": 0.71): the same claim in
  other words, worth knowing about, not worth a hole in the text.
- `would_leave_fragment`: the cut (with the cuts it touches) would start or end inside a
  sentence (a chunk of a sentence over `max_words`), or it opens a paragraph whose next
  sentence leans on it ("Its role in the nervous system ...", "However, ..."), which would
  then open the paragraph with a dangling reference (`passage_patterns.REFERS_BACK`).
  Decided where the text is, in the worker, by `plan_cuts`, which `apply` and
  `settle_rows` share.
- `action_flag`: `action: flag` cuts nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.dedup.passage_matching import (
    ACTION_CHOICES,
    PassageConfig,
    PassageIndex,
    PassageResult,
    sketch_passages,
)
from cleaner.document import Document, Drop, Edit
from cleaner.errors import ConfigError
from cleaner.options import Option, Settings
from cleaner.stages.base import Collector, Decisions, DocKey, GlobalStage, engine_config
from cleaner.stages.edits import TextEditor
from cleaner.stages.passage_patterns import REFERS_BACK, SENTENCE_END

RULE = "duplicate_passage"
#: Why a later copy stayed in its document (the `flag` column of clusters.parquet).
BELOW_CUT = "below_cut_threshold"
FRAGMENT = "would_leave_fragment"
FLAG_ONLY = "action_flag"


@dataclass(frozen=True, slots=True)
class Removal:
    """A passage to cut: offsets in the text the stage receives, its cluster, its similarity."""

    start: int
    end: int
    cluster_id: str
    similarity: float


class PassageDedup(GlobalStage):
    """Sentences and short paragraphs that recur (with small variations) in earlier documents
    are cut from the later ones; the first occurrence stays."""

    name = "passages"
    runs_after = (("boilerplate", "known page chrome must be removed first or it forms false passage clusters"),)
    options = (
        Option("min_words", int, 8, "words a sentence needs to be a passage of its own; shorter ones join a "
               "neighbour on their line", minimum=2),
        Option("max_words", int, 100, "longer sentences are compared in chunks of this many words", minimum=8),
        Option("threshold", float, 0.6, "share of the shorter passage's words that must align, in order, with "
               "the other passage", minimum=0.01, maximum=1.0),
        Option("min_run", int, 8, "words the two passages must share in one verbatim run; every such pair is "
               "guaranteed to be examined", minimum=2),
        Option("ngram", int, 5, "words per anchor shingle (at most min_run)", minimum=1, maximum=32),
        Option("cut_threshold", float, 0.8, "similarity a later copy needs to be cut, the bar document dedup "
               "sets; copies from threshold up to it (paraphrases) are only flagged in clusters.parquet",
               minimum=0.01, maximum=1.0),
        Option("action", str, "remove", "remove: cut later occurrences; flag: only record the clusters",
               choices=ACTION_CHOICES),
        Option("max_partners", int, 4, "candidates each passage gets from one anchor shared by many passages "
               "(the earliest ones); bounds the cost of site-wide footers", minimum=1),
        Option("min_informative", int, 3, "informative words (neither stopwords nor common in the corpus) the "
               "aligned words of a partial match must include, so that stock phrases ('one of the worst movies I "
               "have ever seen') do not count as passages; 0 turns the test off", minimum=0),
        Option("whole_words", int, 12, "a repeat covering nearly all of both passages (a disclaimer, a footer) "
               "needs no informative words when the shorter one has at least this many words", minimum=2),
        Option("max_df", float, 0.01, "a word in more than this share of the documents is common, not informative",
               minimum=0.0001, maximum=1.0),
        Option("df_min_docs", int, 1000, "documents a corpus needs before word frequencies count; smaller ones "
               "judge informativeness by the stopword list alone", minimum=1),
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        try:
            self.config: PassageConfig = engine_config(PassageConfig, settings)
        except ValueError as exc:
            raise ConfigError(f"stages.passages: {exc}") from None

    @classmethod
    def check_settings(cls, settings: Settings) -> None:
        engine_config(PassageConfig, settings)

    def sketch(self, docs: list[Document]) -> Any:
        return sketch_passages([doc.text for doc in docs], self.config)

    def collector(self, workdir: Path) -> Collector:
        return PassageCollector(self.config, workdir, self.settings.cut_threshold)

    def apply(self, doc: Document, decision: Any) -> Edit | Drop | None:
        if not decision:
            return None
        cut, withheld = plan_cuts(doc.text, decision)
        edit = cut_passages(doc.text, cut, self.name) if cut else Edit(text=doc.text)
        if withheld:
            edit.counts[FRAGMENT] = len(withheld)
        return edit

    def settle_rows(self, text: str, decision: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The document's cluster rows with the cuts `apply` withholds marked kept (FRAGMENT)."""
        if not decision:
            return rows
        _, withheld = plan_cuts(text, decision)
        held = {(r.start, r.end) for r in withheld}
        return [{**row, "kept": True, "flag": FRAGMENT} if not row["kept"] and (row["start"], row["end"]) in held else row
                for row in rows]


class PassageCollector(Collector):
    """Feeds sketches to a `PassageIndex` and turns its result into `Decisions`."""

    def __init__(self, config: PassageConfig, workdir: Path, cut_threshold: float = 0.8) -> None:
        self.config = config
        self.cut_threshold = cut_threshold
        self.index = PassageIndex(config, workdir)

    def add(self, docs: list[DocKey], sketch: Any) -> None:
        self.index.add([d.id for d in docs], sketch)

    def finish(self) -> Decisions:
        return passage_decisions(self.index.finish(), self.config.action, self.cut_threshold)


def passage_decisions(result: PassageResult, action: str, cut_threshold: float = 0.8) -> Decisions:
    """Cluster rows (keeper first, members in input order) and, for `remove`, the cuts of
    the members at or above `cut_threshold`; the others are flagged (module docstring)."""
    decisions = Decisions(stats=dict(result.stats))
    members: dict[int, list[int]] = {}
    for u in result.members():
        members.setdefault(int(result.owner[u]), []).append(int(u))
    below = 0
    for keeper in sorted(members):
        cluster_id = result.cluster_id(keeper)
        decisions.clusters.append(_row(result, cluster_id, keeper, True, None, 1.0))
        for u in members[keeper]:
            sim = float(result.similarity[u])
            flag = FLAG_ONLY if action != "remove" else BELOW_CUT if sim < cut_threshold else None
            below += flag == BELOW_CUT
            decisions.clusters.append(_row(result, cluster_id, u, flag is not None, flag, sim))
            if flag is None:
                doc_id = result.ids[result.doc[u]]
                cut = Removal(int(result.start[u]), int(result.end[u]), cluster_id, sim)
                decisions.per_doc.setdefault(doc_id, []).append(cut)
    decisions.stats[f"flagged_{BELOW_CUT}"] = below
    return decisions


def _row(result: PassageResult, cluster_id: str, unit: int, kept: bool, flag: str | None,
         similarity: float) -> dict[str, Any]:
    """A clusters.parquet row: the keeper (kept, no flag), a cut member (not kept) or a
    flagged one (kept, with the reason)."""
    return {"cluster_id": cluster_id, "level": "passage", "doc_id": result.ids[result.doc[unit]], "kept": kept,
            "similarity": similarity, "start": int(result.start[unit]), "end": int(result.end[unit]), "flag": flag}


def plan_cuts(text: str, removals: list[Removal]) -> tuple[list[Removal], list[Removal]]:
    """(cut, withheld): the removals that read well once cut, and those that would leave a
    fragment. Removals that touch (once `_cut_end` extends them) are judged together: a
    sentence repeated whole is several units, and only the whole run must read well."""
    cut: list[Removal] = []
    withheld: list[Removal] = []
    for run in _touching_runs(text, sorted(removals, key=lambda r: r.start)):
        (cut if _reads_well(text, run[0].start, run[-1].end) else withheld).extend(run)
    return cut, withheld


def _touching_runs(text: str, removals: list[Removal]) -> list[list[Removal]]:
    runs: list[list[Removal]] = []
    for removal in removals:
        if runs and removal.start <= _cut_end(text, runs[-1][-1].start, runs[-1][-1].end):
            runs[-1].append(removal)
        else:
            runs.append([removal])
    return runs


def _reads_well(text: str, start: int, end: int) -> bool:
    """Whether cutting text[start:end] leaves whole sentences that stand on their own: it
    starts where a sentence (or the paragraph) starts and ends where one ends (or the
    paragraph does), and, when it opens the paragraph, the sentence that then opens it does
    not refer back to what was cut. (Mid-paragraph, a sentence that refers back still has
    the sentence before the cut to lean on: in pages where a sentence was copied in, that
    is the one it leaned on before the copy.)"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start].rstrip()
    after = text[end : len(text) if line_end < 0 else line_end].strip()
    if before and not SENTENCE_END.search(before):
        return False
    if not after:
        return True
    if not SENTENCE_END.search(text[start:end].rstrip()):
        return False
    return bool(before) or not REFERS_BACK.match(after)


def cut_passages(text: str, removals: list[Removal], stage: str = "passages") -> Edit:
    """Cut the passages (see `_cut_end` for the white space around them); spans carry cluster ids.

    Units never overlap, but neighbouring cuts are merged by the editor: the merged span
    keeps the first cut's cluster id.
    """
    cuts = sorted((r.start, _cut_end(text, r.start, r.end), r.cluster_id) for r in removals)
    merged: list[list[Any]] = []
    for start, end, cluster_id in cuts:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, cluster_id])
    editor = TextEditor(text, stage)
    editor.delete([(start, end, RULE) for start, end, _ in merged])
    editor.spans = [dataclasses.replace(span, cluster_id=cut[2]) for span, cut in zip(editor.spans, merged)]
    editor.tidy()
    return Edit(text=editor.text, spans=editor.spans, position=editor.current_offset)


def _cut_end(text: str, start: int, end: int) -> int:
    """Extend a cut over the spaces after it, and over the line break when it takes a whole
    line, so that cutting never leaves a gap of two spaces or an empty line."""
    stop = end
    while stop < len(text) and text[stop] in " \t\u00a0":
        stop += 1
    whole_line = start == 0 or text[start - 1] == "\n"
    if whole_line and stop < len(text) and text[stop] == "\n":
        stop += 1
    return stop
