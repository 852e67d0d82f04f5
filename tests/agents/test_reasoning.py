"""Where the offline reasoner says the faulty code is."""

from __future__ import annotations

from tests.factories import ev, sample_incident, sample_pack
from warroom.agents.case import CaseFile
from warroom.agents.reasoning import location_of
from warroom.domain import EvidenceKind


def case_with(*extra: object) -> CaseFile:
    pack = sample_pack()
    pack.items = [*pack.items, *extra]  # type: ignore[list-item]
    return CaseFile(incident=sample_incident(), pack=pack)


def test_a_stack_frame_comes_first() -> None:
    flow = ev(
        "log:flow:payment:1",
        EvidenceKind.LOG_TEMPLATE,
        "payment",
        5,
        9.0,
        change="broken",
        location="c.s.PaymentServiceImpl#120",
    )
    assert location_of(case_with(flow), "payment") == "PaymentServiceImpl#87"


def test_the_line_a_broken_flow_no_longer_reaches_beats_error_lines() -> None:
    error_line = ev(
        "log:tmpl:order:1",
        EvidenceKind.LOG_TEMPLATE,
        "order",
        6,
        5.0,
        change="new",
        level="ERROR",
        location="o.s.OrderServiceImpl#60",
    )
    flow = ev(
        "log:flow:order:1",
        EvidenceKind.LOG_TEMPLATE,
        "order",
        6,
        2.0,
        change="broken",
        location="o.s.OrderServiceImpl#52",
        after_location="o.s.OrderServiceImpl#48",
    )
    assert location_of(case_with(error_line), "order") == "o.s.OrderServiceImpl#60"
    assert location_of(case_with(error_line, flow), "order") == "o.s.OrderServiceImpl#52"


def test_evidence_that_reports_another_components_failure_locates_nothing() -> None:
    relayed = ev(
        "log:flow:web:1",
        EvidenceKind.LOG_TEMPLATE,
        "web",
        6.5,
        6.0,
        change="broken",
        location="w.Gateway#10",
        downstream=["order"],
    )
    named = ev(
        "log:tmpl:web:2",
        EvidenceKind.LOG_TEMPLATE,
        "web",
        6.5,
        6.0,
        change="new",
        level="ERROR",
        location="w.Gateway#30",
        names=["order"],
    )
    assert location_of(case_with(relayed, named), "web") is None
