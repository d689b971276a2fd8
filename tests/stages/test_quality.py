"""The quality filter: each reason on a constructed case, no false drop on real pages, and
the language identifier it uses."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document, Drop
from cleaner.errors import ConfigError
from cleaner.lang.detect import detect
from cleaner.options import defaults, validate
from cleaner.stages import stage_class
from cleaner.stages.base import Filter
from cleaner.stages.boilerplate import Boilerplate
from cleaner.stages.quality import QualityFilter, repeated_share
from cleaner.stages.quality_links import MIN_LINK_LINES, MIN_PROSE_SHARE, link_list, link_profile, word_count

PROSE = (
    "Magnesium is a mineral that the body needs for nerves, muscles and bones. Most people "
    "get enough of it from green vegetables, nuts, seeds and whole grains, and the kidneys "
    "keep the level in the blood steady by excreting what is not needed. A deficiency is rare "
    "in healthy people but more common with diabetes, alcohol use and some medicines, and it "
    "can show up as cramps, tingling or fatigue that doctors often attribute to other causes."
)


def _check(text: str, **options: object) -> Drop | None:
    stage = QualityFilter(validate(options, QualityFilter.options, "quality"))
    return stage.check(Document(id="d", text=text, source="d"))


def test_registered_under_its_config_name() -> None:
    assert stage_class("quality") is QualityFilter
    assert issubclass(QualityFilter, Filter)


def test_real_prose_passes() -> None:
    assert _check(PROSE) is None


def test_too_few_words() -> None:
    drop = _check("Twelve words are not enough to make a document worth keeping here.")
    assert (drop.stage, drop.reason, drop.detail) == ("quality", "too_few_words", "12 words < min_words 20")


def test_min_words_zero_keeps_short_documents() -> None:
    assert _check("Short but fine.", min_words=0) is None


def test_too_many_symbols() -> None:
    code = PROSE + "\n" + "{ [ ( <> ) ] } ;; == != || && :: -> => ## @@ $$ %% ^^ ~~ " * 12
    drop = _check(code)
    assert drop.reason == "too_many_symbols"
    assert "> max_symbol_ratio 0.3" in drop.detail


def test_too_many_digits() -> None:
    table = PROSE + "\n" + " ".join(f"{n:06d}" for n in range(120))
    assert _check(table).reason == "too_many_digits"


def test_repeated_lines() -> None:
    spam = "\n".join(["Contact us today for a free quote on any product we sell here", "Home"] * 10)
    drop = _check(PROSE + "\n" + spam)
    assert (drop.reason, drop.detail) == (
        "repeated_lines", "54% of the words are in repeats of an earlier line > max_repeated_lines 0.5")


def test_repeated_short_lines_are_labels_not_spam() -> None:
    """A meal plan repeats its labels every day; a price table repeats its cells (real
    AEB and trafilatura-eval pages, whose lines counted as repeats made them spam)."""
    day = ["Pre-Workout Meal", "Eat 60–90 minutes before your workout", "Portion Fix Containers: 1 Green",
           "Post-Workout Meal", "Drink within 30 minutes after your workout"]
    plan = "\n".join(f"Day {n}: {PROSE[:60 + n]}\n" + "\n".join(day) for n in range(8))
    assert repeated_share(plan) < 0.1
    assert _check(PROSE + "\n" + plan) is None


def test_a_text_pasted_three_times_is_repeated() -> None:
    bullets = [f"{PROSE.split('. ')[i % 3]} (item {i})." for i in range(10)]
    page = "\n".join(["10 things in tech you need to know today"] + bullets * 3)
    assert repeated_share(page) == pytest.approx(2 / 3, abs=0.01)
    assert _check(page).reason == "repeated_lines"


def test_a_few_repeated_lines_are_fine() -> None:
    text = "\n".join([PROSE, "Chorus line", PROSE.replace("Magnesium", "Zinc"), "Chorus line"])
    assert _check(text) is None


def test_lorem_ipsum() -> None:
    drop = _check(PROSE + " Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
    assert (drop.reason, drop.detail) == ("lorem_ipsum", "contains lorem ipsum filler text")
    assert _check(PROSE + " Lorem ipsum dolor sit amet.", lorem_ipsum=False) is None


@pytest.mark.parametrize(
    "page",
    [
        "Coming soon!\nOur new website is on its way.",
        "This domain is for sale.\nContact the owner.",
        "404 Not Found\nThe requested URL was not found on this server.",
        "Seite nicht gefunden\nDie angeforderte Seite existiert nicht.",
        "Under construction",
    ],
)
def test_placeholder_pages(page: str) -> None:
    drop = _check(page, min_words=0)
    assert drop.reason == "placeholder"


def test_coming_soon_in_a_sentence_is_not_a_placeholder() -> None:
    review = "I recently saw episodes one to four and I've heard the last two are coming soon, " * 3
    assert _check(review, min_words=0) is None


def test_language_filter_is_off_by_default() -> None:
    german = "Der Hund und die Katze sind nicht im Haus, aber sie sind auch nicht im Garten. " * 8
    assert _check(german) is None


def test_language_filter_drops_other_languages_and_keeps_undetermined() -> None:
    german = "Der Hund und die Katze sind nicht im Haus, aber sie sind auch nicht im Garten. " * 8
    drop = _check(german, languages=["en"])
    assert drop.reason == "language"
    assert drop.detail.startswith("language 'de' (score")
    assert _check(PROSE, languages=["en"]) is None
    numbers = " ".join(str(n) for n in range(60))
    assert _check(numbers, languages=["en"], max_digit_ratio=1.0) is None


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match=r"quality\.max_symbol_ratio"):
        validate({"max_symbol_ratio": 2}, QualityFilter.options, "quality")
    with pytest.raises(ConfigError, match=r"quality\.languages"):
        validate({"languages": "en"}, QualityFilter.options, "quality")


def test_sample_pages_pass_before_and_after_boilerplate(raw_dir: Path) -> None:
    quality = QualityFilter(defaults(QualityFilter.options))
    boilerplate = Boilerplate(defaults(Boilerplate.options))
    for path in sorted(raw_dir.glob("*.txt")):
        doc = Document(id=path.name, text=path.read_text(encoding="utf-8"), source=path.name)
        assert quality.check(doc) is None, path.name
        doc.text = boilerplate.transform(doc).text
        assert quality.check(doc) is None, path.name


SENTENCES = {
    "en": "The report was published on Monday and it shows that the number of cases has fallen.",
    "de": "Der Bericht wurde am Montag veröffentlicht und zeigt, dass die Zahl der Fälle gesunken ist.",
    "fr": "Le rapport a été publié lundi et il montre que le nombre de cas est en baisse dans la région.",
    "es": "El informe fue publicado el lunes y muestra que el número de casos ha bajado en la región.",
    "it": "Il rapporto è stato pubblicato lunedì e mostra che il numero dei casi è sceso nella regione.",
    "pt": "O relatório foi publicado na segunda e mostra que o número de casos caiu na região.",
    "nl": "Het rapport werd maandag gepubliceerd en het laat zien dat het aantal gevallen is gedaald.",
    "pl": "Raport został opublikowany w poniedziałek i pokazuje, że liczba przypadków się "
    "zmniejszyła, ale nie w tym regionie.",
    "sv": "Rapporten publicerades på måndagen och den visar att antalet fall har minskat i "
    "regionen och att det är bra.",
    "ru": "Доклад был опубликован в понедельник, и он показывает, что число случаев снизилось, "
    "но не так сильно.",
    "el": "Η έκθεση δημοσιεύθηκε τη Δευτέρα και δείχνει ότι ο αριθμός των κρουσμάτων μειώθηκε.",
    "zh": "该报告于星期一发布，显示病例数量有所下降。",
    "ja": "報告書は月曜日に発表され、症例数が減少したことを示している。",
    "ko": "보고서는 월요일에 발표되었으며 사례 수가 감소했음을 보여준다.",
    "ar": "نشر التقرير يوم الاثنين ويظهر أن عدد الحالات قد انخفض.",
}


@pytest.mark.parametrize(("lang", "text"), SENTENCES.items())
def test_language_identifier(lang: str, text: str) -> None:
    assert detect(text).lang == lang


def test_language_identifier_is_undetermined_on_too_little_text() -> None:
    assert detect("Magnesium 300 mg").lang == "und"


def test_language_identifier_accuracy_on_trafilatura_eval(shared_data: Path) -> None:
    """Against each page's declared <html lang>, on its human-picked body snippets."""
    root = shared_data / "trafilatura-eval"
    right = total = 0
    for case in json.loads((root / "evaldata.json").read_text(encoding="utf-8")).values():
        page = root / "html" / f"{case['file']}.gz"
        text = " ".join(case["with"])
        if not page.exists() or len(text.split()) < 20:
            continue
        with gzip.open(page) as handle:
            declared = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", handle.read(3000), re.I)
        if declared:
            total += 1
            right += detect(text).lang == declared.group(1).decode().lower()
    assert total > 200
    assert right / total >= 0.9


# --- link lists ---------------------------------------------------------------------------

_SITES = ["Acme Tools", "Best Garden Supply", "Cheap Flights Now", "Daily Recipes", "Eco Living Blog",
          "Fast Loans Online", "Green Energy Hub", "Home Decor Ideas", "Indie Games List", "Jazz Radio"]


def _slug(name: str) -> str:
    return name.lower().replace(" ", "")


LINK_LISTS = {
    "a directory of | name | url | rows": "Useful links\n\n| Name | URL |\n|---|---|\n" + "\n".join(
        f"| {n} {i} | https://www.{_slug(n)}{i}.com/ |" for i in range(12) for n in _SITES),
    "a markdown link farm": "\n".join(
        f"- [{n} {i}](http://{_slug(n)}-{i}.example.net/)" for i in range(8) for n in _SITES),
    "keyword-stuffed links": "\n".join(
        f"[cheap pills online {i}](http://pills{i}.ru) [buy pills {i}](http://pills{i}.ru/buy)" for i in range(30)),
    "bare addresses with names": "\n".join(f"{n} - {_slug(n)}.org" for n in _SITES * 3),
}


@pytest.mark.parametrize("name", LINK_LISTS)
def test_link_lists_are_dropped(name: str) -> None:
    drop = _check(LINK_LISTS[name])
    assert drop is not None and drop.reason == "link_list", drop
    assert re.fullmatch(r"\d+ lines of links hold \d+% of the words > max_link_lines 0\.6, prose only \d+%", drop.detail)


def test_link_list_filter_can_be_switched_off() -> None:
    assert _check(LINK_LISTS["a markdown link farm"], max_link_lines=1.0) is None


LINKED_CONTENT = {
    "an article with a reference list": PROSE + "\n\n" + PROSE.replace("Magnesium", "Zinc") + "\n\nReferences\n"
        + "\n".join(f"{i}. https://ods.od.nih.gov/factsheets/Magnesium-{i}/" for i in range(12)),
    "documentation with a table of links": "The client reads its settings from the table below; every "
        "option links to its page in the reference, which says what it does and which values it takes.\n\n"
        "| option | default | reference |\n|---|---|---|\n" + "\n".join(
            f"| timeout_{i} | {i}s | https://docs.example.com/options#timeout-{i} |" for i in range(10))
        + "\n\n" + PROSE,
    "an article under a menu of links": "\n".join(f"[{n}](https://site.example.com/{_slug(n)})" for n in _SITES * 2)
        + "\n\n" + "\n\n".join([PROSE] * 2) + "\n\n" + PROSE.replace("Magnesium", "Iron"),
    "a menu that outweighs its article": "\n".join(
        f"[{n} {i}](https://site.example.com/{i})" for i in range(6) for n in _SITES) + "\n\n" + PROSE,
    "a list of a few links": PROSE + "\n" + "\n".join(f"- https://example.com/{i}" for i in range(6)),
    "a product list without links": "\n".join(f"{n} Deluxe Edition, size {i}" for i in range(5) for n in _SITES),
}


@pytest.mark.parametrize("name", LINKED_CONTENT)
def test_pages_with_links_in_their_content_pass(name: str) -> None:
    drop = _check(LINKED_CONTENT[name])
    assert drop is None or drop.reason != "link_list", drop


def test_link_profile_counts_link_and_prose_lines() -> None:
    profile = link_profile("| Acme | https://acme.com |\n" + PROSE + "\nSee [the study](https://x.org/s) for more.")
    assert (profile.link_lines, profile.link_words) == (2, 2 + 5)  # "| Acme | url |": two words
    assert profile.prose_words == len(PROSE.split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab 1|•→\t\u00a0\u2003\u3000\x1c_-.é中", max_size=40))
def test_word_count_counts_the_split_tokens_with_a_word_character(line: str) -> None:
    assert word_count(line) == sum(1 for token in line.split() if re.search(r"\w", token))


def test_ten_link_rows_are_a_link_list_nine_a_list_inside_a_page() -> None:
    rows = [f"Shop {i} shop{i}.com" for i in range(MIN_LINK_LINES)]  # one link hint a row
    assert link_list("\n".join(rows), 0.5) is not None
    assert link_list("\n".join(rows[1:]), 0.5) is None


def _link_list_unhinted(text: str, max_share: float) -> bool:
    """`link_list`'s decision from the whole profile, without its count of link hints first."""
    p = link_profile(text)
    return p.link_lines >= MIN_LINK_LINES and bool(p.words) and p.link_words / p.words > max_share \
        and p.prose_words / p.words < MIN_PROSE_SHARE


_LINK_PIECES = ["| Acme | https://acme.com |", "[Shop](https://x.org/s)", "www.example.de", "acme.com",
                PROSE, "Menu", "See the [study](https://x.org/s) for more on magnesium and sleep.", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINK_PIECES), max_size=30), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_counting_link_hints_first_changes_no_decision(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces)
    assert (link_list(text, 0.5) is not None) == _link_list_unhinted(text, 0.5)
