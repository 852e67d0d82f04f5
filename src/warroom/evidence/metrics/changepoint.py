"""Robust baselines and a small change-point search for one numeric series.

The change-point search looks for the one contiguous segment whose mean differs most from the
rest of the series (an "epidemic" change: a step that may or may not come back). A plain step
is the special case of a segment that runs to the end. The statistic is the two-sample
mean-shift statistic ``|mean_in - mean_out| * sqrt(m * (n - m) / n) / sigma``, which for
Gaussian noise stays below about 4 over a few hundred points, so 5 and above is a real shift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Beyond this many points the quadratic search runs on block means (a few seconds' sampling
# over an hour is ~1,000 points; 400 keeps the search under a millisecond or two).
MAX_SEARCH_POINTS = 400
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class Baseline:
    """Median and robust spread of the normal period; ``scale`` is never zero."""

    median: float
    scale: float
    count: int


@dataclass(frozen=True, slots=True)
class Shift:
    """A segment ``[start, end)`` (indices into the searched series) whose mean moved."""

    start: int
    end: int
    mean_before: float
    mean_inside: float
    statistic: float


def robust_baseline(values: FloatArray, *, reference: float | None = None) -> Baseline:
    """Median and MAD-based sigma, floored so flat series do not produce huge scores.

    The floor is the largest of: 5 % of the median's magnitude (a 5 % wobble is never news),
    5 % of ``reference`` (typically the series' largest magnitude, so a series that sits at 0
    and twitches to 1 out of 100 does not explode) and a tiny absolute epsilon.
    """
    if values.size == 0:
        raise ValueError("robust_baseline expected at least one value, got none")
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * MAD_TO_SIGMA
    floor = max(0.05 * abs(median), 0.05 * abs(reference or 0.0), 1e-6)
    return Baseline(median=median, scale=max(mad, floor), count=int(values.size))


def difference_sigma(values: FloatArray) -> float:
    """Noise level from first differences: unaffected by a step or a slow trend."""
    if values.size < 3:
        return 0.0
    diffs = np.abs(np.diff(values))
    return float(np.median(diffs)) * MAD_TO_SIGMA / math.sqrt(2.0)


def find_shift(values: FloatArray, *, sigma: float, min_start: int = 1) -> Shift | None:
    """The segment starting at or after ``min_start`` whose mean differs most from the rest.

    Returns None when the series is too short (fewer than 4 points) or nothing moved.
    Indices refer to ``values`` even when the search ran on block means.
    """
    n_full = values.size
    if n_full < 4 or sigma <= 0:
        return None
    block = int(np.ceil(n_full / MAX_SEARCH_POINTS))
    work = _block_means(values, block) if block > 1 else values
    n = work.size
    first = max(1, min_start // block)
    if first >= n:
        return None
    sums = np.concatenate(([0.0], np.cumsum(work)))
    total = sums[-1]
    starts = np.arange(first, n)[:, None]
    ends = np.arange(1, n + 1)[None, :]
    size = ends - starts
    valid = (size >= 1) & (n - size >= 2)
    size_safe = np.where(valid, size, 1)
    rest_safe = np.where(valid, n - size, 1)
    inside = (sums[ends] - sums[starts]) / size_safe
    outside = (total - (sums[ends] - sums[starts])) / rest_safe
    # Block means have less noise than single points: sigma shrinks with sqrt(block).
    stat = np.abs(inside - outside) * np.sqrt(size_safe * rest_safe / n) / (sigma / np.sqrt(block))
    stat = np.where(valid, stat, -1.0)
    flat = int(np.argmax(stat))
    i, j = divmod(flat, n)
    best = float(stat[i, j])
    if best <= 0:
        return None
    start, end = (first + i) * block, min(n_full, (j + 1) * block)
    return Shift(
        start=start,
        end=end,
        mean_before=float(np.mean(values[:start])) if start else float(values[0]),
        mean_inside=float(np.mean(values[start:end])),
        statistic=best,
    )


def _block_means(values: FloatArray, block: int) -> FloatArray:
    pad = (-values.size) % block
    padded = np.concatenate((values, np.full(pad, values[-1]))) if pad else values
    return np.asarray(padded.reshape(-1, block).mean(axis=1), dtype=np.float64)
