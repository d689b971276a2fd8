"""The line model: its tree evaluator, its features, its bookkeeping in the boilerplate stage.

The model's quality on real pages is measured by benchmarks/textpages.py on held-out pages;
here each mechanism is checked on its own, and the shipped model on golden lines that any
careful editor would decide the same way, in context.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup import kernels
from cleaner.document import Document
from cleaner.options import defaults, validate
from cleaner.stages.boilerplate import Boilerplate, line_model
from cleaner.stages.boilerplate import line_features as lf
from cleaner.stages.boilerplate.registry import AFTER_MODEL, PER_LINE, RULES
from cleaner.stages.edits import TextEditor
from tests.conftest import RAW

WORD = re.compile(r"\w+")


def _forest() -> line_model.Forest:
    """Two hand-made trees: tree 0 splits on feature 0 at 1.0, tree 1 on feature 1 at -2.0
    and then on feature 0 at 5.0."""
    #            0     1     2     3     4     5     6     7
    feature = [0, -1, -1, 1, -1, 0, -1, -1]
    threshold = [1.0, 0, 0, -2.0, 0, 5.0, 0, 0]
    left = [1, -1, -1, 4, -1, 6, -1, -1]
    right = [2, -1, -1, 5, -1, 7, -1, -1]
    value = [0, 0.5, -0.5, 0, 1.0, 0, 2.0, 3.0]
    return line_model.Forest(
        np.array(feature, np.int32), np.array(threshold, np.float64), np.array(left, np.int32),
        np.array(right, np.int32), np.array(value, np.float64), np.array([0, 3], np.int32),
    )


def test_forest_sends_rows_down_every_tree_and_sums_the_leaves() -> None:
    x = np.array([[1.0, -2.0], [1.5, -3.0], [0.0, 0.0], [6.0, 0.0]], dtype=np.float32)
    # row 0: x0 <= 1 -> 0.5; x1 <= -2 -> 1.0      = 1.5
    # row 1: x0 > 1 -> -0.5; x1 <= -2 -> 1.0      = 0.5
    # row 2: 0.5; x1 > -2, x0 <= 5 -> 2.0          = 2.5
    # row 3: -0.5; x1 > -2, x0 > 5 -> 3.0          = 2.5
    assert _forest().raw(x).tolist() == [1.5, 0.5, 2.5, 2.5]
    assert _forest().raw(np.zeros((0, 2), np.float32)).shape == (0,)


def test_shipped_model_matches_the_feature_code() -> None:
    model = line_model.load()
    assert 0.0 < model.threshold < 1.0
    forest = model.forest
    inner = forest.feature >= 0
    assert forest.feature[inner].max() < len(lf.NAMES)
    assert (forest.left[inner] > 0).all() and (forest.right[inner] > 0).all()
    assert len(model.lexicon) > 1000 and all(-5.0 <= v <= 5.0 for v in model.lexicon.values())


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7])
def test_features_of_tiny_pages(n: int) -> None:
    lines = (["Home", "", "A sentence of prose that is long enough to be read as a paragraph."] * 3)[:n]
    keep, x = lf.page_features(lines, {"home": -3.0, "sentence": 1.0})
    assert keep == [i for i, line in enumerate(lines) if line.strip()]
    assert x.shape == (len(keep), len(lf.NAMES)) and np.isfinite(x).all()


def test_the_lexicon_learns_words_of_many_sites_only() -> None:
    def page(site: str, extra: str) -> tuple[str, list[tuple[str, bool]]]:
        return site, [("Home | Login | Cart", False), (f"The {extra} grew fast this year.", True)]

    pages = [page(f"site{i}.example", "garden") for i in range(6)] + [page("one.example", "zebra")] * 12
    lexicon = lf.build_lexicon(pages, min_pages=5, min_sites=5)
    assert lexicon["login"] < 0 < lexicon["garden"]
    assert "zebra" not in lexicon  # twelve pages, but all of one site
    assert lf.words("Home | Login, CART!") == ["home", "login", "cart"]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab \n", min_size=0, max_size=60),
    cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=6),
    asked=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=4),
)
def test_surviving_maps_original_ranges_to_what_is_left_of_them(text, cuts, asked) -> None:
    editor = TextEditor(text, "s")
    for start, length in cuts:
        editor.delete([(start, start + length, "r")])
    ranges = sorted({(s, min(s + n, len(text))) for s, n in asked if s < len(text) and n})
    disjoint = [r for i, r in enumerate(ranges) if i == 0 or r[0] >= ranges[i - 1][1]]
    for (start, end), pieces in zip(disjoint, editor.surviving_ranges(disjoint)):
        survived = "".join(editor.text[lo:hi] for lo, hi in pieces)
        positions = [editor.original_offset(p) for lo, hi in pieces for p in range(lo, hi)]
        assert all(start <= p < end for p in positions)
        assert survived == "".join(text[p] for p in positions)


def test_scored_deletions_are_spans_with_their_scores() -> None:
    editor = TextEditor("keep\nmenu\nkeep too\nfooter\n", "boilerplate")
    editor.delete_scored([(19, 26, "line_model", 0.9), (5, 10, "line_model", 0.75)])
    assert editor.text == "keep\nkeep too\n"
    assert [(s.offset, s.text, s.score) for s in editor.spans] == [(5, "menu\n", 0.75), (19, "footer\n", 0.9)]
    with pytest.raises(ValueError):
        editor.delete_scored([(0, 3, "a", 0.5), (2, 4, "b", 0.5)])


PAGE = """Home
About us
Blog
Contact
Search
Why Magnesium Matters for Your Nerves
Magnesium takes part in the work of the nervous system, and a shortage of it shows up in many small ways that are easy to miss.
Doctors have measured low magnesium in people with diabetic neuropathy, and several small trials have tested whether supplements help.
The results so far are mixed, which is why the evidence deserves a careful reading before anyone changes their diet or medication.
Share this:
Facebook
Twitter
Related posts
Ten foods rich in magnesium
Privacy Policy
Terms of Use
© 2024 Example Health. All rights reserved."""


def _run(text: str, **options) -> tuple[str, list]:
    stage = Boilerplate(validate(options, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=text, source="d.txt"))
    return edit.text, edit.spans


def test_the_model_keeps_the_article_and_deletes_menus_and_footers() -> None:
    text, spans = _run(PAGE)
    for sentence in PAGE.splitlines()[6:9]:
        assert sentence in text
    for chrome in ("About us", "Facebook", "Related posts", "Terms of Use", "Ten foods rich"):
        assert chrome not in text
    scored = [s for s in spans if s.rule == "line_model"]
    assert scored and all(0.0 < s.score <= 1.0 for s in scored)
    assert all(PAGE[s.offset : s.offset + len(s.text)] == s.text for s in spans)


def test_the_model_only_deletes_and_is_switchable() -> None:
    text, _ = _run(PAGE)
    assert not Counter(WORD.findall(text)) - Counter(WORD.findall(PAGE))
    off, spans = _run(PAGE, line_model=False)
    assert "About us" in off and not [s for s in spans if s.rule == "line_model"]
    kept_more, _ = _run(PAGE, line_threshold=0.0)
    assert "About us" in kept_more


BYLINE_PAGE = PAGE.replace("Search\n", "Search\nBy Jane Doe | March 3, 2021\n")


def test_fields_come_from_rules_that_run_before_the_model() -> None:
    """A byline the model would take as chrome still gives the author and the date: the
    rules that give fields judge the page before the model does (`registry.AFTER_MODEL`)."""
    stage = Boilerplate(validate({"rules": {"byline": False}}, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=BYLINE_PAGE, source="d.txt"))
    assert [s.rule for s in edit.spans if "Jane Doe" in s.text] == ["line_model"]
    stage = Boilerplate(validate({}, Boilerplate.options, "boilerplate"))
    edit = stage.transform(Document(id="d", text=BYLINE_PAGE, source="d.txt"))
    assert [s.rule for s in edit.spans if "Jane Doe" in s.text] == ["byline"]
    assert edit.fields["author"] == "Jane Doe" and edit.fields["date"] == "2021-03-03"


def test_chrome_rules_after_the_model_explain_what_it_left() -> None:
    """A per-line chrome rule deferred until after the model still removes the chrome lines
    the model keeps, under its own name (a threshold of 0 keeps every line)."""
    assert {"nav", "share"} <= AFTER_MODEL
    text, spans = _run(PAGE, line_threshold=0.0)
    assert "Share this:" not in text and "Search" not in text
    rules = {s.rule for s in spans}
    assert {"nav", "share"} <= rules and "line_model" not in rules


def test_only_per_line_and_layout_rules_wait_for_the_model() -> None:
    """A rule that reads a line by the lines around it (a contact block by its anchor) must
    see the page before the model takes lines from it; only rules that decide each line
    alone, and the layout rules the registry runs last, may wait."""
    names = [rule.name for rule in RULES]
    layout = set(names[names.index("heading_run"):]) - {"empty_refs", "disclaimer"}
    assert AFTER_MODEL - PER_LINE <= layout
    assert not AFTER_MODEL & {"byline", "wire_dateline", "comments", "press_contact", "md_headings"}


CLEAN_ARTICLE = """Why Magnesium Matters for Your Nerves

Magnesium takes part in the work of the nervous system, and a shortage of it shows up in many small ways that are easy to miss.

Doctors have measured low magnesium in people with diabetic neuropathy, and several small trials have tested whether supplements help.

What the trials found

The results so far are mixed, which is why the evidence deserves a careful reading before anyone changes their diet or medication."""


@pytest.mark.parametrize(
    "text",
    [CLEAN_ARTICLE, "The Title\n\nThe article body is here, in one sentence of its own.",
     "Great film.\nThe acting is superb and the plot never drags, not even once."],
    ids=["article", "title and body", "two-line review"],
)
def test_clean_text_loses_nothing(text: str) -> None:
    assert _run(text)[0] == text


def test_one_line_texts_are_not_judged() -> None:
    review = "A fine film. " * 40
    assert _run(review.strip())[0] == review.strip()


def test_options_are_validated() -> None:
    with pytest.raises(Exception, match="line_threshold"):
        validate({"line_threshold": 2}, Boilerplate.options, "boilerplate")
    assert defaults(Boilerplate.options)["line_threshold"] is None


def test_native_and_reference_forests_agree_bit_for_bit() -> None:
    model = line_model.load()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, len(lf.NAMES))).astype(np.float32) * 3
    assert np.array_equal(model.forest.raw(x), model.forest.raw_reference(x))
    assert np.array_equal(_forest().raw(x[:, :2].copy()), _forest().raw_reference(x[:, :2].copy()))
    # the kernel walks rows in lanes and treats a leaf as a node pointing at itself: a NaN
    # goes right as in the reference, and a tree that is one leaf adds its value to every row
    x[::7, ::5] = np.nan
    assert np.array_equal(model.forest.raw(x), model.forest.raw_reference(x))
    lone = line_model.Forest(
        np.array([-1, 0, -1, -1], np.int32), np.array([0, 0.0, 0, 0], np.float64),
        np.array([-1, 2, -1, -1], np.int32), np.array([-1, 3, -1, -1], np.int32),
        np.array([0.25, 0, 1.0, 2.0], np.float64), np.array([0, 1], np.int32),
    )
    rows = np.array([[-1.0], [1.0], [np.nan]], np.float32)
    assert lone.raw(rows).tolist() == [1.25, 2.25, 2.25]
    assert np.array_equal(lone.raw(rows), lone.raw_reference(rows))


#: Characters where Python's string predicates and `re` classes are subtle: non-ASCII upper,
#: lower and title case, a capital that lowercases to two characters, digits that are not
#: decimal and decimals that are not ASCII, Unicode spaces, the quotes and separators the
#: counts look at, and the punctuation words are stripped of.
_LINE_CHARS = "aZ09 ,.:!?|»›•·/→<>-–—\"'“”‘’()[]*_#©\u00a0\u2003\tÉéßΣσǅİı²٣ＡⅣ…。！"
needs_native_counts = pytest.mark.skipif(
    kernels.native_function("line_counts") is None, reason="the C extension is not built"
)


@needs_native_counts
@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_LINE_CHARS, max_size=40), min_size=1, max_size=20))
def test_native_line_counts_agree_with_the_reference_bit_for_bit(lines: list[str]) -> None:
    model = line_model.load()
    lexicon = {**model.lexicon, "é": -1.5, "ǅ": 2.0, "Σσ".lower(): 0.5}
    stripped = [line.strip() for line in lines]
    lowered = [s.lower() for s in stripped]
    native = lf._counts(stripped, lowered, lexicon)
    reference = np.array([lf._counts_reference(s, lo, lexicon) for s, lo in zip(stripped, lowered)])
    assert native.view(np.uint64).tolist() == reference.reshape(native.shape).view(np.uint64).tolist()


@needs_native_counts
def test_native_line_counts_on_real_lines() -> None:
    lines = [line for path in sorted(RAW.glob("*.txt")) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    lines += ["Posted in Health | Tagged magnesium, sleep", "“Quoted Start” and (Bracketed Word)", "WWW.EXAMPLE.COM"]
    model = line_model.load()
    stripped = [line.strip() for line in lines]
    lowered = [s.lower() for s in stripped]
    native = lf._counts(stripped, lowered, model.lexicon)
    reference = np.array([lf._counts_reference(s, lo, model.lexicon) for s, lo in zip(stripped, lowered)])
    assert len(lines) > 50 and np.array_equal(native, reference)
    assert reference[:, 7].sum() > 0 and reference[:, 16].sum() > 0  # capitals and lexicon words were counted


def test_a_numbered_list_is_kept_or_dropped_whole() -> None:
    lines = ["Intro", "[1] First source", "Author A", "[2] Second source", "Author B",
             "[3] Third source", "Author C", "Footer"]
    keep = list(range(len(lines)))
    p = np.array([0.9, 0.5, 0.4, 0.6, 0.5, 0.1, 0.1, 0.0])
    out = line_model.numbered_lists_agree(lines, keep, p)
    assert out[1:7].tolist() == [pytest.approx(0.4)] * 6  # the items' mean, the last item's line too
    assert out[0] == 0.9 and out[7] == 0.0
    short = ["1. a", "2. b", "x"]
    assert line_model.numbered_lists_agree(short, [0, 1, 2], np.array([0.9, 0.1, 0.5])).tolist() == [0.9, 0.1, 0.5]
    broken = ["1. a", "2. b", "4. c", "5. d"]
    assert line_model.numbered_lists_agree(broken, [0, 1, 2, 3], np.array([0.9, 0.1, 0.5, 0.2])).tolist() == [0.9, 0.1, 0.5, 0.2]
