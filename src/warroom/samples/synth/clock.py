"""The sample's clock: one day, integer microseconds since the epoch, and the time formats.

Times are integers so that every rendering is exact and regeneration gives the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY = datetime(2026, 3, 14, tzinfo=UTC)
SECOND = 1_000_000
MILLI = 1_000


def at(hour: int, minute: int, second: float = 0.0) -> int:
    """Microseconds since the epoch of ``hour:minute:second`` UTC on the sample's day."""
    midnight = int(DAY.timestamp()) * SECOND
    return midnight + (hour * 3600 + minute * 60) * SECOND + round(second * SECOND)


START = at(13, 30)  # first telemetry
END = at(14, 20)  # last telemetry; nothing is written after this
DEPLOY = at(14, 2)  # payment-service 2.14.0 rollout begins
ALERT = at(14, 7)  # HighErrorRate fires on web-gateway


def _dt(t: int) -> datetime:
    return datetime.fromtimestamp(t // SECOND, UTC).replace(microsecond=t % SECOND)


def iso_ms(t: int) -> str:
    """``2026-03-14T14:05:12.345Z``."""
    return _dt(t).strftime("%Y-%m-%dT%H:%M:%S.") + f"{(t % SECOND) // MILLI:03d}Z"


def iso_s(t: int) -> str:
    """``2026-03-14T14:05:12Z`` (truncated to the second)."""
    return _dt(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def spring(t: int) -> str:
    """``2026-03-14 14:05:12.345`` as Logback prints it by default (the pod runs in UTC)."""
    return _dt(t).strftime("%Y-%m-%d %H:%M:%S.") + f"{(t % SECOND) // MILLI:03d}"


def nanos(t: int) -> str:
    """OTLP's ``*UnixNano`` fields are decimal strings."""
    return str(t * 1000)
