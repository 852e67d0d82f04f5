"""Specification of baseline telemetry: a fault-free period, at any time, as the reference that
log and trace analyses compare the current window with; and raw-line code locations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.domain.evidence import EvidenceKind, TimeWindow
from warroom.evidence.logs import log_evidence
from warroom.evidence.logs.exceptions import locations_in_sources
from warroom.evidence.traces import trace_evidence
from warroom.ingest.records import LogRecord, Span

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
BASELINE = TimeWindow(start=T0, end=T0 + timedelta(minutes=10))
CURRENT = TimeWindow(start=T0 + timedelta(minutes=10), end=T0 + timedelta(minutes=20))
EARLIER = T0.timestamp() - 6 * 3600  # the reference period: hours before the incident


def chain(trace: str, at: float, leaf_ms: float) -> list[Span]:
    def span(sid: str, parent: str | None, service: str, ms: float) -> Span:
        return Span(trace, sid, parent, service, "handle", at, ms)

    return [span("a", None, "web", 20 + leaf_ms), span("b", "a", "payment", leaf_ms)]


def spans_between(start: float, count: int, leaf_ms: float, tag: str) -> list[Span]:
    return [s for i in range(count) for s in chain(f"{tag}{i}", start + 5 * i, leaf_ms)]


def test_reference_spans_replace_a_baseline_that_already_holds_the_fault() -> None:
    # The minutes before the alert are as slow as the current ones (an earlier fault).
    spans = spans_between(T0.timestamp() + 10, 40, 80.0, "b") + spans_between(
        T0.timestamp() + 610, 40, 80.0, "c"
    )
    plain = trace_evidence(spans, baseline=BASELINE, current=CURRENT)
    assert not [e for e in plain.evidence if e.kind is EvidenceKind.TRACE_LATENCY]

    reference = spans_between(EARLIER, 40, 1.0, "r")
    referenced = trace_evidence(
        spans, baseline=BASELINE, current=CURRENT, reference_spans=reference
    )
    latency = [e for e in referenced.evidence if e.kind is EvidenceKind.TRACE_LATENCY]
    assert {e.entity for e in latency} == {"payment"}
    assert referenced.stats["baseline_traces"] == 40


def line(ts: float, text: str, level: str = "INFO", source: str = "a.log", n: int = 1) -> LogRecord:
    return LogRecord(ts=ts, entity="svc", level=level, message=text, source=source, line=n)


def test_reference_logs_make_the_baseline_and_in_window_lines_before_are_ignored() -> None:
    reference = [line(EARLIER + 2 * i, f"[pay][done][id {i}]") for i in range(60)]
    reference += [line(EARLIER + 2 * i + 1, f"[pay][start][id {i}]") for i in range(60)]
    # Before the alert the service only logged "start" (an earlier fault); now too.
    before = [line(T0.timestamp() + 5 * i, f"[pay][start][id {i}]") for i in range(100)]
    now = [line(T0.timestamp() + 600 + 5 * i, f"[pay][start][id {i}]") for i in range(100)]
    plain = log_evidence(before + now, baseline=BASELINE, current=CURRENT)
    assert not [e for e in plain.evidence if e.data.get("change") == "vanished"]

    referenced = log_evidence(before + now, baseline=BASELINE, current=CURRENT, reference=reference)
    vanished = [e for e in referenced.evidence if e.data.get("change") == "vanished"]
    assert [e.data["template"] for e in vanished] == ["[pay][done][id <*>]"]
    assert referenced.stats["in_baseline"] == 120


def test_locations_are_read_from_raw_source_lines(tmp_path: Path) -> None:
    path = tmp_path / "app.csv"
    path.write_text(
        "ts,log\n"
        '1,"10:00:00 INFO  o.s.OrderServiceImpl#324 TraceID: x [create][ok]"\n'
        '2,"10:00:01 INFO  no location here"\n'
    )
    found = locations_in_sources({str(path): [2, 3], str(tmp_path / "gone.csv"): [1]})
    assert found == {(str(path), 2): "o.s.OrderServiceImpl#324"}


def test_log_evidence_recovers_the_location_a_stripped_header_carried(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    raw = [f"INFO  o.s.Steady#10 TraceID: t{i} [steady][ok]" for i in range(60)]
    raw += [f"ERROR o.s.PayServiceImpl#87 TraceID: t{i} [pay][failed]" for i in range(30)]
    path.write_text("\n".join(raw) + "\n")
    records = [
        line(T0.timestamp() + 20 * i, "[steady][ok]", source=str(path), n=i + 1) for i in range(60)
    ]
    records += [
        line(T0.timestamp() + 610 + 10 * i, "[pay][failed]", "ERROR", str(path), 61 + i)
        for i in range(30)
    ]
    result = log_evidence(records, baseline=BASELINE, current=CURRENT)
    [new] = [e for e in result.evidence if e.data.get("change") == "new"]
    assert new.data["location"] == "o.s.PayServiceImpl#87"
