"""Capture dates from WARC and ARC headers, normalised to `YYYY-MM-DDTHH:MM:SSZ` (UTC).

WARC-Date is ISO 8601 (WARC 1.1 adds fractions of a second; older writers add offsets
like `-0700`), ARC dates are 14 digits. Real files carry broken values (ClueWeb09:
`2008-10-294T05:21:46-0700`); those give None rather than a guess, and never an exception.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_ARC = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def normalize_warc_date(value: str | None) -> str | None:
    """An ISO 8601 WARC-Date in UTC as `YYYY-MM-DDTHH:MM:SSZ`; None if missing or invalid."""
    if not value:
        return None
    match = _ISO.fullmatch(value.strip())
    if match is None:
        logger.debug("unparsable WARC-Date %r", value)
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    moment = _build(year, month, day, hour or "0", minute or "0", second or "0")
    if moment is None:
        logger.debug("impossible WARC-Date %r", value)
        return None
    try:
        return (moment - _utc_offset(zone)).strftime(_FORMAT)
    except OverflowError:  # year 1 or 9999 shifted out of range
        return None


def normalize_arc_date(value: str | None) -> str | None:
    """A 14-digit ARC date (`20080509190241`, UTC) as `YYYY-MM-DDTHH:MM:SSZ`, or None."""
    match = _ARC.fullmatch(value.strip()) if value else None
    moment = _build(*match.groups()) if match else None
    if moment is None:
        logger.debug("invalid ARC date %r", value)
        return None
    return moment.strftime(_FORMAT)


def _build(year: str, month: str, day: str, hour: str, minute: str, second: str) -> datetime | None:
    """The datetime of (year, month, day, hour, minute, second) strings; None if impossible."""
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None


def _utc_offset(zone: str | None) -> timedelta:
    """The offset of `Z`, `+02:00` or `-0700`; none given means UTC, as WARC requires."""
    if zone is None or zone == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))

