"""Per-key request rate limits: one token bucket per API key, in this process.

A caller may rely on: a bucket holds at most ``burst`` requests and refills at
``per_minute / 60`` requests a second; ``take`` either spends one request and answers None,
or spends nothing and answers how many seconds to wait until one request is available.
Buckets live in memory (several server processes each limit on their own), and buckets
that have refilled completely are dropped, so memory follows the number of active keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# Past this many buckets, full ones are swept out (a full bucket is the same as no bucket).
_SWEEP_AT = 4096


@dataclass(frozen=True)
class RateLimit:
    """``per_minute`` sustained requests per key, with bursts of up to ``burst``."""

    per_minute: float = 1200.0
    burst: int = 240

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError(
                "a rate limit needs per_minute > 0 and burst >= 1, got "
                f"per_minute={self.per_minute}, burst={self.burst}; pass rate_limit=None "
                "to turn limiting off"
            )

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


class RateLimiter:
    """Token buckets by key; ``clock`` (monotonic seconds) is a seam for tests."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        # key -> (requests available, when that was computed)
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float | None:
        """Spend one request of ``key``'s bucket: None if allowed, else seconds to wait."""
        now = self._clock()
        burst = float(self.limit.burst)
        available, since = self._buckets.get(key, (burst, now))
        available = min(burst, available + (now - since) * self.limit.per_second)
        if available >= 1.0:
            self._buckets[key] = (available - 1.0, now)
            if len(self._buckets) > _SWEEP_AT:
                self._sweep(now)
            return None
        self._buckets[key] = (available, now)
        return (1.0 - available) / self.limit.per_second

    def _sweep(self, now: float) -> None:
        burst = float(self.limit.burst)
        rate = self.limit.per_second
        self._buckets = {
            key: (available, since)
            for key, (available, since) in self._buckets.items()
            if available + (now - since) * rate < burst
        }
