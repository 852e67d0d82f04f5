"""Metric evidence: which series left their baseline, when, which way and how far.

Per series: a robust baseline (median and MAD, floored; see `robust_baseline`), the robust
z-score of each point of the current window, and a change-point search over baseline plus
current (see `find_shift`). A series yields at most one `Evidence`:

- ``METRIC_CHANGE_POINT`` when a significant shift starts near or inside the current window,
  its onset the first point of the shifted segment;
- ``METRIC_ANOMALY`` when the current window departs from the baseline without a clear shift,
  its onset the first departing point;
- nothing when the series stays within its baseline.

Score scale, shared with the rest of the engine (`scale.score_from_z`): 0 normal, 1 (z = 3)
notable, 3 and more (z >= 9) strong, growing with log z beyond. ``z`` is a *sustained* robust
z-score (the k-th largest, k >= 2, so a single spike cannot score) or the change-point
statistic scaled so its threshold (5) maps to z = 3, whichever is larger. Evidence is emitted
from score 1.

``data`` carries: ``metric``, ``category`` / ``scope`` / ``side`` (see `category.classify`;
``scope == "node"`` marks host metrics the ranking should weigh low), ``direction`` ("up" /
"down"), ``baseline_median``, ``baseline_scale``, ``peak``, ``z``, ``change_statistic``,
``instance`` and ``points`` (at most `CHART_POINTS` ``[epoch_seconds, value]`` pairs).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource, TimeWindow
from warroom.evidence.metrics.category import classify
from warroom.evidence.metrics.changepoint import (
    FloatArray,
    difference_sigma,
    find_shift,
    robust_baseline,
)
from warroom.evidence.metrics.scale import NOTABLE_Z, score_from_z
from warroom.ingest.records import MetricSeries

SHIFT_THRESHOLD = 5.0  # change-point statistic that counts as a real shift (see changepoint)
CHART_POINTS = 60
# A shift may start a little before the current window: alerts lag the fault. This share of
# the baseline (its most recent part) is searched for the onset too.
ONSET_LEAD_SHARE = 0.25


def metric_evidence(
    series: Sequence[MetricSeries], *, baseline: TimeWindow, current: TimeWindow
) -> list[Evidence]:
    """One evidence item per series that departs from its baseline, strongest first.

    Series of the same entity and name (several pods of one service) share an id; the
    strongest is kept. Series with fewer than 2 baseline points or no current point are
    skipped: there is nothing to compare.
    """
    best: dict[str, Evidence] = {}
    for one in series:
        found = _analyse(one, baseline, current)
        if found is not None and (found.id not in best or found.score > best[found.id].score):
            best[found.id] = found
    return sorted(best.values(), key=lambda e: (-e.score, e.id))


def metric_slug(name: str) -> str:
    """A stable, readable id fragment for a metric name: ``CpuUsageRate(%)`` -> ``cpuusagerate``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "metric"


def epoch(value: datetime) -> float:
    """Epoch seconds; naive datetimes are taken as UTC, as everywhere in warroom."""
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).timestamp()


def _analyse(series: MetricSeries, baseline: TimeWindow, current: TimeWindow) -> Evidence | None:
    ts = np.asarray(series.ts, dtype=np.float64)
    values = np.asarray(series.values, dtype=np.float64)
    if ts.size != values.size:
        raise ValueError(
            f"metric {series.entity}/{series.name}: expected as many timestamps as values, "
            f"got {ts.size} and {values.size}; fix the loader that built this series"
        )
    keep = np.isfinite(ts) & np.isfinite(values)
    order = np.argsort(ts[keep], kind="stable")
    ts, values = ts[keep][order], values[keep][order]
    b0, b1, c0, c1 = (
        epoch(baseline.start),
        epoch(baseline.end),
        epoch(current.start),
        epoch(current.end),
    )
    in_window = (ts >= b0) & (ts <= c1)
    ts, values = ts[in_window], values[in_window]
    base_mask = ts < b1
    cur_mask = ts >= c0
    if int(base_mask.sum()) < 2 or not cur_mask.any():
        return None

    base = robust_baseline(values[base_mask], reference=float(np.max(np.abs(values))))
    z = (values - base.median) / base.scale
    z_cur = z[cur_mask]
    k = max(2, round(0.05 * z_cur.size)) if z_cur.size >= 3 else 1
    sustained_up = float(np.sort(z_cur)[::-1][k - 1])
    sustained_down = float(np.sort(-z_cur)[::-1][k - 1])
    direction = "up" if sustained_up >= sustained_down else "down"
    sign = 1.0 if direction == "up" else -1.0
    z_eff = max(sustained_up, sustained_down)

    shift_stat, onset_idx = _shift(ts, values, z, sign, base.scale, b1, c0)
    # A shift at the threshold (5) is as notable as z = 3.
    score = score_from_z(max(z_eff, NOTABLE_Z * shift_stat / SHIFT_THRESHOLD))
    if score < 1.0:
        return None
    first_cur = int(np.argmax(cur_mask))
    if onset_idx is None:
        departing = np.nonzero(cur_mask & (sign * z >= NOTABLE_Z))[0]
        onset_idx = int(departing[0]) if departing.size else first_cur
        kind = EvidenceKind.METRIC_ANOMALY
    else:
        kind = EvidenceKind.METRIC_CHANGE_POINT
    peak_idx = first_cur + int(np.argmax(sign * z_cur))
    peak = float(values[peak_idx])
    onset = datetime.fromtimestamp(float(ts[onset_idx]), tz=UTC)
    meta = classify(series.name)
    verb = "rose" if direction == "up" else "fell"
    return Evidence(
        id=f"metric:{series.entity}:{metric_slug(series.name)}",
        kind=kind,
        entity=series.entity,
        window=TimeWindow(start=baseline.start, end=current.end),
        onset=onset,
        summary=(
            f"{series.entity} {series.name} {verb} {_fmt(base.median)} -> {_fmt(peak)} "
            f"(z={sign * z_eff:.1f}) at {onset:%H:%M:%S}"
        ),
        score=round(score, 3),
        data={
            "metric": series.name,
            "category": meta.category,
            "scope": meta.scope,
            "side": meta.side,
            "direction": direction,
            "baseline_median": base.median,
            "baseline_scale": base.scale,
            "peak": peak,
            "z": round(sign * z_eff, 2),
            "change_statistic": round(shift_stat, 2),
            "instance": series.instance,
            "points": _chart(ts, values),
        },
        source=EvidenceSource(path=series.source, query=series.name),
    )


def _shift(
    ts: FloatArray,
    values: FloatArray,
    z: FloatArray,
    sign: float,
    floor: float,
    baseline_end: float,
    current_start: float,
) -> tuple[float, int | None]:
    """Statistic and start index of a shift in ``sign``'s direction near the current window."""
    base_start = float(ts[0])
    earliest = current_start - ONSET_LEAD_SHARE * max(0.0, baseline_end - base_start)
    min_start = max(2, int(np.searchsorted(ts, earliest)))
    sigma = max(difference_sigma(values), floor)
    shift = find_shift(values, sigma=sigma, min_start=min_start)
    if shift is None or shift.statistic < SHIFT_THRESHOLD:
        return 0.0, None
    moved_our_way = sign * (shift.mean_inside - shift.mean_before) > 0
    reaches_current = float(ts[shift.end - 1]) >= current_start
    # The shift must also be large against the baseline's own spread, or slow drift passes.
    big_enough = float(np.max(sign * z[shift.start : shift.end])) >= NOTABLE_Z
    if not (moved_our_way and reaches_current and big_enough):
        return 0.0, None
    return shift.statistic, shift.start


def _chart(ts: FloatArray, values: FloatArray) -> list[list[float]]:
    step = max(1, math.ceil(ts.size / CHART_POINTS))
    return [[float(t), float(v)] for t, v in zip(ts[::step], values[::step], strict=True)]


def _fmt(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
