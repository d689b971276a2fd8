"""Dates as scraped pages write them, in the major European languages.

Bylines, comment headers and wire datelines all carry a date; the patterns here find one
inside a line (`DATE`, a regex fragment other patterns embed) and `parse_date` turns it
into ISO `YYYY-MM-DD` when the order of day and month is certain. An ambiguous all-number
date such as 03/04/2019 is not guessed: it returns None and the caller keeps the raw text.
"""

from __future__ import annotations

import datetime as _dt
import re

#: Month names and unambiguous abbreviations -> month number (en, de, fr, es, it, pt, nl, pl).
MONTHS: dict[str, int] = {}
_MONTH_NAMES = (
    "january jan januar jänner janvier janv enero ene gennaio gen janeiro januari "
    "styczeń stycznia sty",
    "february feb februar février févr fevrier febrero febbraio fevereiro fev februari "
    "luty lutego lut",
    "march mar märz mrz mars marzo março marco maart mrt marzec marca",
    "april apr avril avr abril abr aprile kwiecień kwietnia kwi",
    "may mai mayo maggio mag maio mei maj maja",
    "june jun juni juin junio giugno giu junho czerwiec czerwca cze",
    "july jul juli juillet juil julio luglio lug julho lipiec lipca lip",
    "august aug août aout agosto ago augustus sierpień sierpnia sie",
    "september sep sept septembre septiembre setiembre settembre set setembro "
    "wrzesień września wrz",
    "october oct oktober okt octobre octubre ottobre ott outubro października październik paź",
    "november nov novembre noviembre novembro listopad listopada lis",
    "december dec dezember dez décembre déc diciembre dic dicembre dezembro grudzień grudnia gru",
)
for _number, _names in enumerate(_MONTH_NAMES, start=1):
    for _name in _names.split():
        MONTHS[_name] = _number

_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "lunes martes miércoles jueves viernes sábado domingo "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica "
    "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "poniedziałek wtorek środa czwartek piątek sobota niedziela"
).split()


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


MONTH = rf"(?:{_alternation(tuple(MONTHS))})\.?"
WEEKDAY = rf"(?:{_alternation(_WEEKDAYS)})\.?,?"
_ORD = r"(?:st|nd|rd|th|er|\.|º|°)?"

#: A date written in words or digits (no capture groups; embed it freely).
DATE = (
    rf"(?:{WEEKDAY}\s+)?(?:"
    rf"{MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"
    rf"|\d{{1,2}}{_ORD}\s*(?:de\s+)?{MONTH},?\s+(?:de\s+)?\d{{4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}"
    rf")"
)

#: A clock time, optionally introduced by "at"/"um"/"à"/... (no capture groups).
TIME = (
    r"(?:(?:at|um|à|a las|a la|alle|om|o|às|@|-|–|,)\s*)?"
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\.?)?(?:\s*(?:uhr|h))?"
)

_FLAGS = re.IGNORECASE
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([./])(\d{1,2})[./](\d{4})")
_WORDS = re.compile(r"[^\W\d_]+")
_NUMBERS = re.compile(r"\d+")
DATE_RE = re.compile(DATE, _FLAGS)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """ISO date of the first date in `text`, or None when there is none or it is ambiguous.

    Dotted numbers are read day-first (the European convention); slashed numbers only when
    one part is above 12, because 03/04/2019 means different days in the US and Europe.
    """
    found = DATE_RE.search(text)
    if not found:
        return None
    piece = found.group(0)
    iso = _ISO.fullmatch(piece)
    if iso:
        return _iso(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = _NUMERIC.search(piece)
    if numeric and not _month_of(piece):
        first, sep, second, year = int(numeric[1]), numeric[2], int(numeric[3]), int(numeric[4])
        if sep == "." or first > 12:
            return _iso(year, second, first)
        if second > 12:
            return _iso(year, first, second)
        return None
    month = _month_of(piece)
    numbers = [int(n) for n in _NUMBERS.findall(piece)]
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 100]
    if month and years and days:
        return _iso(years[0], month, days[0])
    return None


def _month_of(piece: str) -> int | None:
    for word in _WORDS.findall(piece.lower()):
        if word in MONTHS:
            return MONTHS[word]
    return None
