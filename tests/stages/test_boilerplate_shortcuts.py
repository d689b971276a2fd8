"""The boilerplate stage's shortcuts change no decision.

The stage skips work it can prove would find nothing or that it has done before: rules whose
lines it has seen (`quiet.QuietLines`, resting on `registry.PER_LINE` and the rules'
triggers), byline patterns a line without a digit cannot match, a caption's word pairs
looked up in one index per page, line measures kept across the model's rounds, lines and
blocks built in bulk, whether a text has a short line found without listing them, the
editor's segments moved in bulk, a rule's touching pieces deleted with one rebuild. Each is
checked here against the plain computation it replaces, on generated pages that mix the
material the rules react to.
"""

from __future__ import annotations

import bisect
import re
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.options import defaults
from cleaner.stages.boilerplate import Boilerplate, line_model
from cleaner.stages.boilerplate import line_features as lf
from cleaner.stages.boilerplate import patterns as pat
from cleaner.stages.boilerplate import rules_layout as lay
from cleaner.stages.boilerplate import rules_markup as mk
from cleaner.stages.boilerplate import rules_meta as meta
from cleaner.stages.boilerplate import rules_press as pr
from cleaner.stages.boilerplate import stage as stage_module
from cleaner.stages.boilerplate import text as tx
from cleaner.stages.boilerplate.guard import label_runs
from cleaner.stages.boilerplate.quiet import QuietLines
from cleaner.stages.boilerplate.registry import PER_LINE, RULES
from cleaner.stages.boilerplate.rule_options import COMMENT_POLICIES, RuleOptions
from cleaner.stages.edits import TextEditor
from tests.stages.test_boilerplate_properties import FRAGMENTS, SEPARATORS

#: Lines that the per-line and triggered rules react to, besides the stage's own fragments.
LINES = [
    "Posted in Health | Tagged magnesium, sleep", "Tags: a, b", "Sexual Health (179)",
    "Archives (4) March (3) April (2)", "Replies: 0 • Views: 1,318", "Follow us on Twitter!",
    "Physics · Chemistry · Biology · Maths", "History [edit]", "Log in", "Accept all cookies",
    "Enter your email address", "Sign up for our newsletter", "Reading time: 4 min",
    "Copyright 2021 Example", "All rights reserved.", "Tel: +1 640-930-7327", "Media Contact",
    "By Kelly Smith", "Published: March 1, 2019", "12 May 2019", "John Smith says:",
    "Ann 3.4.2019 um 10:15 Uhr", "[1]", "2.", "- item one", "| pipe |", "Home » News » Today",
    "Medical Disclaimer", "This site is for educational purposes only.", "*", "_x_", "#",
    "Legal Disclaimer:", "EIN Presswire's priority is source transparency.", "SOURCE Acme Corp", "===",
    "- - -", "News provided by Acme", "Originally published at x",
]
piece = st.one_of(
    st.sampled_from(FRAGMENTS + LINES),
    st.text(alphabet="ab cXY.,:-*_#<>[]()&;|@19\n“”•/", max_size=12),
)
page = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=24).map(
    lambda parts: "".join(p + s for p, s in parts)
)
options = st.builds(
    RuleOptions, st.sampled_from(COMMENT_POLICIES), st.sampled_from([None, "John Smith", "Kelly"])
)
PER_LINE_RULES = [rule for rule in RULES if rule.name in PER_LINE]
TRIGGERED = [rule for rule in RULES if rule.trigger is not None]
STAGE = Boilerplate(defaults(Boilerplate.options))


@settings(max_examples=400, deadline=None)
@given(page, options)
def test_a_per_line_rule_finds_something_exactly_where_one_of_its_lines_alone_does(text: str, opts: RuleOptions) -> None:
    """What lets the stage learn from a whole text and ask about new lines joined up."""
    lines = text.split("\n")
    for rule in PER_LINE_RULES:
        assert bool(rule.func(text, opts)) == any(rule.func(line, opts) for line in lines), rule.name


@settings(max_examples=400, deadline=None)
@given(page, options)
def test_a_rule_finds_nothing_where_no_line_passes_its_trigger(text: str, opts: RuleOptions) -> None:
    lines = text.split("\n")
    for rule in TRIGGERED:
        if rule.func(text, opts):
            assert rule.trigger is not None and any(map(rule.trigger, lines)), rule.name


class _NeverQuiet(QuietLines):
    """Runs every rule on every text: the stage as it is without the shortcut."""

    def finds_nothing(self, *args: object) -> bool:
        return False


def _outcome(text: str) -> tuple:
    edit = STAGE.transform(Document(id="p", text=text, source="p"))
    spans = [(s.rule, s.offset, s.text, s.score) for s in edit.spans]
    return edit.text, spans, edit.fields, edit.counts, edit.metadata


@settings(max_examples=200, deadline=None)
@given(st.lists(page, min_size=1, max_size=4).map("\n\n".join))
def test_the_stage_decides_the_same_without_skipping_rules(text: str) -> None:
    with mock.patch.object(stage_module, "QuietLines", _NeverQuiet):
        expected = _outcome(text)
    assert _outcome(text) == expected


_DATELINE = "SYDNEY, Australia, May 2, 2022 /EINPresswire.com/ -- "
_BLANKS = ["\n\n", "\n \n", "\n\n\n", "\n\u00a0\n\t\n", "\n"]
#: A paragraph longer than the head the rule reads of a block.
_LONG = "The company said the new plant would open next year and employ about two hundred people. " * 4


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(FRAGMENTS + LINES + [_LONG]), st.sampled_from(_BLANKS)), min_size=1, max_size=14),
    st.integers(0, 11),
    st.sampled_from(["", "\n", "\n\n", " \n\n"]),
)
def test_the_dateline_head_test_hides_no_dateline(parts: list[tuple[str, str]], wire_at: int, lead: str) -> None:
    """`wire_dateline` skips a text whose first blocks' heads hold no wire: it finds there
    what it finds without the test (a dateline planted before any piece, blank runs of every
    kind, blank lines before the first block)."""
    text = lead + "".join((_DATELINE if k == wire_at else "") + body + gap for k, (body, gap) in enumerate(parts))
    opts = RuleOptions(COMMENT_POLICIES[0], None)
    with mock.patch.object(pr, "_heads_hold_a_wire", lambda text: True):
        expected = pr.wire_dateline(text, opts)
    assert pr.wire_dateline(text, opts) == expected


@pytest.mark.parametrize("gap", _BLANKS[:4])
@pytest.mark.parametrize("wire_at", range(10))
def test_a_dateline_in_any_of_the_first_blocks_passes_the_head_test(wire_at: int, gap: str) -> None:
    parts = [_LONG] * 10
    parts[wire_at] = _DATELINE + _LONG
    text = "\n\n" + gap.join(parts)
    found = pr.wire_dateline(text, RuleOptions(COMMENT_POLICIES[0], None))
    assert [text[a:b] for a, b, _ in found] == ([_DATELINE] if wire_at < 8 else [])


#: `md_emphasis`'s pattern without the opening test, which `_flanked` makes after a match.
_PLAIN_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=[^\s*_])[^\n]{0,300}?[^\s*_\\]\1(?![\w*])")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab *_\n(\"“/-:.x\u00a0\\", max_size=60))
def test_emphasis_markers_inside_words_skipped_change_no_match(text: str) -> None:
    """The emphasis pattern's opening lookbehind finds what the plain pattern and the
    flanking test find."""
    with mock.patch.object(mk, "_EMPHASIS", _PLAIN_EMPHASIS):
        expected = mk.md_emphasis(text, RuleOptions(COMMENT_POLICIES[0], None))
    assert mk.md_emphasis(text, RuleOptions(COMMENT_POLICIES[0], None)) == expected


_BYLINE_WORDS = ["By", "by", "Kelly", "Smith", "Jane", "von", "Posted", "on", "March", "1,", "2019", "12",
                 "May", "|", "·", "Author:", "Dr.", "at", "10:15", "pm", "Published:", "2020-01-03", "—"]


def _all_patterns(line: str, top: bool) -> meta.Byline | None:
    """`rules_meta._match` trying every pattern on every line."""
    for regex in pat.BYLINE_STRONG + (pat.BYLINE_WEAK if top else ()):
        found = regex.fullmatch(line)
        if not found:
            continue
        groups = found.groupdict()
        name = meta._valid_name(groups["name"]) if groups.get("name") else None
        if groups.get("name") and name is None:
            continue
        return meta.Byline(name, groups.get("date"))
    return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BYLINE_WORDS), min_size=1, max_size=8), st.booleans())
def test_byline_patterns_skipped_without_a_digit_change_no_match(words: list[str], top: bool) -> None:
    line = " ".join(words)
    assert meta._match.__wrapped__(line, top) == _all_patterns(line, top)


def _captions_reference(text: str) -> list:
    """`rules_layout.captions` comparing each caption with the union of its sources' pairs."""
    found = tx.blocks(text)
    if len(found) < 3:
        return []
    airy = sorted(b.gap_before for b in found[1:])[(len(found) - 1) // 2] <= 1
    out = []
    for i, block in enumerate(found[1:], start=1):
        line = block.text.strip()
        bare = line.strip(lay._QUOTES)
        if not bare or not lay._is_caption(block) or bare[-1] not in ".!":
            continue
        if len(bare.split()) < lay.MIN_RESTATED_WORDS:
            continue
        quoted = lay._is_quotation(line)
        apart = airy and max(block.gap_before, block.gap_after) >= 2
        if not quoted and (not apart or any(q in line for q in lay._QUOTES)):
            continue
        own = lay._pairs(bare)
        size = len(bare.split())
        sources = [b for k, b in enumerate(found) if k < i or (k > i and len(b.text.split()) > size)]
        others = set().union(*(lay._pairs(b.text) for b in sources))
        if own and len(own & others) / len(own) >= lay.RESTATED:
            out.append(tx.block_deletion(text, block, "captions"))
            if quoted and i + 1 < len(found) and lay._is_attribution(found[i + 1]):
                out.append(tx.block_deletion(text, found[i + 1], "captions"))
    return out


_SENTENCES = [
    "Magnesium helps nerves, muscles and sleep, and many studies show it eases pain.",
    "Magnesium helps nerves and muscles and many studies show it eases pain.",
    "“Magnesium helps nerves, muscles and sleep, and many studies show it eases pain.”",
    "Many studies show magnesium helps nerves and sleep and eases pain for many people.",
    "Neuropathic pain is the type of pain you feel if your nervous system has been damaged.",
    "The type of pain you feel if your nervous system has been damaged is neuropathic.",
    "— Jane Doe", "National Library of Medicine study", "Sleep",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SENTENCES), st.sampled_from(["\n", "\n\n", "\n\n\n"])), max_size=10))
def test_captions_index_decides_as_the_union_of_sources(parts: list[tuple[str, str]]) -> None:
    text = "".join(sentence + gap for sentence, gap in parts)
    assert lay.captions(text, RuleOptions()) == _captions_reference(text)


def _lines_reference(text: str) -> list[tuple[int, int, str]]:
    out = []
    start = 0
    for piece in text.split("\n"):
        out.append((start, start + len(piece), piece))
        start += len(piece) + 1
    return out


def _blocks_reference(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, gap_before, gap_after) of each block, as blank lines delimit them."""
    found: list[list[int]] = []
    blank = 0
    previous_blank = True
    for start, end, piece in _lines_reference(text):
        if not piece.strip():
            blank += 1
            previous_blank = True
            continue
        if previous_blank:
            if found:
                found[-1][3] = blank
            found.append([start, end, blank, 0])
            blank = 0
        found[-1][1] = end
        previous_blank = False
    if found:
        found[-1][3] = blank
    return [tuple(block) for block in found]  # type: ignore[misc]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \t\n\u00a0", max_size=40))
def test_lines_and_blocks_are_built_as_the_text_reads(text: str) -> None:
    assert [tuple(line) for line in tx.lines(text)] == _lines_reference(text)
    found = tx.blocks(text)
    assert [(b.start, b.end, b.gap_before, b.gap_after) for b in found] == _blocks_reference(text)
    for block in found:
        assert block.text == "\n".join(line.text for line in block.lines) == text[block.start : block.end]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\n", "\t", "\u00a0", "x" * 150, "y" * 60]), max_size=30).map("".join))
def test_a_short_line_is_found_where_short_lines_has_one(text: str) -> None:
    assert tx.has_short_line(text) == bool(tx.short_lines(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(page, min_size=1, max_size=4))
def test_line_measures_kept_across_pages_give_the_same_features(pages: list[str]) -> None:
    model = line_model.load()
    measures = model.measures()
    for text in pages:
        lines = text.split("\n")
        keep, fresh = lf.page_features(lines, model.lexicon)
        kept, shared = lf.page_features(lines, model.lexicon, measures)
        assert kept == keep
        assert np.array_equal(shared, fresh)


class _SegmentWalkEditor(TextEditor):
    """`TextEditor` mapping a kept range by walking its segments one by one."""

    def _map_range(self, start: int, end: int, new_cur: int) -> list[tuple[int, int, int]]:
        out = []
        i = max(bisect.bisect_right(self._cur_starts, start) - 1, 0)
        while start < end and i < len(self._segments):
            cur, orig, length = self._segments[i]
            seg_end = cur + length
            if seg_end <= start:
                i += 1
                continue
            take_end = min(end, seg_end)
            out.append((new_cur, orig + (start - cur), take_end - start))
            new_cur += take_end - start
            start = take_end
            i += 1
        return out


deletion_rounds = st.lists(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8), st.sampled_from("ab")), max_size=6), max_size=6
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \n", max_size=60), deletion_rounds)
def test_the_editor_maps_offsets_as_a_segment_walk_does(text: str, rounds: list[list[tuple[int, int, str]]]) -> None:
    editor, walk = TextEditor(text, "s"), _SegmentWalkEditor(text, "s")
    for deletions in rounds:
        asked = [(start, start + width, rule) for start, width, rule in deletions]
        assert editor.delete(asked) == walk.delete(asked)
        editor.tidy()
        walk.tidy()
        assert (editor.text, editor.spans, editor._segments) == (walk.text, walk.spans, walk._segments)
        for pos in range(len(text) + 1):
            assert editor.current_offset(pos) == walk.current_offset(pos)
        for pos in range(len(editor.text) + 1):
            assert editor.original_offset(pos) == walk.original_offset(pos)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \n", max_size=60), deletion_rounds,
       st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["a", "b"])), max_size=12))
def test_the_editor_deletes_batches_as_one_delete_per_batch(
    text: str, earlier: list[list[tuple[int, int, str]]], pieces: list[tuple[int, str]]
) -> None:
    """`delete_batches` (one rebuild) leaves the text, spans and segments that one `delete`
    per batch leaves, on sorted touching pieces grouped by `label_runs` as the stage does."""
    once, each = TextEditor(text, "s"), TextEditor(text, "s")
    for deletions in earlier:  # earlier rounds, so that the pieces cross deleted text
        asked = [(start, start + width, rule) for start, width, rule in deletions]
        once.delete(asked)
        each.delete(asked)
    ranges, pos = [], 0
    for width, rule in pieces:  # touching and separated pieces, in order
        if width and pos + width <= len(once.text):
            ranges.append((pos, pos + width, rule))
        pos += width if rule == "a" else width + 1
    batches = label_runs(ranges)
    deleted = once.delete_batches(batches)
    assert deleted == sum(each.delete(batch) for batch in batches)
    assert (once.text, once.spans, once._segments) == (each.text, each.spans, each._segments)


#: One footer of each shape `patterns.WIRE_FOOTER` knows, and a SOURCE line.
WIRE_FOOTERS = [
    "This press release can be viewed online at: https://x.example/1",
    "EIN Presswire's priority is source transparency.",
    "EIN Presswire, Everyone's Internet News Presswire™, tries to define some of the boundaries",
    "Legal Disclaimer:\nEIN Presswire provides this news content \"as is\" without warranty of any kind.",
    "View source version on businesswire.com: https://x.example/2",
    "View original content to download multimedia: https://x.example/3",
    "To view the original version on PR Newswire, visit: https://x.example/4",
    "News provided by Acme Corp",
    "Distributed by Globe Newswire",
    "This release was published on openPR.",
    "Originally published at https://x.example/5",
    "Press release distributed by Pressat on behalf of Acme",
    "Original-Content von: Acme GmbH, übermittelt durch news aktuell",
    "Übermittelt durch news aktuell",
    "Pressemitteilung teilen",
    "Communiqué envoyé le 3 mai 2021 par Acme",
    "SOURCE Acme Corp",
]


def test_every_wire_footer_opens_with_a_line_its_trigger_passes() -> None:
    """The trigger holds for each footer on its own (the generated pages above mix several,
    where another line may pass for the one that opens the footer)."""
    opts = RuleOptions("drop_spam", None)
    for footer in WIRE_FOOTERS:
        text = f"Acme ships its new product today.\n\n{footer}\n\nAbout Acme"
        assert pr.wire_footer(text, opts), footer
        assert pr.may_open_wire_footer(footer.split("\n")[0]), footer
