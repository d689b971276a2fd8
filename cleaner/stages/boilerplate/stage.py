"""The `boilerplate` stage: named deletion rules over plain text, run to a fixed point.

Every rule of `registry.RULES` that config enables runs in order, each on the text the
previous one left; each removal is a span carrying its rule name, in the offsets of the text
the stage received. One rule's deletion can expose work for another (removing comment
headers leaves a run of headings), so rules keep running in cycle until every enabled rule
has run once on the final text without finding anything; the stage is therefore idempotent.
A document left empty is returned empty: the pipeline drops it with reason `empty`.
Text the html stage extracted (`Document.extracted`) is spared the rules that are precise
only on scraped text (`registry.RAW_TEXT_ONLY`). The fields found (author, date, title)
are read back by `fields.page_fields`.
"""

from __future__ import annotations

from typing import ClassVar

from cleaner.document import COMMENTS_OFFSET, Document
from cleaner.options import Option, Settings
from cleaner.stages.base import Edit, Transform
from cleaner.stages.boilerplate.comments import first_kept_comment
from cleaner.stages.boilerplate.fields import page_fields
from cleaner.stages.boilerplate.guard import (
    contiguous_pieces,
    label_runs,
    safe_deletions,
)
from cleaner.stages.boilerplate.options import COMMENT_POLICIES, RuleOptions
from cleaner.stages.boilerplate.registry import BLOCKS, LINES, RAW_TEXT_ONLY, RULES, Rule
from cleaner.stages.boilerplate.text import short_lines
from cleaner.stages.edits import Deletion, TextEditor

#: Rule runs allowed, as a multiple of the number of rules, before giving up on a fixed point.
MAX_CYCLES = 6


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
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        enabled = settings["rules"]
        self._rules: tuple[Rule, ...] = tuple(r for r in RULES if enabled[r.name])
        self._extracted_rules = tuple(r for r in self._rules if r.name not in RAW_TEXT_ONLY)
        self._policy: str = settings["comments"]

    def transform(self, doc: Document) -> Edit:
        """Apply the enabled rules until the text stops changing, then tidy whitespace."""
        editor = TextEditor(doc.text, self.name)
        opts = RuleOptions(comments=self._policy, author=doc.author)
        rules = self._extracted_rules if doc.extracted else self._rules
        budget = MAX_CYCLES * len(rules)
        while budget > 0 and self._settle(editor, opts, rules):
            budget -= len(rules)
            if not _tidy(editor):
                break
        fields = {
            key: value
            for key, value in page_fields(editor).items()
            if getattr(doc, key) is None
        }
        spans = sorted(editor.spans, key=lambda span: span.offset)
        comments = first_kept_comment(spans, editor.text, editor.current_offset)
        metadata = {COMMENTS_OFFSET: comments} if comments is not None else {}
        return Edit(editor.text, spans, fields, metadata=metadata, position=editor.current_offset)

    def _settle(self, editor: TextEditor, opts: RuleOptions, rules: tuple[Rule, ...]) -> bool:
        """Run the rules in cycle until all of them pass over the text in a row; any deletion?"""
        count = len(rules)
        changed = False
        quiet = 0
        i = 0
        budget = MAX_CYCLES * count
        lacking = _lacking(editor.text)
        while quiet < count and budget > 0:
            rule = rules[i]
            i = (i + 1) % count
            budget -= 1
            if rule.scope & lacking:
                quiet += 1
                continue
            found = rule.func(editor.text, opts)
            if found and _apply(editor, found):
                changed = True
                quiet = 0
                lacking = _lacking(editor.text)
            else:
                quiet += 1
        return changed


def _lacking(text: str) -> int:
    """The scopes `text` cannot satisfy: rules with these scopes would find nothing."""
    return (0 if short_lines(text) else LINES) | (0 if "\n" in text else BLOCKS)


def _apply(editor: TextEditor, found: list[Deletion]) -> bool:
    """Apply one rule's deletions through the word guard; whether anything was deleted."""
    pieces = safe_deletions(editor.text, found)
    if editor.text is not editor.original:
        pieces = contiguous_pieces(pieces, editor.original_offset)
    deleted = 0
    for batch in label_runs(pieces):
        deleted += editor.delete(batch)
    return deleted > 0


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
