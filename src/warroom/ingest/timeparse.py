"""Timestamps in the forms logs and telemetry files use, turned into UTC epoch seconds.

A caller may rely on: every parser returns ``float`` epoch seconds in UTC or ``None``;
naive times are taken as UTC; forms without a year (syslog ``Jan 12 10:00:01``) take the
current UTC year; a time of day alone (``19:58:58.300``) cannot be placed and gives ``None``.
"""

from __future__ import annotations

import re
from calendar import timegm
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_MON = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_ZONE = r"(?:\s?(?P<z>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
_FRAC = r"(?:[.,:](?P<f>\d{1,9}))?"
_HMS = r"(?P<H>\d{1,2}):(?P<M>\d{1,2}):(?P<S>\d{1,2})"

# Earliest epoch second taken as a timestamp when a bare number is guessed at (2000-01-01);
# smaller numbers in a log header are ids or counters.
PLAUSIBLE_EPOCH = 946_684_800.0
_YEAR_NOW = datetime.now(UTC).year


def epoch_from_number(value: float) -> float:
    """Seconds from an epoch number in seconds, milliseconds, microseconds or nanoseconds.

    The unit is chosen by magnitude, which is unambiguous for dates after 1973.
    """
    a = abs(value)
    if a < 1e11:
        return value
    if a < 1e14:
        return value / 1e3
    if a < 1e17:
        return value / 1e6
    return value / 1e9


def _zone_offset(z: str | None) -> int:
    if not z or z in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    return sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)


def _compose(
    year: int, month: int, day: int, g: dict[str, str | None], zone: str | None = None
) -> float | None:
    hour = int(g.get("H") or 0)
    minute = int(g.get("M") or 0)
    second = int(g.get("S") or 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        return None
    frac = g.get("f")
    base = timegm((year, month, day, hour, minute, second, 0, 0, 0)) - _zone_offset(zone)
    return base + (int(frac) / 10 ** len(frac) if frac else 0.0)


def _year(text: str | None) -> int:
    if not text:
        return _YEAR_NOW
    y = int(text)
    return y + 2000 if y < 100 else y


@dataclass(frozen=True, slots=True)
class TimePattern:
    """One textual timestamp form; ``complete`` when it pins a moment (date and time)."""

    name: str
    regex: str
    complete: bool
    convert: Callable[[dict[str, str | None]], float | None]

    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.regex)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(regex: str) -> re.Pattern[str]:
    pattern = _CACHE.get(regex)
    if pattern is None:
        pattern = _CACHE[regex] = re.compile(regex)
    return pattern


def _ymd(g: dict[str, str | None]) -> float | None:
    return _compose(_year(g["Y"]), int(g["m"] or 0), int(g["d"] or 0), g, g.get("z"))


def _mon(g: dict[str, str | None]) -> float | None:
    month = MONTHS.get((g["b"] or "")[:3].lower(), 0)
    return _compose(_year(g.get("Y")), month, int(g["d"] or 0), g, g.get("z"))


def _epoch(g: dict[str, str | None]) -> float | None:
    return epoch_from_number(float(g["e"] or 0))


def _none(_: dict[str, str | None]) -> float | None:
    return None


PATTERNS: tuple[TimePattern, ...] = (
    TimePattern(
        "iso",
        rf"(?P<Y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})[T ]{_HMS}{_FRAC}{_ZONE}",
        True,
        _ymd,
    ),
    TimePattern(
        "slash",
        rf"(?P<Y>\d{{2}}|\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})[ T:]{_HMS}{_FRAC}{_ZONE}",
        True,
        _ymd,
    ),
    TimePattern(
        "dotted",  # 2005-06-03-15.42.50.675872, 2005.06.03 15:42:50
        r"(?P<Y>\d{4})[.-](?P<m>\d{2})[.-](?P<d>\d{2})[-T ](?P<H>\d{2})[.:](?P<M>\d{2})"
        rf"[.:](?P<S>\d{{2}}){_FRAC}",
        True,
        _ymd,
    ),
    TimePattern(
        "compact",  # 20171223-22:15:29:606, 20230130T115921Z
        rf"(?P<Y>\d{{4}})(?P<m>\d{{2}})(?P<d>\d{{2}})[-T ]?{_HMS}{_FRAC}{_ZONE}",
        True,
        _ymd,
    ),
    TimePattern(
        "compact-basic",  # 20230130T115921Z (ISO 8601 basic form)
        r"(?P<Y>\d{4})(?P<m>\d{2})(?P<d>\d{2})T(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})"
        rf"{_FRAC}{_ZONE}",
        True,
        _ymd,
    ),
    TimePattern(
        "yymmdd",  # 081109 203615
        r"(?P<Y>\d{2})(?P<m>\d{2})(?P<d>\d{2}) (?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})",
        True,
        _ymd,
    ),
    TimePattern(
        "ctime",  # Sun Dec 04 04:47:44 2005
        rf"{_DAY},? +(?P<b>{_MON}) +(?P<d>\d{{1,2}}) {_HMS}{_FRAC}{_ZONE} (?P<Y>\d{{4}})",
        True,
        _mon,
    ),
    TimePattern(
        "rfc2822",  # Mon, 30 Jan 2023 11:59:21 GMT
        rf"(?:{_DAY},? )?(?P<d>\d{{1,2}}) (?P<b>{_MON}) (?P<Y>\d{{4}}) {_HMS}{_FRAC}{_ZONE}",
        True,
        _mon,
    ),
    TimePattern(
        "clf",  # 30/Jan/2023:11:59:21 +0000 (web server access logs)
        rf"(?P<d>\d{{1,2}})/(?P<b>{_MON})/(?P<Y>\d{{4}})[: ]{_HMS}{_FRAC}{_ZONE}",
        True,
        _mon,
    ),
    TimePattern(
        "syslog",  # Jan 12 10:00:01, Jan 12 2023 10:00:01
        rf"(?P<b>{_MON}) +(?P<d>\d{{1,2}})(?: (?P<Y>\d{{4}}))? {_HMS}{_FRAC}{_ZONE}",
        True,
        _mon,
    ),
    TimePattern(
        "month-dot-day",  # 10.30 16:49:06
        rf"(?P<m>\d{{1,2}})[.-](?P<d>\d{{1,2}}) {_HMS}{_FRAC}",
        True,
        lambda g: _compose(_YEAR_NOW, int(g["m"] or 0), int(g["d"] or 0), g),
    ),
    TimePattern("epoch", r"(?P<e>\d{9,19}(?:\.\d+)?)", True, _epoch),
    TimePattern(
        "date",
        r"(?P<Y>\d{4})[-./](?P<m>\d{2})[-./](?P<d>\d{2})",
        False,
        lambda g: _compose(_year(g["Y"]), int(g["m"] or 0), int(g["d"] or 0), {}),
    ),
    TimePattern("time-of-day", rf"{_HMS}{_FRAC}", False, _none),
)
BY_NAME = {p.name: p for p in PATTERNS}


def parse_with(pattern: TimePattern, text: str) -> float | None:
    """Epoch seconds if ``text`` is wholly in ``pattern``'s form, else ``None``."""
    m = pattern.compiled().fullmatch(text)
    if m is None:
        return None
    try:
        return pattern.convert(m.groupdict())
    except (ValueError, OverflowError):
        return None


def match_pattern(text: str) -> TimePattern | None:
    """The first pattern that matches the whole of ``text`` (a time of day counts)."""
    for pattern in PATTERNS:
        if pattern.compiled().fullmatch(text):
            return pattern
    return None


class TimeReader:
    """Parses one column or field of timestamps, trying the last form that worked first.

    Accepts numbers (epoch in s/ms/us/ns by magnitude) and any form in ``PATTERNS``, also
    when followed by trailing text (Go's ``2023-01-30 11:39:52.9 +0000 UTC m=+0.12``).
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: TimePattern | None = None

    def __call__(self, value: object) -> float | None:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int | float):
            return epoch_from_number(float(value))
        text = str(value).strip()
        if not text:
            return None
        if text.lstrip("-")[:1].isdigit() and (text.isdigit() or _is_float(text)):
            return epoch_from_number(float(text))
        if self._last is not None:
            ts = self._try(self._last, text)
            if ts is not None:
                return ts
        for pattern in PATTERNS:
            if pattern.complete and pattern.name != "epoch":
                ts = self._try(pattern, text)
                if ts is not None:
                    self._last = pattern
                    return ts
        return None

    @staticmethod
    def _try(pattern: TimePattern, text: str) -> float | None:
        m = pattern.compiled().match(text)
        if m is None:
            return None
        try:
            return pattern.convert(m.groupdict())
        except (ValueError, OverflowError):
            return None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
