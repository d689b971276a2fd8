"""The `encoding` stage: golden cases as data, invariants as properties, the fast path timed.

Golden cases live in golden/encoding_cases.json: `{input, expected, note}` plus optional
`counts` (exact per-kind counts) and `expect: fail` for a known gap, kept as a strict
expected failure so that a fix which starts working is noticed.

The word property, precisely: let W(t) be the multiset of `\\w+` runs of t. For any input x
with output y and counts c, |W(y) - W(x)| <= sum(c): every word of the output that was not
in the input is accounted for by a counted repair (a repaired mojibake word is a changed
word, not a silently added one). For clean input nothing changes at all and c is empty.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import is_bad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.errors import ConfigError
from cleaner.options import validate
from cleaner.stages import stage_class
from cleaner.stages.encoding import EncodingRepair
from cleaner.stages.encoding_fixers import ftfy_repair_config, might_be_mojibake, repair_mojibake

GOLDEN = Path(__file__).parent / "golden" / "encoding_cases.json"
CASES = json.loads(GOLDEN.read_text(encoding="ascii"))
WORD = re.compile(r"\w+")


def make(**options: object) -> EncodingRepair:
    """The stage with default options plus `options`."""
    return EncodingRepair(validate(options, EncodingRepair.options, "encoding"))


STAGE = make()


def _param(case: dict) -> object:
    known_gap = case.get("expect") == "fail"
    marks = [pytest.mark.xfail(strict=True, reason=case["note"])] if known_gap else []
    return pytest.param(case, id=case["note"][:60], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden(case: dict) -> None:
    text, counts = STAGE.repair(case["input"])
    assert text == case["expected"]
    if "counts" in case:
        assert counts == case["counts"]


def test_golden_cases_cover_near_misses() -> None:
    unchanged = [c for c in CASES if c["input"] == c["expected"]]
    assert len(unchanged) >= 30, "keep the cases that must not change"


def test_transform_returns_an_edit_without_spans() -> None:
    edit = STAGE.transform(Document(id="d", text="cafÃ© \u200b&amp;", source="s"))
    assert edit.text == "café &"
    assert edit.spans == []
    assert edit.counts == {"mojibake": 1, "zero_width": 1, "html_entity": 1}


def test_surrogate_pair_is_joined() -> None:
    assert STAGE.repair("smile \ud83d\ude00") == ("smile 😀", {"control_char": 1})


def test_registered_under_its_config_name() -> None:
    assert stage_class("encoding") is EncodingRepair


def test_bad_normalization_value_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="normalization"):
        validate({"normalization": "nfc"}, EncodingRepair.options, "encoding")


def test_importing_the_module_does_not_import_ftfy() -> None:
    code = "import sys, cleaner.stages.encoding; assert 'ftfy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- options -------------------------------------------------------------------------------


def test_normalization_none_keeps_combining_accents() -> None:
    assert make(normalization="none").repair("cafe\u0301") == ("cafe\u0301", {})


def test_nfkc_folds_compatibility_forms_when_asked() -> None:
    assert make(normalization="NFKC").repair("ﬁ ＡＢＣ") == ("fi ABC", {"nfkc": 2})


def test_each_repair_can_be_switched_off() -> None:
    text = "AT&amp;T cafÃ© a\u0000b c\u200bd \u200fe"
    off = dict(fix_entities=False, fix_mojibake=False, remove_control=False)
    off |= dict(remove_zero_width=False, remove_bidi=False, normalization="none")
    assert make(**off).repair(text) == (text, {})
    assert make(**{**off, "fix_entities": True}).repair(text)[1] == {"html_entity": 1}
    assert make(**{**off, "fix_mojibake": True}).repair(text)[1] == {"mojibake": 1}
    assert make(**{**off, "remove_control": True}).repair(text)[1] == {"control_char": 1}
    assert make(**{**off, "remove_zero_width": True}).repair(text)[1] == {"zero_width": 1}
    assert make(**{**off, "remove_bidi": True}).repair(text)[1] == {"bidi": 1}


def test_c1_characters_keep_their_meaning_without_mojibake_repair() -> None:
    stage = make(fix_mojibake=False)
    assert stage.repair("1990\x962000") == ("1990–2000", {"control_char": 1})


# --- properties ----------------------------------------------------------------------------

#: Characters that make text interesting for every repair: mojibake material, controls,
#: invisible and bidi characters, entity pieces, combining marks, emoji, other scripts.
MESSY = (
    "abcdeéèêëàâäôöüûßñçÃÂâ€œ™š¢£¤¥©®°±²³µ¶·¹º»¼½¾¿×÷ŒœŠŽƒˆ˜–—‘’“”•…‹›"
    "\x80\x81\x85\x8d\x92\x93\x94\x96\x97\x9d\xa0\xad"
    "\x00\x07\x0b\x1b\x7f\t\n\r [];&#x0123456789m"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\u2069\ufeff"
    "\u0301\u0308\u0327ﬁＡ中文日本語한Ωωπβ€РСВГвЂўприमिک\u200cیه👨👩🏽\ufe0f"
)
messy_text = st.text(alphabet=MESSY, max_size=60)
entity_text = st.lists(
    st.sampled_from(
        ["&amp;", "&#8217;", "&eacute;", "&lt;", "&#x2014;", "&bogus;", "AT", " ", "<", "\n"]
    ),
    max_size=12,
).map("".join)


def words(text: str) -> Counter[str]:
    """The multiset W(text) of `\\w+` runs."""
    return Counter(WORD.findall(text))


@settings(max_examples=400, deadline=None)
@given(st.one_of(messy_text, entity_text, st.text(max_size=40)))
@example("&amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;lt;")
@example("ÃƒÂ©")
def test_idempotent(text: str) -> None:
    once, _ = STAGE.repair(text)
    assert STAGE.repair(once) == (once, {})


@settings(max_examples=400, deadline=None)
@given(st.one_of(messy_text, entity_text, st.text(max_size=40)))
@example("caf&eacute;s x&#x200b;y")
@example("Ã©a-Ã©b")
def test_never_adds_an_uncounted_word(text: str) -> None:
    fixed, counts = STAGE.repair(text)
    new_words = (words(fixed) - words(text)).total()
    assert new_words <= sum(counts.values())


@settings(max_examples=300, deadline=None)
@given(st.one_of(messy_text, st.text(max_size=40)))
def test_counts_are_empty_exactly_when_nothing_changed(text: str) -> None:
    fixed, counts = STAGE.repair(text)
    assert (fixed == text) == (not counts)


@settings(max_examples=300, deadline=None)
@given(st.one_of(messy_text, entity_text, st.text(max_size=40)))
def test_fast_path_never_skips_a_repair(text: str) -> None:
    if not STAGE.needs_repair(text):
        assert STAGE.repair_round(text, Counter()) == text


#: Clean text: letters of several scripts, ASCII punctuation but '&', typographic
#: punctuation, emoji without joiners.
CLEAN = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?'\"()-/%\n"
    "éèêëàâäîïôöùûüÿçñßæø’—–…“”‘’€£"
    "中文日本語のテキスト한국어Ελληνικάрусскийעבריתمرحباहिन्दी😀👍ＡＢＣﬁ"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CLEAN, max_size=80).map(lambda t: unicodedata.normalize("NFC", t)))
def test_clean_text_is_left_exactly_as_it_is(text: str) -> None:
    if is_bad(text):  # ftfy's own heuristic calls this mojibake; not clean by definition
        return
    assert STAGE.repair(text) == (text, {})


#: Characters of ftfy's mojibake categories, with neighbours from other scripts.
MOJIBAKE_ALPHABET = (
    "aAzZ \t\nÃÂÎÐØÙàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßÀÁÄÅÆÇÈÉÊËÌÍÏÑÒÓÔÕÖÚÛÜÝÞŸŒœŠšŽžƒ"
    "¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷€‚„…†‡ˆ‰‹‘’“”•–—˜™›"
    "\x80\x81\x8d\x9d\xa0ВГРСвЂўΒΓΞΟβάΑΩαωЁЯаяџ√≈∂≠≤≥▀▄█░│┌═╬ĂăĄąĆćČčĎď"
)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=30))
@example("aÃ ")
@example("xГўВЂВ.a")
@example("ØŠØŠ")
def test_windowed_mojibake_check_agrees_with_ftfy(text: str) -> None:
    assert might_be_mojibake(text) == is_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab .'\x80\x81\x83\x85\x86\x8d\x91\x92\x93\x94\x95\x96\x97\x99\x9d", max_size=30))
def test_c1_shortcut_matches_ftfy(text: str) -> None:
    """Lines of ASCII and C1 skip ftfy; the result must be what ftfy would give."""
    fixed, _, _ = repair_mojibake(text)
    while (again := repair_mojibake(fixed)[0]) != fixed:  # the stage's next rounds
        fixed = again
    assert fixed == ftfy.fix_text(text, ftfy_repair_config())


def test_windowed_mojibake_check_agrees_on_every_pair() -> None:
    pairs = [a + b for a in MOJIBAKE_ALPHABET for b in MOJIBAKE_ALPHABET]
    disagree = [p for p in pairs if might_be_mojibake(p) != is_bad(p)]
    assert disagree == []


# --- fast path -----------------------------------------------------------------------------
# Speed itself is measured by benchmarks/encoding_speed.py (>= 10x plain ftfy.fix_text on
# clean text); here: clean text never reaches ftfy, and text that needs a repair does.

CLEAN_SAMPLES = {
    "en": "It’s a long way to the top — “if you wanna rock ’n’ roll”, they said. "
    "The committee met on Tuesday and agreed the budget for 2024 without changes.\n",
    "de": "Die Straße war nass, und Fußgänger überquerten sie vorsichtig. Übermorgen "
    "beginnt die Sitzung des Bundestags; „Änderungen“ sind nicht zu erwarten.\n",
    "zh": "今天的天气很好，我们去公园散步。会议将在下周二举行，预计不会有任何变化。“引号”也保持原样。\n",
}


def _forbid_ftfy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every ftfy entry point the stage uses record its call and fail."""
    calls: list[str] = []

    def refuse(name: str):
        def call(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"ftfy.{name} called on clean text")
        return call

    monkeypatch.setattr(ftfy, "fix_text", refuse("fix_text"))
    monkeypatch.setattr(ftfy.fixes, "unescape_html", refuse("unescape_html"))
    monkeypatch.setattr(ftfy.fixes, "fix_c1_controls", refuse("fix_c1_controls"))
    return calls


@pytest.mark.parametrize("lang", sorted(CLEAN_SAMPLES))
def test_clean_text_takes_the_fast_path(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [CLEAN_SAMPLES[lang] * (1 + i % 20) + str(i) for i in range(50)]
    calls = _forbid_ftfy(monkeypatch)
    assert all(not STAGE.needs_repair(t) for t in texts)
    assert all(STAGE.repair(t) == (t, {}) for t in texts)
    assert calls == []


def test_text_that_needs_repair_leaves_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = CLEAN_SAMPLES["en"].replace("’", "â€™")
    assert STAGE.needs_repair(broken)
    calls = _forbid_ftfy(monkeypatch)
    with pytest.raises(AssertionError, match="called on clean text"):
        STAGE.repair(broken)
    assert calls == ["fix_text"]
