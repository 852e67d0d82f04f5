"""Self-time latency: which operation (or call edge) got slower, and who slow traces blame.

Every span contributes its self time under a key: ``("op", service, operation)`` for work a
service does itself, ``("edge", caller, callee)`` for a client span's self time, which is the
network and queueing between two services (see `tree.TraceTree.edge_of`). Comparing the
baseline and current distributions of each key finds what got slower. In each slow trace the
service whose spans gained the most self time over their baseline medians is the trace's
culprit; edge time is charged to the callee.

A shift is also weighed by what it costs the requests it is part of: its gain over the
median end-to-end time of the baseline traces that hold the key (``impact``). A database call
that went from 1 to 3 ms in requests that take 300 ms is significant with enough spans, yet
explains nothing a user sees; a call that gained a second does.

An edge seen fewer than `MIN_SAMPLES` times in the baseline is judged against all edges of
the baseline together (`references`): the network between two services takes about the same
few milliseconds wherever it is, so a call that now takes seconds stands out even when the
baseline saw that call only once or twice.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource, TimeWindow
from warroom.evidence.metrics.changepoint import FloatArray
from warroom.evidence.metrics.scale import NOTABLE_Z, score_from_z
from warroom.evidence.traces.tree import TraceTree

# ("op", service, operation), ("edge", caller, callee) or ("trace", root op, entry op)
Key = tuple[str, str, str]

MIN_SAMPLES = 5
# A shift below a millisecond is never worth a person's attention; it is also the floor of
# the robust scale, so sub-millisecond operations do not produce absurd z-scores.
MIN_GAIN_MS = 1.0
TAIL_QUANTILE = 95.0  # the tail test counts current spans above the baseline's p95
MIN_TAIL_SHARE = 0.2  # ... and counts only when at least a fifth of them are there
SLOW_FACTOR = 1.2  # a slow trace is above the baseline p90 of its root and 1.2x its median
# A gain worth this share of the end-to-end time of its requests keeps half its score.
IMPACT_SHARE = 0.1
# Edge samples the pooled edge reference needs (see `references`).
POOLED_MIN_SAMPLES = 20


@dataclass(slots=True)
class KeyStats:
    """Self times of one key, split into baseline and current."""

    baseline: list[float] = field(default_factory=list)
    current: list[float] = field(default_factory=list)
    current_starts: list[float] = field(default_factory=list)
    sample: tuple[str, int] = ("", 0)
    # End-to-end duration (root span) of the baseline trace of each baseline span.
    baseline_roots: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reference:
    """Baseline median, p90, tail threshold and robust scale of one key's self time (ms)."""

    median: float
    p90: float
    scale: float
    tail: float


def span_key(tree: TraceTree, index: int) -> Key:
    edge = tree.edge_of(index)
    if edge is not None:
        return ("edge", edge[0], edge[1])
    span = tree.spans[index]
    return ("op", span.service, span.operation)


def blamed_service(key: Key) -> str:
    """The service a key's time is charged to in evidence: the callee for an edge."""
    return key[2] if key[0] == "edge" else key[1]


def signature(tree: TraceTree) -> Key:
    """What kind of request a trace is: its root operation and the first service it calls.

    A gateway's root span often has one operation for every request ("/*"); the first span
    in another service names the real endpoint.
    """
    root = tree.spans[tree.root]
    entry = next((s.operation for s in tree.spans if s.service != root.service), "")
    return ("trace", root.operation, entry)


def collect(current: Sequence[TraceTree], baseline: Sequence[TraceTree]) -> dict[Key, KeyStats]:
    stats: dict[Key, KeyStats] = defaultdict(KeyStats)
    for trees, is_current in ((baseline, False), (current, True)):
        for tree in trees:
            whole = stats[signature(tree)]
            duration = tree.spans[tree.root].duration_ms
            (whole.current if is_current else whole.baseline).append(duration)
            if is_current:
                whole.current_starts.append(tree.start)
            for i, span in enumerate(tree.spans):
                one = stats[span_key(tree, i)]
                if is_current:
                    one.current.append(tree.self_ms[i])
                    one.current_starts.append(span.start)
                    if not one.sample[0]:
                        one.sample = (span.source, span.line)
                else:
                    one.baseline.append(tree.self_ms[i])
                    one.baseline_roots.append(duration)
    return dict(stats)


def reference(values: Sequence[float]) -> Reference:
    arr = np.asarray(values, dtype=np.float64)
    median = float(np.median(arr))
    mad = float(np.median(np.abs(arr - median))) * 1.4826
    scale = max(mad, 0.1 * median, MIN_GAIN_MS)
    return Reference(
        median=median,
        p90=float(np.percentile(arr, 90)),
        scale=scale,
        tail=max(float(np.percentile(arr, TAIL_QUANTILE)), median + NOTABLE_Z * scale),
    )


def tail_z(values: FloatArray, ref: Reference) -> float:
    """Binomial z of the share of ``values`` above the baseline tail (expected: 5 %).

    0 unless at least `MIN_TAIL_SHARE` of the values are in the tail.
    """
    expected = 1.0 - TAIL_QUANTILE / 100.0
    share = float(np.mean(values > ref.tail))
    if share < MIN_TAIL_SHARE:
        # With thousands of spans a tiny excess is "significant" yet means nothing.
        return 0.0
    return (share - expected) / math.sqrt(expected * (1 - expected) / values.size)


def references(stats: dict[Key, KeyStats]) -> dict[Key, Reference]:
    """The baseline reference of every key that has one (see the module docstring).

    Keys with `MIN_SAMPLES` baseline spans get their own; edges with fewer share one built
    from all edge spans of the baseline, when there are `POOLED_MIN_SAMPLES` of them.
    """
    refs = {
        key: reference(one.baseline)
        for key, one in stats.items()
        if len(one.baseline) >= MIN_SAMPLES
    }
    edges = [v for key, one in stats.items() if key[0] == "edge" for v in one.baseline]
    if len(edges) >= POOLED_MIN_SAMPLES:
        pooled = reference(edges)
        for key in stats:
            if key[0] == "edge" and key not in refs:
                refs[key] = pooled
    return refs


def pooled_roots(stats: dict[Key, KeyStats]) -> list[float]:
    """End-to-end durations of the baseline traces behind every edge span (for `impact`)."""
    return [v for key, one in stats.items() if key[0] == "edge" for v in one.baseline_roots]


def impact(gain_ms: float, roots_ms: Sequence[float]) -> float:
    """How much a gain matters to its requests, 0..1: ``share / (share + IMPACT_SHARE)``.

    ``share`` is the gain over the median end-to-end time of the requests (1 when unknown).
    """
    if not roots_ms:
        return 1.0
    typical = float(np.median(np.asarray(roots_ms, dtype=np.float64)))
    if typical <= 0.0:
        return 1.0
    share = max(gain_ms, 0.0) / typical
    return share / (share + IMPACT_SHARE)


def latency_evidence(
    stats: dict[Key, KeyStats], window: TimeWindow, refs: dict[Key, Reference] | None = None
) -> list[Evidence]:
    """TRACE_LATENCY per key whose current self time moved up against its baseline.

    z is the larger of the median shift in robust baseline sigmas (floored at 1 ms) and the
    tail test (`tail_z`: more spans above the baseline's p95 than the 5 % expected), so both a
    general slowdown and one hitting a share of the calls count. Score: `score_from_z` times
    `impact` (the gain against the end-to-end time of the requests).
    """
    refs = references(stats) if refs is None else refs
    shared_roots = pooled_roots(stats)
    items: list[Evidence] = []
    for key, one in stats.items():
        ref = refs.get(key)
        if key[0] == "trace" or ref is None or len(one.current) < MIN_SAMPLES:
            continue
        cur = np.asarray(one.current, dtype=np.float64)
        median, p90 = float(np.median(cur)), float(np.percentile(cur, 90))
        z_median = (median - ref.median) / ref.scale
        z = max(z_median, tail_z(cur, ref))
        gain = max(median - ref.median, p90 - ref.p90)
        if z < NOTABLE_Z or gain < MIN_GAIN_MS:
            continue
        own = len(one.baseline) >= MIN_SAMPLES
        weight = impact(gain, one.baseline_roots if own else shared_roots)
        items.append(_latency_item(key, one, ref, median, p90, z, weight, window))
    return items


def _latency_item(
    key: Key,
    one: KeyStats,
    ref: Reference,
    median: float,
    p90: float,
    z: float,
    weight: float,
    window: TimeWindow,
) -> Evidence:
    kind, who, what = key
    threshold = ref.median + NOTABLE_Z * ref.scale
    late = [t for t, v in zip(one.current_starts, one.current, strict=True) if v > threshold]
    onset = datetime.fromtimestamp(min(late or one.current_starts), tz=UTC)
    if kind == "edge":
        eid, entity, related = f"trace:net:{who}:{what}", what, [who]
        label, category = f"call time {who} -> {what} (outside {what}'s own spans)", "network"
    else:
        digest = hashlib.sha1(what.encode("utf-8", "replace")).hexdigest()[:8]
        eid, entity, related = f"trace:lat:{who}:{digest}", who, []
        label, category = f"{who} self time of '{what[:80]}'", "latency"
    source, line = one.sample
    return Evidence(
        id=eid,
        kind=EvidenceKind.TRACE_LATENCY,
        entity=entity,
        related_entities=related,
        window=window,
        onset=onset,
        summary=(
            f"{label} rose {ref.median:.1f} -> {median:.1f} ms median "
            f"(p90 {ref.p90:.1f} -> {p90:.1f} ms, z={z:.1f}, {len(one.current)} spans)"
        ),
        score=round(score_from_z(z) * weight, 3),
        data={
            "category": category,
            "self_time": True,
            "operation": what if kind == "op" else None,
            "edge": [who, what] if kind == "edge" else None,
            "baseline_median_ms": ref.median,
            "baseline_p90_ms": ref.p90,
            "current_median_ms": median,
            "current_p90_ms": p90,
            "count": len(one.current),
            "z": round(z, 2),
            "impact": round(weight, 3),
            "baseline_spans": len(one.baseline),
        },
        source=EvidenceSource(path=source, lines=[line] if line else []),
    )


def culprits(
    trees: Sequence[TraceTree], refs: dict[Key, Reference]
) -> tuple[Counter[str], dict[str, float], dict[str, list[float]]]:
    """Per service: how many slow traces it is the culprit of, the first one's start, and in
    each the share of the trace's duration that the culprit gained.

    A trace is slow when its root span exceeds both the baseline p90 and 1.2x the median of
    its root key. Its culprit is the service whose spans gained most self time in total.
    """
    blamed: Counter[str] = Counter()
    first: dict[str, float] = {}
    shares: dict[str, list[float]] = defaultdict(list)
    for tree in trees:
        root = tree.root
        ref = refs.get(signature(tree))
        duration = tree.spans[root].duration_ms
        if ref is None or duration <= max(ref.p90, SLOW_FACTOR * ref.median):
            continue
        gained: dict[str, float] = defaultdict(float)
        for i in range(len(tree.spans)):
            key = span_key(tree, i)
            key_ref = refs.get(key)
            if key_ref is None:
                continue
            gain = tree.self_ms[i] - key_ref.median
            if key[0] == "edge":
                # Either end can slow a call down (a slow network on the callee, a starved
                # CPU on the caller): split it; the side common to many slow edges wins,
                # and on a single slow edge the callee, the likelier culprit.
                gained[key[1]] += 0.45 * gain
                gained[key[2]] += 0.55 * gain
            else:
                gained[key[1]] += gain
        if gained:
            culprit = max(gained, key=lambda s: gained[s])
            blamed[culprit] += 1
            first[culprit] = min(first.get(culprit, math.inf), tree.start)
            shares[culprit].append(max(gained[culprit], 0.0) / max(duration, 1e-9))
    return blamed, first, dict(shares)


def culprit_evidence(
    current: Sequence[TraceTree],
    baseline: Sequence[TraceTree],
    refs: dict[Key, Reference],
    window: TimeWindow,
) -> tuple[list[Evidence], Counter[str]]:
    """TRACE_LATENCY ``trace:slow:<service>`` for services slow traces blame more than usual.

    The baseline blames some services too (its own slowest tenth); the score is the rise in
    the share of traces blaming a service, as a binomial z-score, through `score_from_z`,
    times the impact of the median share of those traces' time the culprit gained.
    """
    now, first, shares = culprits(current, refs)
    before, _, _ = culprits(baseline, refs)
    n_now, n_before = max(1, len(current)), max(1, len(baseline))
    items: list[Evidence] = []
    for service, count in now.items():
        rate, base_rate = count / n_now, before.get(service, 0) / n_before
        p = min(0.5, max(base_rate, 1.0 / n_before))
        z = (rate - base_rate) / math.sqrt(p * (1 - p) / n_now)
        if z < NOTABLE_Z or count < 3:
            continue
        share = float(np.median(shares[service]))
        weight = share / (share + IMPACT_SHARE)
        items.append(
            Evidence(
                id=f"trace:slow:{service}",
                kind=EvidenceKind.TRACE_LATENCY,
                entity=service,
                window=window,
                onset=datetime.fromtimestamp(first[service], tz=UTC),
                summary=(
                    f"{service} gained the most self time in {count} slow traces "
                    f"({rate:.0%} of traces, baseline {base_rate:.0%}, z={z:.1f})"
                ),
                score=round(score_from_z(z) * weight, 3),
                data={
                    "category": "latency",
                    "self_time": True,
                    "culprit_traces": count,
                    "share": rate,
                    "baseline_share": base_rate,
                    "z": round(z, 2),
                    "gained_share": round(share, 3),
                    "impact": round(weight, 3),
                },
                source=EvidenceSource(query="slow-trace culprit"),
            )
        )
    return items, now
