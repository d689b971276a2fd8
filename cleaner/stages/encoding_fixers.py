"""The repairs of the `encoding` stage: small functions, each `str -> (str, count)`.

Every fixer returns the text unchanged (and 0) when it has nothing to do; the stage repeats
them until a round changes nothing, which makes the stage idempotent. The counts are what
stats report per document; how each is counted is part of the contract tested by the
property tests:

- a *substitution* (mojibake, normalization) counts the `\\w+` words it produced that were
  not there before (at least one for each line it changed);
- an *entity* or a *control/invisible character* counts each one decoded or removed.

Either way one counted repair can create at most one word that was not in the input, which
is what lets the tests check that the stage never adds a word silently.

ftfy is configured to repair and never restyle: only its encoding repair runs (UTF-8 read
as cp1252 / latin-1 / other single-byte codecs, even twice; cp1252 read as latin-1); curly
quotes, ligatures, full-width forms, line breaks and non-Latin scripts are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from typing import Any, Literal

from cleaner.stages import encoding_patterns as pat

_WORD = re.compile(r"\w+")
_ENTITY = re.compile(pat.ENTITY)
_C1 = re.compile(f"[{pat.C1}]")
_BEYOND_C1 = re.compile("[^\x00-\x9f]")
_CONTROL = re.compile(f"[{pat.CONTROL}]")
_JOINER_OR_ZERO_WIDTH = re.compile(f"[{pat.ZERO_WIDTH}{pat.ZWNJ}{pat.ZWJ}]+")
_BIDI = re.compile(f"[{pat.BIDI}]+")


@cache
def ftfy_repair_config() -> Any:
    """ftfy settings that repair wrong decodings and nothing else.

    Every `TextFixerConfig` flag is set explicitly, so a new ftfy default cannot turn a
    restyling fix on behind our back. Entities, controls and normalization are done by
    the fixers below, which count what they did.
    """
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,  # "Ã " for "à" whose \xa0 became a space
        replace_lossy_sequences=True,  # unrecoverable mojibake -> U+FFFD, not garbage
        decode_inconsistent_utf8=True,  # mojibake embedded in otherwise good text
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        max_decode_length=1_000_000,
        explain=False,
    )


def changed_words(before: str, after: str) -> int:
    """How many `\\w+` words a substitution produced that `before` did not have.

    At least 1 when the text changed at all (a repaired apostrophe in "donâ€™t" produces
    no new word, but it is still one repair).
    """
    if before == after:
        return 0
    old, new = Counter(_WORD.findall(before)), Counter(_WORD.findall(after))
    return max(1, (new - old).total())


def decode_entities(text: str) -> tuple[str, int]:
    """Decode HTML entities (`&amp;`, `&#8217;`) until none is left, line by line.

    A line containing `<` is left alone, as ftfy does: it is likely markup or code whose
    entities are meant literally. Decoding repeats because scraped text is often escaped
    twice (`&amp;eacute;`).
    """
    from ftfy.fixes import unescape_html

    count = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal count
        decoded = unescape_html(match.group())
        count += decoded != match.group()
        return decoded

    lines = text.split("\n")
    for i, line in enumerate(lines):
        while "&" in line and "<" not in line:
            fixed = _ENTITY.sub(decode, line)
            if fixed == line:
                break
            line = fixed
        lines[i] = line
    return "\n".join(lines), count


def repair_mojibake(text: str) -> tuple[str, int, int]:
    """Repair lines that ftfy finds to be mojibake; return (text, mojibake, c1_controls).

    Only lines with a possible mojibake trigger are handed to ftfy. A line whose only
    repair was turning C1 characters into their cp1252 meaning (\\x96 -> –) is counted
    under C1 controls (one per character), any other repair under mojibake (changed words).
    """
    from ftfy import fix_text
    from ftfy.fixes import fix_c1_controls

    mojibake = c1 = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not might_be_mojibake(line):
            continue
        if not _BEYOND_C1.search(line):
            # ASCII plus C1 only: ftfy's first step here is exactly this mapping (no UTF-8
            # lead byte, so no multi-byte repair can apply), minus its full-line regex
            # passes; the next round hands the result to ftfy if it still looks broken.
            lines[i] = fix_c1_controls(line)
            c1 += len(_C1.findall(line)) - len(_C1.findall(lines[i]))
            continue
        fixed = fix_text(line, ftfy_repair_config())
        if fixed == line:
            continue
        if fixed == fix_c1_controls(line):
            c1 += len(_C1.findall(line)) - len(_C1.findall(fixed))
        else:
            mojibake += changed_words(line, fixed)
        lines[i] = fixed
    return "\n".join(lines), mojibake, c1


def remove_controls(text: str) -> tuple[str, int]:
    """Repair or remove control characters; count each one.

    ANSI escapes go whole; UTF-16 surrogates are paired or replaced by U+FFFD; C1
    characters become their cp1252 meaning where they have one; any other control
    character is removed.
    """
    from ftfy.fixes import fix_c1_controls

    count = 0
    if "\x1b" in text:
        text, n = pat.ANSI_ESCAPE.subn("", text)
        count += n
    text, n = pat.SURROGATE_PAIR.subn(_join_surrogates, text)
    count += n
    if _C1.search(text):
        count += len(_C1.findall(text))
        text = fix_c1_controls(text)
        count -= len(_C1.findall(text))  # left for the removal below, counted there
    text, n = _CONTROL.subn("", text)
    return text, count + n


def remove_invisible(text: str, zero_width: bool, bidi: bool) -> tuple[str, int, int]:
    """Remove zero-width and/or bidi control characters; return (text, zero_width, bidi).

    ZWJ and ZWNJ stay where they are meaningful: between two characters of a script that
    uses them to select letter forms (Arabic/Persian, Brahmic scripts), and ZWJ between
    two emoji characters (a ZWJ sequence). Everywhere else they are invisible noise.
    """
    removed_zw = removed_bidi = 0
    if zero_width:
        pieces: list[str] = []
        last = 0
        for match in _JOINER_OR_ZERO_WIDTH.finditer(text):
            kept = _keep_joiners(text, match.start(), match.end())
            pieces.append(text[last : match.start()])
            pieces.append(kept)
            removed_zw += match.end() - match.start() - len(kept)
            last = match.end()
        pieces.append(text[last:])
        text = "".join(pieces)
    if bidi:
        before = len(text)
        text = _BIDI.sub("", text)
        removed_bidi = before - len(text)
    return text, removed_zw, removed_bidi


def normalize(text: str, form: Literal["NFC", "NFD", "NFKC", "NFKD"]) -> tuple[str, int]:
    """Unicode normalization (`NFC`/`NFKC`); counts the words it produced (see `changed_words`)."""
    if unicodedata.is_normalized(form, text):
        return text, 0
    fixed = unicodedata.normalize(form, text)
    return fixed, changed_words(text, fixed)


def might_be_mojibake(text: str) -> bool:
    """Exactly `ftfy.badness.is_bad(text)`, but fast on text with few trigger characters.

    ftfy's regex only runs over the windows around trigger characters (see
    `encoding_patterns.mojibake_triggers`), merged where they overlap, not over the whole
    text. A regex search bounded by `pos`/`endpos` finds only real matches (`^` does not
    match at `pos`), so the answer is the same.
    """
    from ftfy.badness import BADNESS_RE

    window = pat.MOJIBAKE_WINDOW
    lo = hi = -1
    for match in _mojibake_trigger_re().finditer(text):
        pos = match.start()
        if pos - window >= hi:
            if hi > 0 and BADNESS_RE.search(text, lo, hi):
                return True
            lo = max(0, pos - window)
        hi = pos + window + 1
    return hi > 0 and BADNESS_RE.search(text, lo, hi) is not None


@cache
def _mojibake_trigger_re() -> re.Pattern[str]:
    return re.compile(f"[{pat.mojibake_triggers()}]")


def _join_surrogates(match: re.Match[str]) -> str:
    pair = match.group()
    if len(pair) == 2:
        return pair.encode("utf-16", "surrogatepass").decode("utf-16")
    return "\ufffd"


def _keep_joiners(text: str, start: int, end: int) -> str:
    """The joiners of the invisible run text[start:end] that must stay (usually none)."""
    run = text[start:end]
    if pat.ZWJ not in run and pat.ZWNJ not in run:
        return ""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not (before and after):
        return ""
    in_script = bool(pat.JOINING_SCRIPTS.match(before) and pat.JOINING_SCRIPTS.match(after))
    in_emoji = bool(pat.EMOJI.match(before) and pat.EMOJI.match(after))
    keep = ""
    for char in run:
        if (char == pat.ZWNJ and in_script) or (char == pat.ZWJ and (in_script or in_emoji)):
            keep += char
    return keep[:1]  # a run of several joiners means the same as one
