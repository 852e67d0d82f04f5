"""The incident window as epoch bounds, and the cheap check that skips a file outside it.

A caller may rely on: ``Bounds`` are inclusive UTC epoch seconds; ``None`` means no window.
``outside(sample, bounds)`` is True only when a file's sampled timestamps (its first and last
records) lie wholly on one side of the window, with room for files whose records are not in
time order.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from itertools import pairwise

from warroom.domain.evidence import TimeWindow

Bounds = tuple[float, float]
_TAIL_BYTES = 32_768
_HEAD_BYTES = 32_768


def bounds_of(window: TimeWindow | None) -> Bounds | None:
    if window is None:
        return None

    def seconds(t: datetime) -> float:
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()

    return seconds(window.start), seconds(window.end)


def head_lines(path: str, limit: int = 64) -> list[str]:
    """Up to ``limit`` whole lines from the start of the file."""
    with open(path, "rb") as f:
        data = f.read(_HEAD_BYTES)
    lines = data.decode("utf-8", "replace").splitlines()
    if len(data) == _HEAD_BYTES and lines:
        lines.pop()  # may be cut
    return lines[:limit]


def tail_lines(path: str, limit: int = 64) -> list[str]:
    """Up to ``limit`` whole lines from the end of the file, read with a seek."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(max(0, size - _TAIL_BYTES))
        data = f.read()
    lines = data.decode("utf-8", "replace").splitlines()
    if size > _TAIL_BYTES and lines:
        lines.pop(0)  # may be cut
    return [ln for ln in lines if ln.strip()][-limit:]


def outside(head: list[float], tail: list[float], bounds: Bounds) -> bool:
    """Whether a file whose first and last timestamps are ``head`` and ``tail`` misses ``bounds``.

    Files are not always in time order (collectors flush out of order), so the largest
    backward step seen in the samples widens the file's range before comparing.
    """
    sample = head + tail
    if not head or not tail:
        return False
    slack = max(_disorder(head), _disorder(tail))
    lo, hi = min(sample) - slack, max(sample) + slack
    return hi < bounds[0] or lo > bounds[1]


def _disorder(values: list[float]) -> float:
    worst = 0.0
    for a, b in pairwise(values):
        worst = max(worst, a - b)
    return worst
