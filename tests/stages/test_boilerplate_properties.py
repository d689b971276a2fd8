"""Invariants of the boilerplate stage, checked on generated pages.

- idempotent: the stage changes nothing in its own output;
- deletion only: the `\\w+` words of the output are a sub-multiset of the input's, so no
  rule, guard or whitespace tidy ever creates a word;
- every span is a contiguous piece of the input at its offset.

The generator mixes the material the rules react to (chrome phrases, bylines, comment
headers, wire datelines, tags, markdown, lone marks) with plain and arbitrary text and all
kinds of line breaks, so the rules fire on each other's leftovers.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.options import defaults
from cleaner.stages.boilerplate import Boilerplate
from cleaner.stages.boilerplate.guard import safe_deletions

WORD = re.compile(r"\w+")
STAGE = Boilerplate(defaults(Boilerplate.options))

FRAGMENTS = [
    "Skip to content", "Read more", "Read more »", "Leave a Comment", "Previous post:",
    "{ 6 comments… read them below or add one }", "{ 1 trackback }", "4 min read",
    "Share", "Facebook Twitter", "Like 0", "Click here", "Home > Health > Neuropathy",
    "We use cookies to improve your experience.", "Accept all", "Subscribe to our newsletter",
    "© 2022 Example Inc. All rights reserved.", "March 1, 2019 by Kelly",
    "by Brandt R. Gibson, DPM on 5 September 2011", "Lorren October 4, 2011 at 3:43 pm",
    "hosting cheap hosting November 3, 2011 at 11:59 pm", "Jane says:",
    "March 3, 2012 at 5:06 am", "Reply", "In This Article", "Table of Contents",
    "References", "1. 1", "2. 2", "Medical Disclaimer",
    "This content is for informational purposes only.",
    "BRISBANE, AUSTRALIA, October 17, 2022 /EINPresswire.com/ -- Pain is common.",
    "+1 640-930-7327", "sandy@example.com", "Visit us on social media:", "[Facebook](#)",
    "This press release can be viewed online at: <https://x.example/1>", "---", "* * *",
    "“", "•", "-", "# Heading", "## Sub heading ##", "*emphasis here*", "**bold**",
    "snake_case_word", "2 * 3 * 4", "un<b>believ</b>able", "<br />", "<br/>", "<p>", "</p>",
    "&amp;", "&nbsp;", "&#39;", "[link text](http://x.example)", "[](http://x.example)",
    "![alt](a.png)", "([More information here](#))", "magnesium chloride neuropathy pain",
    "Neuropathic pain is the type of pain you feel if your nervous system has been damaged.",
    "The Role of Magnesium in Nerve Health", "Frequently Asked Questions",
    "symptoms and help people with diabetic neuropathy avoid further nerve damage.",
    "People often describe neuropathic pain as a shooting or burning pain, but it can also be",
    "Magnesium helps nerves, muscles and sleep, and many studies show it eases pain.",
]
SEPARATORS = ["", " ", "\n", "\n\n", "\n\n\n", "\n\n\n\n", "  \n", "\t"]

piece = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(alphabet="ab cXY.,:-*_#<>[]()&;\n“”•|/", max_size=12),
    st.text(max_size=8),
)
page = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=24).map(
    lambda parts: "".join(p + s for p, s in parts)
)


def _clean(text: str) -> str:
    return STAGE.transform(Document(id="p", text=text, source="p")).text


def _words_subset(output: str, source: str) -> bool:
    return not Counter(WORD.findall(output)) - Counter(WORD.findall(source))


@settings(max_examples=400, deadline=None)
@given(page)
def test_idempotent(text: str) -> None:
    once = _clean(text)
    assert _clean(once) == once


@settings(max_examples=400, deadline=None)
@given(page)
def test_never_adds_a_word(text: str) -> None:
    assert _words_subset(_clean(text), text)


@settings(max_examples=200, deadline=None)
@given(page)
def test_spans_are_pieces_of_the_input(text: str) -> None:
    edit = STAGE.transform(Document(id="p", text=text, source="p"))
    for span in edit.spans:
        assert text[span.offset : span.offset + len(span.text)] == span.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    once = _clean(text)
    assert _words_subset(once, text)
    assert _clean(once) == once


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab c.\n<>/", max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5),
)
def test_guard_never_creates_a_word(text: str, ranges: list[tuple[int, int]]) -> None:
    deletions = [(min(a, b), max(a, b), "r") for a, b in ranges]
    kept = []
    pos = 0
    for start, end, _ in sorted(safe_deletions(text, deletions)):
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    assert _words_subset("".join(kept), text)


_HEADER_WORDS = ["John", "Smith", "on", "March", "3,", "2020", "at", "10:15", "pm", "says:", "wrote", "|", "-",
                 "#12", "12", "May", "2019", "Reply", "\u00a0", "am", "Ann", "3.4.2019", "um", "Uhr", "said"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HEADER_WORDS), min_size=1, max_size=9))
def test_comment_header_prefilter_changes_no_decision(words: list[str]) -> None:
    """The cheap tests before the header patterns (a clock time for a dated header, a "says" word
    for the other shape) only skip lines the patterns would refuse."""
    from cleaner.stages.boilerplate import comments
    from cleaner.stages.boilerplate import patterns as pat

    text = " ".join(words).strip()
    expected = None
    if len(text) <= 110 and not text.startswith("|"):
        found = pat.COMMENT_HEADER.fullmatch(text)
        if found and found["time"] and comments._name_ok(found["name"]):
            expected = (comments._clean_name(found["name"]), True)
        else:
            found = pat.COMMENT_SAYS.fullmatch(text)
            if found and comments._name_ok(found["name"]):
                expected = (comments._clean_name(found["name"]), False)
    assert comments._header_of(text) == expected
