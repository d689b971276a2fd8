"""The `boilerplate` stage: named deletion rules over plain text, run to a fixed point.

Every rule of `registry.RULES` that config enables runs in order, each on the text the
previous one left; each removal is a span carrying its rule name, in the offsets of the text
the stage received. One rule's deletion can expose work for another (removing comment
headers leaves a run of headings), so rules keep running in cycle until every enabled rule
has run once on the final text without finding anything (or is skipped there because it
provably finds nothing, see `quiet`); the stage is therefore idempotent.
A document left empty is returned empty: the pipeline drops it with reason `empty`.
Text the html stage extracted (`Document.extracted`) is spared the rules that are precise
only on scraped text (`registry.RAW_TEXT_ONLY`). The fields found (author, date, title)
are read back by `fields.page_fields`.

Then the line model (`line_model`) judges every line of the text the stage received from
evidence that transfers across sites; what is left of each line it calls boilerplate is
deleted with rule `line_model`, the span carrying the model's probability as its score. The
named rules run first, so their precise work (bylines moved to `author` and `date`,
press-wire datelines cut out of a sentence, comment spam) is done whatever the model
decides; only the per-line chrome rules and the layout rules (`registry.AFTER_MODEL`) wait
until the model has judged the page, and then run on what it left, which is far less to
scan. Extracted text is not judged by the model: the html stage already chose its
lines from the page's DOM, which the model (trained on flattened pages) cannot see.

Every pattern is linear-time (tests/stages/test_boilerplate_stage.py feeds the pathological
lines), and rule cycles and model rounds are bounded; as a last guard against a page no
test foresaw, a document that runs past `timeout_s` is returned unmodified and counted
in `budget_exceeded`, so one page never holds up a worker. That guard depends on the
machine's speed: set the limit far above what a normal page takes (the default is far
above the slowest page benchmarks/textpages.py measures), or 0 for none.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from cleaner.document import COMMENTS_OFFSET, Document, Edit
from cleaner.options import Option, Settings
from cleaner.stages.base import Transform
from cleaner.stages.boilerplate import line_model
from cleaner.stages.boilerplate.comments import first_kept_comment
from cleaner.stages.boilerplate.fields import page_fields
from cleaner.stages.boilerplate.guard import (
    contiguous_pieces,
    label_runs,
    safe_deletions,
)
from cleaner.stages.boilerplate.line_features import LineMeasures
from cleaner.stages.boilerplate.quiet import QuietLines
from cleaner.stages.boilerplate.registry import AFTER_MODEL, BLOCKS, LINES, RAW_TEXT_ONLY, RULES, Rule
from cleaner.stages.boilerplate.rule_options import COMMENT_POLICIES, RuleOptions
from cleaner.stages.boilerplate.text import has_short_line
from cleaner.stages.edits import Deletion, TextEditor
from cleaner.stages.html_timeout import TimeLimitExceeded, call_with_time_limit

#: Rule runs allowed, as a multiple of the number of rules, before giving up on a fixed point.
MAX_CYCLES = 6
#: Line-model rounds allowed before a page counts as unsettled (most settle in two or three).
MAX_MODEL_ROUNDS = 8


class Boilerplate(Transform):
    """Removes page chrome, bylines, comment spam, press-release furniture and markup residue."""

    name = "boilerplate"
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "rules",
            dict,
            None,
            "which rules run (all on by default)",
            fields=tuple(Option(rule.name, bool, True, rule.doc) for rule in RULES),
        ),
        Option(
            "comments",
            str,
            COMMENT_POLICIES[0],
            "comment threads: drop spam comments, drop all comments, or keep all "
            "(their headers go in every case)",
            choices=COMMENT_POLICIES,
        ),
        Option(
            "line_model",
            bool,
            True,
            "judge every line with the shipped line model (shape, neighbours, place in the "
            "page) and delete the lines it calls boilerplate",
        ),
        Option(
            "line_threshold",
            float,
            None,
            "content probability below which the line model deletes a line (null: the "
            "threshold it was trained with; lower keeps more)",
            minimum=0,
            maximum=1,
            nullable=True,
        ),
        Option(
            "timeout_s",
            float,
            60.0,
            "seconds one document may take before it is kept unmodified and counted in "
            "`budget_exceeded` (0: no limit)",
            minimum=0,
        ),
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        enabled = settings["rules"]
        self._rules: tuple[Rule, ...] = tuple(r for r in RULES if enabled[r.name])
        self._extracted_rules = tuple(r for r in self._rules if r.name not in RAW_TEXT_ONLY)
        self._before_model = tuple(r for r in self._rules if r.name not in AFTER_MODEL)
        self._policy: str = settings["comments"]
        self._model = line_model.load() if settings["line_model"] else None
        threshold = settings["line_threshold"]
        self._threshold = self._model.threshold if threshold is None and self._model else threshold
        self._time_limit: float = settings["timeout_s"]

    def transform(self, doc: Document) -> Edit:
        """The cleaned document, or the document unmodified when it ran past the time limit."""
        try:
            return call_with_time_limit(self._time_limit, lambda: self._clean(doc))
        except TimeLimitExceeded:
            return Edit(doc.text, counts={"budget_exceeded": 1})

    def _clean(self, doc: Document) -> Edit:
        """Apply the enabled rules until the text stops changing, then the line model."""
        editor = TextEditor(doc.text, self.name)
        opts = RuleOptions(comments=self._policy, author=doc.author)
        rules = self._extracted_rules if doc.extracted else self._rules
        quiet = QuietLines()
        judge = self._model is not None and not doc.extracted
        self._run_rules(editor, opts, self._before_model if judge else rules, quiet)
        counts = self._run_model(editor, opts, rules, quiet) if judge else {}
        fields = {
            key: value
            for key, value in page_fields(editor).items()
            if getattr(doc, key) is None
        }
        spans = sorted(editor.spans, key=lambda span: span.offset)
        comments = first_kept_comment(spans, editor.text, editor.current_offset)
        metadata = {COMMENTS_OFFSET: comments} if comments is not None else {}
        return Edit(editor.text, spans, fields, counts=counts, metadata=metadata, position=editor.current_offset)

    def _run_rules(self, editor: TextEditor, opts: RuleOptions, rules: tuple[Rule, ...], quiet: QuietLines) -> None:
        """The named rules, in cycle, until none finds anything (whitespace tidied)."""
        budget = MAX_CYCLES * len(rules)
        while budget > 0 and self._settle(editor, opts, rules, quiet):
            budget -= len(rules)
            if not _tidy(editor):
                break

    def _run_model(
        self, editor: TextEditor, opts: RuleOptions, rules: tuple[Rule, ...], quiet: QuietLines
    ) -> dict[str, int]:
        """Model rounds until one judges the current text and deletes nothing.

        The first round judges the text the stage received, as the model was trained (with
        its Markdown links and every line of chrome); what is left of its lines goes. A
        decision depends on the lines around, so later rounds judge the text as it now is,
        with the rules run again in between, until a round deletes nothing: the stage is
        then idempotent (its output is a text the model and the rules leave alone). A page
        that has not settled after MAX_MODEL_ROUNDS is counted in `line_model_unsettled`.
        Most lines are the same in every round, so their measures are worked out once.
        """
        assert self._model is not None
        measures = self._model.measures()
        for round_ in range(MAX_MODEL_ROUNDS):
            first = round_ == 0
            judged = editor.original if first else editor.text
            found = self._boilerplate_lines(judged, measures)
            deleted = _delete_lines(editor, found) if first else _delete_current(editor, found)
            if deleted:
                _tidy(editor)
            if deleted or first:  # the first time for the rules of AFTER_MODEL
                self._run_rules(editor, opts, rules, quiet)
            if editor.text == judged:
                return {}
        return {"line_model_unsettled": 1}

    def _boilerplate_lines(self, text: str, measures: LineMeasures) -> list[tuple[int, int, float]]:
        """(start, end, score) of each line of `text` the model calls boilerplate; `end`
        takes the line's newline, `score` is the model's probability of boilerplate."""
        if "\n" not in text.strip():
            return []
        assert self._model is not None
        lines = text.split("\n")
        keep, content = self._model.scores(lines, measures)
        starts = np.cumsum([0] + [len(line) + 1 for line in lines])
        return [
            (int(starts[i]), min(int(starts[i + 1]), len(text)), round(1.0 - float(p), 4))
            for i, p in zip(keep, content)
            if p < self._threshold
        ]

    def _settle(self, editor: TextEditor, opts: RuleOptions, rules: tuple[Rule, ...], quiet: QuietLines) -> bool:
        """Run the rules in cycle until all of them pass over the text in a row; any deletion?

        A rule is not run on the whole text where it provably finds nothing there: its scope
        is lacking, no line passes its trigger, or it decides line by line and finds nothing
        in the lines it has not seen (`quiet`).
        """
        count = len(rules)
        changed = False
        passed = 0
        i = 0
        budget = MAX_CYCLES * count
        lacking = _lacking(editor.text)
        while passed < count and budget > 0:
            rule = rules[i]
            i = (i + 1) % count
            budget -= 1
            if rule.scope & lacking or quiet.finds_nothing(rule, editor.text, opts):
                passed += 1
                continue
            found = rule.func(editor.text, opts)
            quiet.ran(rule, editor.text, bool(found))
            if found and _apply(editor, found):
                changed = True
                passed = 0
                lacking = _lacking(editor.text)
            else:
                passed += 1
        return changed


def _delete_lines(editor: TextEditor, lines: list[tuple[int, int, float]]) -> bool:
    """Delete what the named rules left of each judged line; whether anything went."""
    if not lines:
        return False
    pieces = editor.surviving_ranges([(start, end) for start, end, _ in lines])
    ranges = [
        (lo, hi, "line_model", score)
        for (_, _, score), survived in zip(lines, pieces)
        for lo, hi in survived
        if editor.text[lo:hi].strip()
    ]
    return editor.delete_scored(ranges) > 0


def _delete_current(editor: TextEditor, lines: list[tuple[int, int, float]]) -> bool:
    """Delete judged lines of the current text, each cut where earlier deletions joined
    pieces of the input (a span is one piece of the input); whether anything went."""
    ranges = [
        (lo, hi, rule, score)
        for start, end, score in lines
        for lo, hi, rule in contiguous_pieces([(start, end, "line_model")], editor.original_offset)
    ]
    return editor.delete_scored(ranges) > 0


def _lacking(text: str) -> int:
    """The scopes `text` cannot satisfy: rules with these scopes would find nothing."""
    return (0 if has_short_line(text) else LINES) | (0 if "\n" in text else BLOCKS)


def _apply(editor: TextEditor, found: list[Deletion]) -> bool:
    """Apply one rule's deletions through the word guard; whether anything was deleted."""
    pieces = safe_deletions(editor.text, found)
    if editor.text is not editor.original:
        pieces = contiguous_pieces(pieces, editor.original_offset)
    return editor.delete_batches(label_runs(pieces)) > 0


def _tidy(editor: TextEditor) -> bool:
    """Tidy whitespace when deletions left some to tidy; whether the text changed.

    The checks are substring tests, so a text without stray whitespace costs nothing.
    """
    text = editor.text
    if not text:
        return False
    untidy = (
        text[0].isspace()
        or text[-1].isspace()
        or "\n\n\n" in text
        or " \n" in text
        or "\t\n" in text
        or "\u00a0\n" in text
    )
    if not untidy:
        return False
    editor.tidy()
    return editor.text != text
