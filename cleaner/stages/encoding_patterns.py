"""Character data for the `encoding` stage: what is broken, what is invisible, what is kept.

Kept apart from the logic (`encoding_fixers`) so that the policy can be read in one place.
Everything here is plain data or a regex compiled from it; only `mojibake_triggers` reads
ftfy's own tables, lazily.
"""

from __future__ import annotations

import re
from functools import cache

#: An HTML character reference as ftfy decodes it: named or numeric, with its semicolon
#: (so informal text like "this&not that" is left alone).
ENTITY = r"&#?[0-9A-Za-z]{1,24};"

#: Control characters that never belong in text: C0 except TAB, LF, FF, CR (FF is kept like
#: ftfy keeps it: it is whitespace), DEL, the C1 block, the deprecated Arabic/format controls
#: U+206A-206F, and the interlinear annotation marks and object replacement character.
CONTROL = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u206a-\u206f\ufff9-\ufffc"

#: The C1 block: in web text these are cp1252 punctuation decoded as latin-1 (\x93 = “).
C1 = "\x80-\x9f"

#: UTF-16 surrogates cannot be stored as UTF-8 (Parquet would refuse the row): a pair is
#: joined into its character, a lone one becomes U+FFFD.
SURROGATE = "\ud800-\udfff"
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")

#: ANSI terminal escapes (colour codes pasted from a console), removed whole.
ANSI_ESCAPE = re.compile("\x1b\\[[0-9;]*[A-Za-z]")

#: Invisible characters removed because they carry no text: zero width space, word joiner,
#: zero width no-break space / byte order mark, soft hyphen (a hyphenation hint: removing it
#: restores the word "Bundes\xadtag" -> "Bundestag"), invisible math operators.
ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad\u2061-\u2064"

#: Joiners that are removed except where they change how a script or emoji renders.
ZWNJ = "\u200c"
ZWJ = "\u200d"

#: Bidirectional controls (marks, embeddings, overrides, isolates): they steer display order
#: only; the logical order of the text, which is what a model reads, does not depend on them.
BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"

#: Scripts in which ZWJ and ZWNJ select letter forms (Persian "می‌خواهم", Devanagari half
#: forms, Sinhala conjuncts): a joiner between two characters of these blocks is kept.
JOINING_SCRIPTS = re.compile(
    "["
    "\u0600-\u08ff"  # Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic Extended
    "\u0900-\u0dff"  # Devanagari to Sinhala (the Brahmic scripts of India and Sri Lanka)
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u18af"  # Khmer, Mongolian
    "\ua8e0-\ua8ff"  # Devanagari Extended
    "\ufb50-\ufdff"  # Arabic Presentation Forms-A
    "\ufe70-\ufeff"  # Arabic Presentation Forms-B
    "]"
)

#: Characters that take part in emoji sequences: a ZWJ between two of them is part of one
#: emoji (👩‍💻, 🏳️‍🌈) and is kept.
EMOJI = re.compile(
    "["
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299"
    "\ufe0f\u20e3"  # emoji presentation selector, combining keycap
    "\U0001f000-\U0001faff"  # pictographs, skin tone modifiers, symbols
    "\U000e0020-\U000e007f"  # tag characters (subdivision flags)
    "]"
)

#: How far around a mojibake trigger ftfy's badness regex is run; its longest pattern
#: ("ГўВЂВ.x") spans 7 characters, so 8 either side contains any match through the trigger.
MOJIBAKE_WINDOW = 8

#: Characters that ftfy's mojibake patterns need besides the accented letters of its
#: categories (see `mojibake_triggers`).
_MOJIBAKE_EXTRA = "ŒœØÙ°×²µ¹¼½¾√≈‚ЂÃÂÎÐ€"


@cache
def mojibake_triggers() -> str:
    """A character class body such that every match of ftfy's badness regex contains one.

    ftfy decides whether a line is mojibake with one large regex (`ftfy.badness.BADNESS_RE`),
    which is costly per character (`benchmarks/encoding_speed.py`). Each of its patterns requires at least one
    character from the categories joined below or from `_MOJIBAKE_EXTRA` (the lower-case
    accented letters of everyday German or French are *not* needed: every pattern that uses
    them also needs one of these). So the regex only has to run in a small window around
    each trigger. The test suite checks the claim against ftfy's regex.
    """
    from ftfy.badness import MOJIBAKE_CATEGORIES as cats

    needed = (
        "c1 bad upper_accented box start_punctuation end_punctuation currency numeric law"
    ).split()
    return "".join(cats[name] for name in needed) + _MOJIBAKE_EXTRA
