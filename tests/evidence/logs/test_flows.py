"""Broken flows: a line that always followed another in the same request stops following it."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.domain.evidence import Evidence, TimeWindow
from warroom.evidence.logs import log_evidence
from warroom.ingest.records import LogRecord

T0 = datetime(2026, 3, 14, 10, 0, tzinfo=UTC).timestamp()
BASELINE = TimeWindow(
    start=datetime(2026, 3, 14, 10, 0, tzinfo=UTC), end=datetime(2026, 3, 14, 10, 10, tzinfo=UTC)
)
CURRENT = TimeWindow(
    start=datetime(2026, 3, 14, 10, 10, tzinfo=UTC), end=datetime(2026, 3, 14, 10, 15, tzinfo=UTC)
)
START = "c.p.PayService#10 charge order {i} started"
DONE = "c.p.PayService#20 charge order {i} captured"


def rec(entity: str, ts: float, text: str, trace: str, level: str = "INFO") -> LogRecord:
    return LogRecord(
        ts=ts, entity=entity, level=level, message=text, source="app.log", line=0, trace_id=trace
    )


def request(
    entity: str, ts: float, trace: str, steps: list[tuple[str, str]], i: int
) -> list[LogRecord]:
    return [
        rec(entity, ts + k * 0.01, text.format(i=i), trace, level)
        for k, (text, level) in enumerate(steps)
    ]


def workload(
    broken: list[tuple[str, str]] | None,
    *,
    now: int = 30,
    healthy_first: int = 5,
    other: list[tuple[str, str]] | None = None,
) -> list[LogRecord]:
    """20 healthy baseline requests, then ``now`` current ones, broken after the first few."""
    healthy = [(START, "INFO"), (DONE, "INFO")]
    records: list[LogRecord] = []
    for i in range(20):
        records += request("pay", T0 + 20 * i, f"b{i}", healthy, i)
    if other:
        # requests of another kind, in the baseline, that log the other branch
        for i in range(10):
            records += request("pay", T0 + 5 + 20 * i, f"o{i}", other, i)
    for i in range(now):
        steps = healthy if broken is None or i < healthy_first else broken
        records += request("pay", T0 + 600 + 9 * i, f"c{i}", steps, i)
    return sorted(records, key=lambda r: r.ts or 0.0)


def flows(items: list[Evidence]) -> list[Evidence]:
    return [e for e in items if e.data.get("change") == "broken"]


def test_a_line_that_stops_following_its_predecessor_is_a_broken_flow() -> None:
    rejected = [(START, "INFO"), ("c.p.PayService#15 card rejected for order {i}", "ERROR")]
    result = log_evidence(workload(rejected), baseline=BASELINE, current=CURRENT)
    [flow] = flows(result.evidence)
    assert flow.entity == "pay"
    assert flow.id.startswith("log:flow:pay:")
    assert (flow.data["location"], flow.data["after_location"]) == (
        "c.p.PayService#20",
        "c.p.PayService#10",
    )
    assert (flow.data["requests_current"], flow.data["missed_current"]) == (30, 25)
    assert (flow.data["requests_baseline"], flow.data["missed_baseline"]) == (20, 0)
    assert flow.score > 3.0
    # the broken requests went on to an error line of their own: a wrong value, handled
    assert flow.data["instead"][0]["error"] is True
    assert flow.data["diverted_share"] == 1.0
    assert flow.data["aborted_share"] == 0.0
    assert flow.data["alternative"] is False
    assert flow.onset is not None and flow.onset.timestamp() >= T0 + 600 + 9 * 5
    assert "no longer follows" in flow.summary


def test_requests_that_simply_stop_count_as_aborted() -> None:
    result = log_evidence(workload([(START, "INFO")]), baseline=BASELINE, current=CURRENT)
    [flow] = flows(result.evidence)
    assert flow.data["instead"] == []
    assert flow.data["aborted_share"] == 1.0


def test_fewer_requests_of_the_same_shape_raise_no_broken_flow() -> None:
    quiet = workload(None, now=6)
    assert flows(log_evidence(quiet, baseline=BASELINE, current=CURRENT).evidence) == []


def test_a_known_branch_taken_instead_scores_a_quarter() -> None:
    branch = [(START, "INFO"), ("c.p.PayService#30 charge order {i} deferred", "INFO")]
    other = [("c.p.PayService#30 charge order {i} deferred", "INFO")]
    fault = [(START, "INFO"), ("c.p.PayService#35 charge order {i} lost", "INFO")]
    known = flows(
        log_evidence(workload(branch, other=other), baseline=BASELINE, current=CURRENT).evidence
    )
    new = flows(
        log_evidence(workload(fault, other=other), baseline=BASELINE, current=CURRENT).evidence
    )
    assert known[0].data["alternative"] is True
    assert new[0].data["alternative"] is False
    assert abs(known[0].score - 0.25 * new[0].score) < 0.01


def test_an_error_line_that_stops_is_not_a_broken_flow() -> None:
    healthy = [(START, "INFO"), ("c.p.PayService#40 retry {i} failed", "ERROR")]
    records: list[LogRecord] = []
    for i in range(20):
        records += request("pay", T0 + 20 * i, f"b{i}", healthy, i)
    for i in range(30):
        records += request("pay", T0 + 600 + 9 * i, f"c{i}", [(START, "INFO")], i)
    assert flows(log_evidence(records, baseline=BASELINE, current=CURRENT).evidence) == []


def test_a_break_explained_by_a_failing_callee_names_it() -> None:
    call, paid = "w.Api#1 checkout {i}", "w.Api#2 checkout {i} paid"
    failed = "w.Api#3 checkout {i} failed"
    records: list[LogRecord] = []
    for i in range(20):
        records += request("web", T0 + 20 * i, f"b{i}", [(call, "INFO"), (paid, "INFO")], i)
        records += request("pay", T0 + 20 * i + 0.005, f"b{i}", [(START, "INFO")], i)
    for i in range(30):
        at = T0 + 600 + 9 * i
        records += request("web", at, f"c{i}", [(call, "INFO"), (failed, "ERROR")], i)
        records += request("pay", at + 0.005, f"c{i}", [(START, "ERROR")], i)
    result = log_evidence(
        sorted(records, key=lambda r: r.ts or 0.0),
        baseline=BASELINE,
        current=CURRENT,
        call_graph={"web": {"pay"}},
    )
    [flow] = [e for e in flows(result.evidence) if e.entity == "web"]
    assert flow.data["downstream"] == ["pay"]


def test_a_break_whose_error_lines_name_another_component_names_it() -> None:
    unreachable = [(START, "INFO"), ("c.p.PayService#50 no route to ledger-db", "ERROR")]
    result = log_evidence(
        workload(unreachable), baseline=BASELINE, current=CURRENT, entities=["ledger-db"]
    )
    [flow] = flows(result.evidence)
    assert flow.data["names"] == ["ledger-db"]
    [error] = [e for e in result.evidence if e.data.get("change") == "new"]
    assert error.data["names"] == ["ledger-db"]


def test_requests_without_trace_ids_are_not_followed() -> None:
    records = [
        LogRecord(
            ts=r.ts, entity=r.entity, level=r.level, message=r.message, source="a.log", line=0
        )
        for r in workload([(START, "INFO")])
    ]
    assert flows(log_evidence(records, baseline=BASELINE, current=CURRENT).evidence) == []
