"""Bytes to text without silent loss: every byte either becomes a character or is refused.

Scraped pages lie about their encoding (servers default to ISO-8859-1, pages are saved in
another charset than they declare, crawlers cut a multibyte character in half), so the
choice goes through evidence in order of strength, and each candidate is decoded *strictly*:
an encoding that cannot decode every byte is not the page's encoding, and the next candidate
is tried. `errors="replace"` is never used, so U+FFFD only appears when the input had it.

Order: byte-order mark; UTF-16/32 without BOM, recognised by where its NUL bytes sit
(checked before UTF-8, which would accept ASCII-range UTF-16 as text full of NULs); strict
UTF-8, the 99% case, kept cheap; UTF-8 with a few stray cp1252 bytes; CJK UTF-16 without
BOM, recognised by the script it decodes to; the declared charset (HTTP header; for HTML
also `<meta>` and the XML declaration), with browser aliases; statistical detection limited
to the encodings browsers support; cp1252; latin-1, which decodes anything. Binary content (images, archives, executables, random bytes) raises
`NotText` before any of that, because decoding it would only make noise.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from cleaner.errors import NotText

logger = logging.getLogger(__name__)

#: How much of the input the binary and UTF-16 checks look at; enough to be sure, cheap.
SAMPLE_BYTES = 1 << 16
#: How much of an HTML page is searched for `<meta charset>` (browsers prescan 1024 bytes;
#: scraped pages put long scripts first, so a little more).
HTML_PRESCAN_BYTES = 4096
#: Share of control bytes (NUL and C0 controls other than whitespace and ESC) above which
#: the input is binary: text has almost none, random bytes about 10%.
MAX_CONTROL_SHARE = 0.01

# Control bytes that text never contains; TAB LF VT FF CR are whitespace, ESC starts the
# shift sequences of ISO-2022-JP, so both stay out.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")

#: Magic numbers of common non-text formats found in crawls: (prefix, offset, name).
MAGIC_NUMBERS: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"\x1f\x8b\x08", 0, "gzip archive"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "MS Office document"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"\xca\xfe\xba\xbe", 0, "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O executable"),
    (b"\xce\xfa\xed\xfe", 0, "Mach-O executable"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"OggS", 0, "Ogg media"),
    (b"fLaC", 0, "FLAC audio"),
    (b"ftyp", 4, "MP4 media"),
    (b"WAVE", 8, "WAV audio"),
    (b"AVI ", 8, "AVI video"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_ID3 = re.compile(rb"ID3[\x02-\x04]\x00")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Labels browsers decode differently from Python's codec of the same name (WHATWG
#: Encoding Standard): a page declaring ISO-8859-1 is decoded as windows-1252, GB2312 as
#: GB18030, Shift_JIS as windows-31j, EUC-KR as windows-949, Big5 with HKSCS.
CHARSET_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ("iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "iso_8859-1:1987", "latin1",
         "latin-1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "us-ascii", "ascii",
         "ansi_x3.4-1968", "x-cp1252", "windows-1252"),
        "cp1252",
    ),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "iso_8859-9", "latin5", "l5"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "iso8859-11"), "cp874"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "gb_2312-80", "cp936"), "gb18030"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "csshiftjis", "ms932"),
        "cp932",
    ),
    **dict.fromkeys(
        ("euc-kr", "euckr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "korean", "windows-949"),
        "cp949",
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5"), "big5hkscs"),
    **dict.fromkeys(("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"), "utf-8"),
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso8859_8",
    "x-mac-roman": "mac_roman",
    **dict.fromkeys(("x-mac-cyrillic", "x-mac-ukrainian"), "mac_cyrillic"),
    **dict.fromkeys(("utf-16", "utf16", "unicode", "ucs-2"), "utf-16-le"),
    **dict.fromkeys(("utf-32", "utf32"), "utf-32-le"),
}

#: Encodings detection may choose: the WHATWG set, the ones a browser would accept, in the
#: order preferred when detection finds several equally plausible (the commoner first).
#: DOS and Mac code pages that charset_normalizer likes for short Western text are left out,
#: and so is UTF-16, which it proposes for any short run of bytes (UTF-16 without BOM is
#: recognised by NUL positions or by script instead).
DETECTABLE = (
    "cp1252", "gb18030", "cp932", "euc_jp", "iso2022_jp", "cp1251", "cp949", "big5hkscs",
    "koi8_r", "koi8_u", "cp1250", "cp1256", "cp1253", "cp1254", "cp1255", "cp874", "cp1257",
    "cp1258", "cp866", "iso8859_2", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_4", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "mac_cyrillic", "mac_roman",
)
_DETECTABLE_NAMES = tuple(codecs.lookup(name).name for name in DETECTABLE)
# Decoding strictly with these is evidence in itself; a single-byte code page decodes anything.
_MULTIBYTE = frozenset(
    codecs.lookup(name).name for name in ("gb18030", "cp932", "euc_jp", "iso2022_jp", "cp949", "big5hkscs")
)
#: How much worse (charset_normalizer chaos / coherence) a commoner encoding may score and still win.
DETECTION_TIE = 0.02
#: cp1252 is by far the commonest legacy encoding on the web; when its decoding is nearly as
#: clean as the detector's favourite and uses only the characters of Western European text,
#: it wins (French latin-1 otherwise reads as Baltic cp1257). Turkish or Polish bytes read as
#: cp1252 give Icelandic letters or superscripts, which are not in this set.
CP1252_PRIOR = 0.15
_WESTERN = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüÿœšžßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜŸŒŠŽ"
    "“”‘’„‚–—…«»‹›€£¥¢°©®™±·•§¶×÷¼½¾¡¿\u00a0"
)

# Detection names that mean one of the DETECTABLE codecs.
_DETECTED_ALIASES = {"shift_jis": "cp932", "gbk": "gb18030", "gb2312": "gb18030", "euc_kr": "cp949",
                     "big5": "big5hkscs", "latin_1": "cp1252", "ascii": "cp1252"}

# Reasons Python gives when the only problem is a character cut off at the end of the data.
_TRUNCATION_REASONS = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")
_MAX_CUT_CHARACTER = 3

_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_ISO2022_JP_ESCAPE = re.compile(rb"\x1b\$[@B]")
# Characters that make up CJK text in UTF-16: CJK symbols, kana, ideographs, hangul,
# full-width forms, and ASCII.
_WIDE_SCRIPT = re.compile("[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\t\n\r -~]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# latin-1 character -> cp1252 character, for the 0x80-0x9F bytes cp1252 defines.
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_CP1252_TABLE = {
    byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xA0) if byte not in _CP1252_UNDEFINED
}
_STRAY_BYTES_AS_CP1252 = "cleaner.decode.stray-bytes-as-cp1252"
_HTML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the codec and the evidence that chose it.

    `method` is one of `empty`, `bom`, `ascii`, `escape-sequences` (ISO-2022-JP), `utf-8`,
    `mostly-utf-8` (UTF-8 with stray cp1252 bytes; encoding `utf-8+cp1252`), `nul-pattern`
    and `cjk-pattern` (UTF-16 without BOM), `declared` (the caller's charset, e.g. the HTTP
    header), `meta` (the page's own declaration), `detected`, `fallback`. `cut_bytes` counts the bytes of an
    incomplete character at the very end that were left out (a crawler truncated the page
    mid-character); it is 0 otherwise, and nothing else is ever left out.
    """

    text: str
    encoding: str
    method: str
    cut_bytes: int = 0


def decode_bytes(data: bytes, declared: str | None = None, *, html: bool = False) -> Decoded:
    """Decode `data` to text by the policy in the module docstring.

    `declared` is a charset label from outside the data (an HTTP `Content-Type` charset);
    with `html=True` the page's own `<meta>` / XML declaration is considered too. Raises
    `NotText` when the bytes are binary content rather than text.
    """
    if not data:
        return Decoded("", "ascii", "empty")
    bom = _decode_bom(data)
    if bom is not None:
        return bom
    declared_codec = normalize_charset(declared)
    wide = _decode_declared_wide(data, declared_codec)
    if wide is not None:
        return wide
    reason = looks_binary(data)
    if reason is not None:
        raise NotText(f"binary content ({reason}), not text")
    return _decode_narrow_or_wide(data, declared_codec, html)


def normalize_charset(label: str | None) -> str | None:
    """The Python codec for a charset label, with browser aliases; None if unknown or empty."""
    if not label:
        return None
    key = label.strip().strip("\"'").strip().lower()
    name = CHARSET_ALIASES.get(key, key)
    try:
        return codecs.lookup(name).name
    except LookupError:
        logger.debug("unknown charset label %r ignored", label)
        return None


def sniff_html_charset(head: bytes) -> str | None:
    """The charset an HTML page declares for itself, as a Python codec name, or None.

    Looks at the XML declaration and at every `<meta ... charset=...>` in the first
    `HTML_PRESCAN_BYTES` (outside comments), which covers both `<meta charset>` and the
    `http-equiv` Content-Type form. A declared UTF-16/32 is read as UTF-8, as browsers do: a
    page whose declaration could be read as ASCII is not UTF-16.
    """
    head = head[:HTML_PRESCAN_BYTES]
    match = _XML_DECLARATION.match(head)
    labels = [match.group(1)] if match else []
    for tag in _META_TAG.finditer(_HTML_COMMENT.sub(b"", head)):
        found = _META_CHARSET.search(tag.group(0))
        if found:
            labels.append(found.group(1))
    for label in labels:
        codec = normalize_charset(label.decode("ascii", "ignore"))
        if codec is not None:
            return "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec
    return None


def looks_binary(data: bytes) -> str | None:
    """What kind of binary content `data` is (e.g. "PNG image"), or None if it may be text.

    Known magic numbers first; then, on a sample, NUL and control bytes, except where NULs
    sit in the pattern of UTF-16/32 text (whose decoded characters are checked instead).
    """
    kind = _magic_kind(data)
    if kind is not None or _decode_bom(data[:SAMPLE_BYTES]) is not None:
        return kind
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        codec = _wide_codec_by_nuls(sample)
        decoded = _decode_tolerant(sample, codec) if codec is not None else None
        if decoded is not None:
            return _control_text_reason(decoded[0])
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls >= 2 and controls > MAX_CONTROL_SHARE * len(sample) and not _wide_codec_by_script(sample):
        what = "NUL bytes" if sample.count(0) * 2 >= controls else "control bytes"
        return f"{what}, {controls / len(sample):.0%} of the first {len(sample)} bytes"
    return None


def _decode_narrow_or_wide(data: bytes, declared: str | None, html: bool) -> Decoded:
    """Every step after the BOM and binary checks, in order: the first that decodes wins."""
    if data.isascii() and b"\x00" not in data:  # the fast path
        return _decode_ascii(data)
    return (
        _decode_wide_by_nuls(data)  # before UTF-8, which accepts ASCII-range UTF-16 as text with NULs
        or _decode_utf8(data)
        or _decode_mostly_utf8(data)
        or _decode_wide_by_script(data)
        or _decode_declared(data, declared, html)
        or _decode_detected(data)
        or _attempt(data, "cp1252", "fallback")
        or Decoded(data.decode("latin-1"), "iso8859-1", "fallback")
    )


def _decode_wide_by_nuls(data: bytes) -> Decoded | None:
    """UTF-16/32 without BOM whose NUL bytes give it away (Latin, Cyrillic, ... text)."""
    codec = _wide_codec_by_nuls(data[:SAMPLE_BYTES]) if b"\x00" in data else None
    return _attempt(data, codec, "nul-pattern") if codec is not None else None


def _decode_wide_by_script(data: bytes) -> Decoded | None:
    """CJK UTF-16 without BOM, tried only when control-range bytes rule out 8-bit text."""
    sample = data[:SAMPLE_BYTES]
    if len(sample.translate(None, _CONTROL_BYTES)) == len(sample):
        return None
    codec = _wide_codec_by_script(sample)
    return _attempt(data, codec, "cjk-pattern") if codec is not None else None


def _decode_declared(data: bytes, declared: str | None, html: bool) -> Decoded | None:
    """The first declared charset (HTTP header, then the page's own) that decodes strictly."""
    for codec, method in _declared_candidates(data, declared, html):
        decoded = _attempt(data, codec, method)
        if decoded is not None:
            return decoded
    return None


def _decode_detected(data: bytes) -> Decoded | None:
    """The encoding charset_normalizer finds, if it decodes strictly."""
    detected = _detect(data)
    return _attempt(data, detected, "detected") if detected is not None else None


def _decode_ascii(data: bytes) -> Decoded:
    """Pure 7-bit data: ASCII, unless ISO-2022-JP escape sequences say it is Japanese."""
    if b"\x1b" in data and _ISO2022_JP_ESCAPE.search(data):
        decoded = _attempt(data, "iso2022_jp_ext", "escape-sequences")
        if decoded is not None:
            return decoded
    return Decoded(data.decode("ascii"), "ascii", "ascii")


def _decode_bom(data: bytes) -> Decoded | None:
    """Decode by byte-order mark, the strongest evidence there is; None without one."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            decoded = _attempt(data[len(bom):], codec, "bom")
            if decoded is not None:
                return decoded
            logger.debug("%s byte-order mark but the data is not %s", codec, codec)
            return None
    return None


def _decode_declared_wide(data: bytes, declared: str | None) -> Decoded | None:
    """UTF-16/32 declared by the caller, tried before the binary check.

    CJK text in UTF-16 has no telltale NULs and many bytes in the control range, so the
    byte-level binary check would refuse it; its decoded characters are checked instead.
    """
    if declared is None or not declared.startswith(("utf-16", "utf-32")):
        return None
    decoded = _attempt(data, declared, "declared")
    if decoded is None or _control_text_reason(decoded.text) is not None:
        return None
    return decoded


def _decode_utf8(data: bytes) -> Decoded | None:
    """Strict UTF-8, also when only the last character is cut off (with evidence of UTF-8)."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError as exc:
        if not _is_cut_at_end(exc, len(data)) or data[: exc.start].isascii():
            return None
        return Decoded(data[: exc.start].decode("utf-8"), "utf-8", "utf-8", len(data) - exc.start)


def _decode_mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few stray cp1252 bytes (a cp1252 apostrophe in a UTF-8 page), or None.

    Common in scraped pages built from templates in two encodings. When valid multibyte
    UTF-8 sequences outnumber the bytes that fit no sequence, those are UTF-8 and each
    stray byte is its cp1252 character (latin-1 for the five cp1252 leaves undefined):
    every byte still becomes exactly one character, and the UTF-8 majority is not turned
    into mojibake as a whole-page cp1252 decode would.
    """
    sequences = _UTF8_SEQUENCE.findall(data)
    stray = len(data) - len(data.translate(None, _HIGH_BYTES)) - sum(map(len, sequences))
    if len(sequences) <= stray:
        return None
    text = data.decode("utf-8", errors=_STRAY_BYTES_AS_CP1252)
    return Decoded(text, "utf-8+cp1252", "mostly-utf-8")


def _stray_bytes_as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each undecodable byte becomes its cp1252 (or latin-1) character."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1").translate(_CP1252_TABLE), exc.end


def _declared_candidates(data: bytes, declared: str | None, html: bool) -> list[tuple[str, str]]:
    """(codec, method) pairs to try: the caller's declaration and the page's own.

    The HTTP header comes first as in browsers, except when it only says ISO-8859-1 /
    ASCII (a common server default) and the page declares something else: then the page's
    own declaration is the better evidence.
    """
    meta = sniff_html_charset(data) if html else None
    candidates = [(c, m) for c, m in ((declared, "declared"), (meta, "meta")) if c is not None]
    if declared == "cp1252" and meta is not None and meta != declared:
        candidates.reverse()
    return candidates


def _detect(data: bytes) -> str | None:
    """The most plausible browser-supported encoding per charset_normalizer, or None.

    charset_normalizer scores "chaos" (how messy the text looks) and "coherence" (how well
    it fits a language), and often ties between cousins (cp1250 vs cp1252 for French, or a
    dozen code pages for a short snippet). Among candidates within `DETECTION_TIE` of the
    least chaos and then of the best coherence, the one commoner on the web wins. A
    single-byte guess with no language evidence at all (coherence 0) is no better than the
    cp1252 fallback, so None is returned for it.
    """
    scored = _detection_candidates(data)
    for cut in range(1, _MAX_CUT_CHARACTER + 1):
        if scored or len(data) <= cut:
            break
        scored = _detection_candidates(data[:-cut])  # a character cut off at the end
    if not scored:
        return None
    least_chaos = min(chaos for chaos, *_ in scored)
    if any(name == "cp1252" and chaos <= least_chaos + CP1252_PRIOR for chaos, _, name, _ in scored) and _western(data):
        return "cp1252"
    close = [(rank, name, coh) for chaos, rank, name, coh in scored if chaos <= least_chaos + DETECTION_TIE]
    most_coherent = max(coh for _, _, coh in close)
    _, name, coherence = min(c for c in close if c[2] >= most_coherent - DETECTION_TIE)
    if coherence == 0 and name not in _MULTIBYTE:
        logger.debug("detection guessed %s without language evidence; not trusted", name)
        return None
    return name


def _western(data: bytes) -> bool:
    """True when every non-ASCII character of the cp1252 reading is common Western European."""
    high = set(data.translate(None, bytes(range(128))))
    return all(bytes([b]).decode("cp1252", "replace") in _WESTERN for b in high)


def _detection_candidates(data: bytes) -> list[tuple[float, int, str, float]]:
    """(chaos, preference rank, codec, coherence) for each browser encoding that fits."""
    from charset_normalizer import from_bytes

    scored = []
    for match in from_bytes(data):
        for label in match.could_be_from_charset:
            name = codecs.lookup(_DETECTED_ALIASES.get(label, label)).name
            if name in _DETECTABLE_NAMES:
                scored.append((match.chaos, _DETECTABLE_NAMES.index(name), name, match.coherence))
    return scored


def _attempt(data: bytes, codec: str, method: str) -> Decoded | None:
    """Strict decoding with `codec`, tolerating only a character cut off at the end."""
    result = _decode_tolerant(data, codec)
    if result is None:
        return None
    text, cut = result
    if codec.startswith(("utf-16", "utf-32")) and _control_text_reason(text) is not None:
        return None  # binary data that happens to pair up into valid code units
    return Decoded(text, codecs.lookup(codec).name, method, cut)


def _decode_tolerant(data: bytes, codec: str) -> tuple[str, int] | None:
    """(text, bytes cut at the end) for a strict decode, or None if `codec` cannot decode."""
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError as exc:
        if not _is_cut_at_end(exc, len(data)):
            return None
        try:
            return data[: exc.start].decode(codec), len(data) - exc.start
        except UnicodeDecodeError:
            return None


def _is_cut_at_end(exc: UnicodeDecodeError, size: int) -> bool:
    """True when the decoding error is only an incomplete character at the very end."""
    return exc.reason in _TRUNCATION_REASONS and exc.end == size and size - exc.start <= _MAX_CUT_CHARACTER


def _wide_codec_by_nuls(sample: bytes) -> str | None:
    """UTF-32 or UTF-16 (LE/BE) without BOM, recognised by where the NUL bytes sit.

    Latin-script UTF-16 has a NUL in the high byte of most characters, so the NULs gather
    at one parity of position; other binary data scatters them. The sample must also decode
    strictly, which rules out most false alarms.
    """
    quads = len(sample) // 4
    aligned = sample[: quads * 4]
    for top_byte, codec in ((3, "utf-32-le"), (0, "utf-32-be")):  # always 0 below U+1000000
        if quads >= 2 and aligned[top_byte::4].count(0) == quads and _decode_tolerant(aligned, codec):
            return codec
    pairs = len(sample) // 2
    aligned = sample[: pairs * 2]
    even, odd = aligned[0::2].count(0), aligned[1::2].count(0)
    for nuls, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= max(2, 0.05 * pairs) and others <= 0.1 * nuls and _decode_tolerant(aligned, codec):
            return codec
    return None


def _wide_codec_by_script(sample: bytes) -> str | None:
    """UTF-16 (LE/BE) without BOM for CJK text, which has no telltale NULs; else None.

    Such text has bytes in the control range and would pass for binary. Read as UTF-16 in
    the right byte order it is almost all CJK, kana, hangul and ASCII; random bytes give
    lone surrogates (a strict decode fails) or scattered code points.
    """
    aligned = sample[: len(sample) // 2 * 2]
    if len(aligned) < 8:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = _decode_tolerant(aligned, codec)
        if decoded is not None and len(_WIDE_SCRIPT.findall(decoded[0])) >= 0.9 * len(decoded[0]):
            return codec
    return None


def _control_text_reason(text: str) -> str | None:
    """Why decoded `text` is binary after all (too many control characters), or None."""
    controls = len(_CONTROL_CHARS.findall(text))
    if controls >= 2 and controls > MAX_CONTROL_SHARE * len(text):
        return f"control characters, {controls / len(text):.0%} of the decoded text"
    return None


def _magic_kind(data: bytes) -> str | None:
    """The name of the binary format whose magic number `data` starts with, or None."""
    for magic, offset, name in MAGIC_NUMBERS:
        if data.startswith(magic, offset):
            return name
    if _BZIP2.match(data):
        return "bzip2 archive"
    if _ID3.match(data):
        return "MP3 audio"
    if data.startswith(b"MZ") and b"PE\x00\x00" in data[:1024]:
        return "Windows executable"
    return None


codecs.register_error(_STRAY_BYTES_AS_CP1252, _stray_bytes_as_cp1252)
