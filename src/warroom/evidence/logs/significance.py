"""Count tests that stay honest with small counts, and the shared score scale.

Comparing a count in the current window with one in the baseline window is a binomial
question: given ``n`` occurrences in both windows together, under "nothing changed" each one
falls in the current window with probability ``p`` (its share of the observed time, or of the
lines). The exact binomial tails below answer it for 1 occurrence as well as for a million.

Score scale, shared by every kind of log evidence so that they compare:
``score = min(10, -log10(p_value) / 3) * weight``: p = 1e-3 gives 1 (notable), p = 1e-9 gives
3 (strong), and ``weight`` (1.0 for plain lines, 1.2 for warnings, 1.5 for errors and
exceptions) favours findings that report a problem. Below ~0.3 a finding is noise.
"""

from __future__ import annotations

import math

_TINY = 1e-300
_EPS = 1e-15


def _continued_fraction(a: float, b: float, x: float) -> float:
    # Lentz's method for the continued fraction of the incomplete beta function.
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 20_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function, for a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def binomial_upper(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return min(1.0, max(0.0, regularized_beta(k, n - k + 1, p)))


def binomial_lower(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k >= n:
        return 1.0
    if k < 0 or p >= 1.0:
        return 0.0
    if p <= 0.0:
        return 1.0
    return min(1.0, max(0.0, regularized_beta(n - k, k + 1, 1.0 - p)))


def score_of(p_value: float, weight: float = 1.0) -> float:
    """The shared score scale (see the module docstring)."""
    surprise = -math.log10(max(p_value, _TINY))
    return round(max(0.0, min(10.0, surprise / 3.0)) * weight, 3)
