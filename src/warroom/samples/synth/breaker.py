"""order-service's circuit breaker around payment-service, resilience4j-style and count-based."""

from __future__ import annotations

from collections import deque

WINDOW = 10  # slidingWindowSize
MINIMUM_CALLS = 5
FAILURE_RATE = 0.5
OPEN_FOR = 30_000_000  # waitDurationInOpenState, microseconds
TRIAL_CALLS = 3  # permittedNumberOfCallsInHalfOpenState


class Breaker:
    """Call ``permits`` before a call and ``record`` when its outcome is known, in time order.

    Both return the state-change messages order-service logs.
    """

    def __init__(self) -> None:
        self.state = "CLOSED"
        self.window: deque[bool] = deque(maxlen=WINDOW)
        self.open_until = 0
        self.trials_left = 0
        self.trials: list[bool] = []

    def _change(self, new: str, why: str = "") -> str:
        message = f"CircuitBreaker 'payment' changed state from {self.state} to {new}{why}"
        self.state = new
        return message

    def permits(self, t: int) -> tuple[bool, list[str]]:
        notes: list[str] = []
        if self.state == "OPEN":
            if t < self.open_until:
                return False, notes
            notes.append(self._change("HALF_OPEN"))
            self.trials_left, self.trials = TRIAL_CALLS, []
        if self.state == "HALF_OPEN":
            if self.trials_left == 0:
                return False, notes
            self.trials_left -= 1
        return True, notes

    def record(self, t: int, ok: bool) -> list[str]:
        if self.state == "HALF_OPEN":
            self.trials.append(ok)
            if len(self.trials) < TRIAL_CALLS:
                return []
            rate = self.trials.count(False) / len(self.trials)
            if rate >= FAILURE_RATE:
                self.open_until = t + OPEN_FOR
                return [self._change("OPEN", f" (failure rate {rate:.1%} in half-open trial)")]
            self.window.clear()
            return [self._change("CLOSED")]
        if self.state == "OPEN":
            return []  # a late answer to a call made before the breaker opened
        self.window.append(ok)
        rate = self.window.count(False) / len(self.window)
        if len(self.window) >= MINIMUM_CALLS and rate >= FAILURE_RATE:
            self.open_until = t + OPEN_FOR
            return [
                self._change(
                    "OPEN", f" (failure rate {rate:.1%} over the last {len(self.window)} calls)"
                )
            ]
        return []
