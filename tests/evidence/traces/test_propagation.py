"""Trace evidence on hand-made spans: self time, call graph, error and latency propagation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.evidence import EvidenceKind, TimeWindow
from warroom.evidence.traces import build_traces, self_time_ms, trace_evidence
from warroom.ingest.records import Span

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
BASELINE = TimeWindow(start=T0, end=T0 + timedelta(minutes=10))
CURRENT = TimeWindow(start=T0 + timedelta(minutes=10), end=T0 + timedelta(minutes=20))


def span(
    trace: str,
    sid: str,
    parent: str | None,
    service: str,
    start: float,
    ms: float,
    *,
    op: str = "handle",
    error: bool | None = None,
) -> Span:
    return Span(
        trace_id=trace,
        span_id=sid,
        parent_id=parent,
        service=service,
        operation=op,
        start=start,
        duration_ms=ms,
        error=error,
    )


def chain(trace: str, at: float, *, leaf_ms: float, leaf_error: bool = False) -> list[Span]:
    """web -> order -> payment, each a server span with a client span calling the next."""
    errors = leaf_error or None
    return [
        span(trace, "a", None, "web", at, 20 + leaf_ms, error=errors),
        span(trace, "a1", "a", "web", at + 0.002, 16 + leaf_ms, op="call order", error=errors),
        span(trace, "b", "a1", "order", at + 0.003, 14 + leaf_ms, error=errors),
        span(trace, "b1", "b", "order", at + 0.005, 8 + leaf_ms, op="call payment", error=errors),
        span(trace, "c", "b1", "payment", at + 0.006, 6 + leaf_ms, error=leaf_error or None),
    ]


def workload(leaf_ms_now: float, *, leaf_error: bool = False) -> list[Span]:
    spans: list[Span] = []
    for i in range(40):
        at = T0.timestamp() + 10 + i * 10
        spans += chain(f"b{i}", at, leaf_ms=1.0 + (i % 3) * 0.2)
    for i in range(40):
        at = T0.timestamp() + 610 + i * 10
        spans += chain(f"c{i}", at, leaf_ms=leaf_ms_now + (i % 3) * 0.2, leaf_error=leaf_error)
    return spans


def test_self_time_excludes_children_and_counts_overlaps_once() -> None:
    parent = span("t", "p", None, "web", 0.0, 100.0)
    kids = [span("t", "k1", "p", "db", 0.010, 30.0), span("t", "k2", "p", "db", 0.020, 30.0)]
    # children cover 10..50 ms: 40 ms, so 60 ms are the parent's own
    assert abs(self_time_ms(parent, kids) - 60.0) < 1e-6
    [tree] = build_traces([parent, *kids])
    assert abs(tree.self_ms[0] - 60.0) < 1e-6


def test_call_graph_links_services_across_parent_child_spans() -> None:
    analysis = trace_evidence(workload(1.0), baseline=BASELINE, current=CURRENT)
    assert analysis.call_graph == {"web": {"order"}, "order": {"payment"}}


def test_error_deep_in_a_chain_is_attributed_to_the_deepest_failing_service() -> None:
    analysis = trace_evidence(workload(1.0, leaf_error=True), baseline=BASELINE, current=CURRENT)
    errors = [e for e in analysis.evidence if e.kind is EvidenceKind.TRACE_ERROR]
    assert [e.id for e in errors] == ["trace:err:payment"]
    assert errors[0].data["path"] == ["web", "order", "payment"]
    assert errors[0].related_entities == ["web", "order"]


def test_slow_leaf_shows_as_its_own_self_time_not_its_callers() -> None:
    analysis = trace_evidence(workload(80.0), baseline=BASELINE, current=CURRENT)
    latency = [e for e in analysis.evidence if e.kind is EvidenceKind.TRACE_LATENCY]
    assert {e.entity for e in latency} == {"payment"}
    assert any(e.id.startswith("trace:lat:payment:") for e in latency)
    assert analysis.stats["slow_trace_culprits"] == {"payment": 40}


def test_spans_without_status_make_no_error_evidence() -> None:
    analysis = trace_evidence(workload(1.0), baseline=BASELINE, current=CURRENT)
    assert not [e for e in analysis.evidence if e.kind is EvidenceKind.TRACE_ERROR]
    assert analysis.evidence == []
