"""Latency evidence is weighed by what it costs the requests; rare edges use all edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.evidence import EvidenceKind, TimeWindow
from warroom.evidence.traces import trace_evidence
from warroom.evidence.traces.latency import impact
from warroom.ingest.records import Span

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
BASELINE = TimeWindow(start=T0, end=T0 + timedelta(minutes=10))
CURRENT = TimeWindow(start=T0 + timedelta(minutes=10), end=T0 + timedelta(minutes=20))


def span(trace: str, sid: str, parent: str | None, service: str, start: float, ms: float) -> Span:
    return Span(
        trace_id=trace,
        span_id=sid,
        parent_id=parent,
        service=service,
        operation=f"{service} handle",
        start=start,
        duration_ms=ms,
    )


def request(trace: str, at: float, *, web_ms: float, db_ms: float) -> list[Span]:
    """web does ``web_ms`` of its own work, then calls db, which works ``db_ms``."""
    return [
        span(trace, "a", None, "web", at, web_ms + db_ms + 2.0),
        span(trace, "a1", "a", "web", at + web_ms / 1000.0, db_ms + 2.0),
        span(trace, "b", "a1", "db", at + web_ms / 1000.0 + 0.001, db_ms),
    ]


def test_impact_is_the_gain_against_the_requests_end_to_end_time() -> None:
    assert impact(5.0, []) == 1.0
    assert impact(0.0, [100.0]) == 0.0
    assert 0.08 < impact(1.0, [100.0, 100.0]) < 0.1  # 1 % of the request: little
    assert impact(1000.0, [100.0]) > 0.99  # ten times the request: all of it


def test_a_millisecond_drift_in_slow_requests_weighs_less_than_a_real_slowdown() -> None:
    def run(db_now: float) -> float:
        spans: list[Span] = []
        for i in range(40):
            spans += request(
                f"b{i}", T0.timestamp() + 10 + 10 * i, web_ms=400.0, db_ms=1.0 + i % 3 * 0.1
            )
            spans += request(
                f"c{i}", T0.timestamp() + 610 + 10 * i, web_ms=400.0, db_ms=db_now + i % 3 * 0.1
            )
        analysis = trace_evidence(spans, baseline=BASELINE, current=CURRENT)
        [item] = [e for e in analysis.evidence if e.id.startswith("trace:lat:db:")]
        return item.score

    drift, slowdown = run(4.0), run(400.0)
    assert drift < 1.0 < slowdown


def test_an_edge_the_baseline_saw_twice_is_judged_against_all_edges() -> None:
    spans: list[Span] = []
    for i in range(40):  # plenty of web -> db calls in the baseline, a few ms on the wire
        spans += request(f"b{i}", T0.timestamp() + 10 + 10 * i, web_ms=5.0, db_ms=3.0)
    for i in range(2):  # ... and only two web -> mail calls
        at = T0.timestamp() + 15 + 10 * i
        spans += [
            span(f"m{i}", "a", None, "web", at, 12.0),
            span(f"m{i}", "a1", "a", "web", at + 0.001, 8.0),
            span(f"m{i}", "b", "a1", "mail", at + 0.003, 4.0),
        ]
    for i in range(10):  # now every web -> mail call spends two seconds on the way
        at = T0.timestamp() + 610 + 10 * i
        spans += [
            span(f"n{i}", "a", None, "web", at, 2010.0),
            span(f"n{i}", "a1", "a", "web", at + 0.001, 2006.0),
            span(f"n{i}", "b", "a1", "mail", at + 2.003, 4.0),
        ]
    analysis = trace_evidence(spans, baseline=BASELINE, current=CURRENT)
    [edge] = [e for e in analysis.evidence if e.id == "trace:net:web:mail"]
    assert edge.kind is EvidenceKind.TRACE_LATENCY and edge.entity == "mail"
    assert edge.data["baseline_spans"] == 2
    assert edge.score >= 3.0
