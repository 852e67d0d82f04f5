"""Trace evidence: the call graph, self-time latency shifts and error / latency propagation.

`trace_evidence` splits traces by their start into baseline and current, then reports:

- ``TRACE_LATENCY`` ``trace:lat:<service>:<8 hex of operation>``: a service's own work (self
  time) on one operation got slower; ``trace:net:<caller>:<callee>``: the time a call spends
  between two services (client span minus the callee's spans) grew, charged to the callee
  with the caller in ``related_entities``; ``trace:slow:<service>``: slow traces blame this
  service (it gained the most self time in them) more often than the baseline did.
- ``TRACE_ERROR`` ``trace:err:<service>``: failing traces fail deepest in this service;
  ``data["path"]`` is the typical failing path, callers in ``related_entities``.

Scores use the engine's common scale: 0 normal, 1 notable, 3 and more strong.
Spans without a status (``error is None``) produce no error evidence: latency carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from warroom.domain.evidence import Evidence, TimeWindow
from warroom.evidence.metrics.anomaly import epoch
from warroom.evidence.traces.errors import error_evidence, error_origins
from warroom.evidence.traces.latency import (
    Reference,
    collect,
    culprit_evidence,
    latency_evidence,
    references,
)
from warroom.evidence.traces.tree import TraceTree, build_traces, call_graph
from warroom.ingest.records import Span


@dataclass(slots=True)
class TraceAnalysis:
    """What the traces say: evidence, who calls whom, and counts for the pack's stats."""

    evidence: list[Evidence] = field(default_factory=list)
    call_graph: dict[str, set[str]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


def trace_evidence(
    spans: Sequence[Span],
    *,
    baseline: TimeWindow,
    current: TimeWindow,
    reference_spans: Sequence[Span] = (),
) -> TraceAnalysis:
    """Analyse spans of one incident; the call graph uses every span, in or out of the windows.

    ``reference_spans`` (a known fault-free period, at any time) replace the in-window baseline
    when given: the minutes before an alert may hold an earlier fault.
    """
    trees = build_traces(spans)
    reference_trees = build_traces(reference_spans) if reference_spans else []
    graph = call_graph([*trees, *reference_trees])
    b0, b1, c0, c1 = (
        epoch(baseline.start),
        epoch(baseline.end),
        epoch(current.start),
        epoch(current.end),
    )
    before = reference_trees or [t for t in trees if b0 <= t.start < b1]
    now = [t for t in trees if c0 <= t.start <= c1]
    window = TimeWindow(start=baseline.start, end=current.end)

    stats_by_key = collect(now, before)
    refs: dict[Any, Reference] = references(stats_by_key)
    items = latency_evidence(stats_by_key, window, refs)
    slow_items, blamed = culprit_evidence(now, before, refs, window)
    items += slow_items
    items += error_evidence(now, before, window)
    items.sort(key=lambda e: (-e.score, e.id))
    origins = error_origins(now)
    return TraceAnalysis(
        evidence=items,
        call_graph=graph,
        stats={
            "spans": len(spans),
            "traces": len(trees),
            "baseline_traces": len(before),
            "current_traces": len(now),
            "failing_traces": origins.traces,
            "error_origins": dict(origins.by_service.most_common()),
            "slow_trace_culprits": dict(blamed.most_common()),
            "services": sorted(_services(trees)),
        },
    )


def _services(trees: Sequence[TraceTree]) -> set[str]:
    return {s.service for t in trees for s in t.spans}
