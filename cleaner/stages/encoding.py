"""The `encoding` stage: repair text that was decoded or escaped wrongly; never restyle it.

What it repairs, in this order, repeated until a round changes nothing (so running the stage
twice gives the same text as running it once):

1. HTML entities left in plain text (`&amp;`, `&#8217;`, twice-escaped `&amp;eacute;`);
2. mojibake: UTF-8 read as cp1252 or latin-1 (even twice over), cp1252 read as latin-1
   (C1 characters), via ftfy's encoding repair only;
3. control characters: C0/C1 controls, ANSI escapes, UTF-16 surrogates;
4. invisible characters: zero-width characters and soft hyphens (ZWJ/ZWNJ kept inside emoji
   sequences and between letters of Arabic-script and Brahmic scripts, where they select
   letter forms), and bidirectional controls;
5. Unicode normalization (NFC by default).

What it never changes: curly quotes, dashes, ligatures (ﬁ), full-width forms (ＡＢＣ),
line breaks, and any script. (NFC does map the few CJK compatibility ideographs to their
unified forms; choose `normalization: none` to keep even those.)

Decisions:

- The stage reports no spans: a repair is a substitution, not a deletion, and the removed
  controls and invisible characters are not content anybody would look for. What it did is
  reported per document in `Edit.counts` under `html_entity`, `mojibake`, `control_char`,
  `zero_width`, `bidi` and `nfc` (or `nfkc`); see `encoding_fixers` for how each counts.
- Fast path: most text needs nothing. A cheap check (a precompiled regex for entities,
  controls and invisible characters; ftfy's mojibake regex only around the few characters
  it needs; `unicodedata.is_normalized`) lets such text through untouched without ftfy.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import ClassVar

from cleaner.document import Document, Edit
from cleaner.options import Option, Settings
from cleaner.stages import encoding_fixers as fix
from cleaner.stages import encoding_patterns as pat
from cleaner.stages.base import Transform

#: A safety bound on repair rounds; real text settles in one or two.
MAX_ROUNDS = 8

_ENTITY = re.compile(pat.ENTITY)


class EncodingRepair(Transform):
    """Repair mojibake, entities, controls and invisible characters; normalize."""

    name: ClassVar[str] = "encoding"
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "fix_mojibake",
            bool,
            True,
            "repair text decoded with the wrong codec: UTF-8 read as cp1252/latin-1 "
            "(also twice over), cp1252 read as latin-1",
        ),
        Option(
            "fix_entities",
            bool,
            True,
            "decode HTML entities left in plain text (&amp; &#8217;); lines containing '<' "
            "are left alone, as they are likely markup or code",
        ),
        Option(
            "remove_control",
            bool,
            True,
            "remove control characters and ANSI escapes, give C1 characters their cp1252 "
            "meaning, pair or replace UTF-16 surrogates",
        ),
        Option(
            "remove_zero_width",
            bool,
            True,
            "remove zero-width characters and soft hyphens; ZWJ/ZWNJ stay inside emoji "
            "sequences and Arabic-script or Brahmic words",
        ),
        Option(
            "remove_bidi",
            bool,
            True,
            "remove bidirectional control characters (they only steer display order)",
        ),
        Option(
            "normalization",
            str,
            "NFC",
            "Unicode normalization: 'NFC' (composes accents, changes no meaning), 'NFKC' "
            "(also folds ligatures, full-width and superscript forms) or 'none'",
            choices=("NFC", "NFKC", "none"),
        ),
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._form = None if settings.normalization == "none" else settings.normalization
        self._suspect = _suspect_regex(settings)

    def transform(self, doc: Document) -> Edit:
        """The repaired text and how many repairs of each kind were made."""
        text, counts = self.repair(doc.text)
        return Edit(text=text, counts=counts)

    def repair(self, text: str) -> tuple[str, dict[str, int]]:
        """Repair `text` until stable; (text, counts per kind), counts empty if unchanged."""
        if not self.needs_repair(text):
            return text, {}
        counts: Counter[str] = Counter()
        for _ in range(MAX_ROUNDS):
            before = text
            text = self.repair_round(text, counts)
            if text == before:
                break
        return text, {kind: n for kind, n in counts.items() if n}

    def needs_repair(self, text: str) -> bool:
        """Whether any repair could change `text` (never False when one would)."""
        if self._suspect is not None and self._suspect.search(text):
            return True
        if self.settings.fix_entities and "&" in text and _ENTITY.search(text):
            return True
        if text.isascii():  # no mojibake, always normalized
            return False
        if self.settings.fix_mojibake and fix.might_be_mojibake(text):
            return True
        return self._form is not None and not unicodedata.is_normalized(self._form, text)

    def repair_round(self, text: str, counts: Counter[str]) -> str:
        """One pass of every enabled repair, in order, adding to `counts`."""
        s = self.settings
        if s.fix_entities:
            text, n = fix.decode_entities(text)
            counts["html_entity"] += n
        if s.fix_mojibake:
            text, n, c1 = fix.repair_mojibake(text)
            counts["mojibake"] += n
            counts["control_char"] += c1
        if s.remove_control:
            text, n = fix.remove_controls(text)
            counts["control_char"] += n
        if s.remove_zero_width or s.remove_bidi:
            text, n, bidi = fix.remove_invisible(text, s.remove_zero_width, s.remove_bidi)
            counts["zero_width"] += n
            counts["bidi"] += bidi
        if self._form is not None:
            text, n = fix.normalize(text, self._form)
            counts[self._form.lower()] += n
        return text


def _suspect_regex(settings: Settings) -> re.Pattern[str] | None:
    """A character class matching any character that an enabled repair acts on.

    Entities, mojibake and normalization are checked separately (see `needs_repair`): a
    regex that is a single character class is scanned much faster than an alternation.
    """
    chars = ""
    if settings.remove_control:
        chars += pat.CONTROL + pat.SURROGATE
    if settings.fix_mojibake:
        chars += pat.C1
    if settings.remove_zero_width:
        chars += pat.ZERO_WIDTH + pat.ZWNJ + pat.ZWJ
    if settings.remove_bidi:
        chars += pat.BIDI
    return re.compile(f"[{chars}]") if chars else None
