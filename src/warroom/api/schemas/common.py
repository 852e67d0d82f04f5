"""Shapes shared by every resource: errors and durations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ErrorPublic(BaseModel):
    """Every error response: ``detail`` says what was expected and what to do."""

    detail: str = Field(examples=["no incident with id 'inc_x'; list incidents to find the id"])


def parse_duration(text: str) -> timedelta:
    """``"30m"`` -> 30 minutes; a bare number means minutes. Raises ``ValueError``."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"expected a duration like 30m, 2h or 90s, got {text!r}")
    value, unit = float(match.group(1)), (match.group(2) or "m").lower()
    if value <= 0:
        raise ValueError(f"the window must be positive, got {text!r}")
    return timedelta(seconds=value * _UNITS[unit])


def as_utc(moment: datetime) -> datetime:
    """A naive time is taken to be UTC, an aware one is converted to UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
