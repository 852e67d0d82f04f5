"""The suspect ranking: propagation along the call graph and fault-type inference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.domain.evidence import Evidence, EvidenceKind, TimeWindow
from warroom.evidence.ranking import rank_suspects

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
WINDOW = TimeWindow(start=T0, end=T0 + timedelta(minutes=30))
GRAPH = {"web": {"order"}, "order": {"payment", "stock"}}


def ev(
    eid: str, kind: EvidenceKind, entity: str, score: float, minute: float = 20, **data: Any
) -> Evidence:
    return Evidence(
        id=eid,
        kind=kind,
        entity=entity,
        window=WINDOW,
        onset=T0 + timedelta(minutes=minute),
        summary=f"{entity} {eid}",
        score=score,
        data=data,
    )


def metric(entity: str, category: str, score: float, direction: str = "up", **kw: Any) -> Evidence:
    return ev(
        f"metric:{entity}:{category}",
        EvidenceKind.METRIC_CHANGE_POINT,
        entity,
        score,
        category=category,
        direction=direction,
        scope=kw.pop("scope", "service"),
        **kw,
    )


def lat(entity: str, score: float, minute: float = 20) -> Evidence:
    return ev(f"trace:lat:{entity}:0000", EvidenceKind.TRACE_LATENCY, entity, score, minute)


def test_slow_leaf_outranks_its_callers() -> None:
    items = [
        lat("payment", 4.0, minute=20),
        metric("payment", "latency", 5.0, side="server"),
        # callers see the slowness too, later, and some of it as their own self time
        lat("order", 3.0, minute=21),
        metric("order", "latency", 6.0, side="server"),
        metric("web", "latency", 7.0, side="server"),
        metric("web", "errors", 4.0, direction="down"),
    ]
    ranking = rank_suspects(items, GRAPH)
    assert [s.component for s in ranking] == ["payment", "order", "web"]
    assert any("downstream payment" in r for r in ranking[1].reasons)
    assert ranking[0].evidence_ids[0] in {"trace:lat:payment:0000", "metric:payment:latency"}


def test_own_resource_change_makes_a_cause_even_behind_noisy_callers() -> None:
    items = [
        metric("stock", "cpu", 5.0),
        metric("web", "latency", 8.0),
        metric("order", "latency", 6.0),
    ]
    ranking = rank_suspects(items, GRAPH)
    assert ranking[0].component == "stock"


def test_every_entity_with_evidence_is_ranked() -> None:
    items = [metric(name, "latency", 1.0 + i) for i, name in enumerate("abcdef")]
    assert len(rank_suspects(items, {})) == 6


def test_fault_type_is_cpu_when_own_cpu_rose() -> None:
    [top, *_] = rank_suspects([metric("payment", "cpu", 6.0), lat("payment", 3.0)], GRAPH)
    assert top.fault_type == "cpu_contention"


def test_fault_type_is_network_delay_when_only_latency_moved() -> None:
    items = [lat("payment", 6.0), metric("payment", "cpu", 2.0, direction="down")]
    [top, *_] = rank_suspects(items, GRAPH)
    assert top.fault_type == "network_delay"


def test_fault_type_is_exception_when_errors_dominate() -> None:
    items = [
        ev("log:exc:1", EvidenceKind.LOG_EXCEPTION, "payment", 5.0),
        ev("trace:err:payment", EvidenceKind.TRACE_ERROR, "payment", 4.0),
        lat("payment", 1.5),
    ]
    [top, *_] = rank_suspects(items, GRAPH)
    assert top.component == "payment"
    assert top.fault_type == "exception"


def test_fault_type_is_return_for_functional_log_changes_alone() -> None:
    [top] = rank_suspects([ev("log:tmpl:3", EvidenceKind.LOG_TEMPLATE, "stock", 3.0)], GRAPH)
    assert top.fault_type == "return"


def test_host_metrics_weigh_little() -> None:
    items = [metric("web", "cpu", 9.0, scope="node"), metric("stock", "memory", 2.0)]
    assert rank_suspects(items, {})[0].component == "stock"


def test_new_error_template_counts_as_the_service_failing() -> None:
    items = [
        ev(
            "log:tmpl:stock:1", EvidenceKind.LOG_TEMPLATE, "stock", 2.0, level="ERROR", change="new"
        ),
        ev("log:tmpl:web:1", EvidenceKind.LOG_TEMPLATE, "web", 2.0, level="INFO", change="new"),
    ]
    ranking = rank_suspects(items, {})
    assert ranking[0].component == "stock"
    assert ranking[0].fault_type == "return"


def test_fault_type_is_return_when_error_lines_come_without_thrown_exceptions() -> None:
    items = [
        ev("log:err:stock", EvidenceKind.LOG_ERROR_RATE, "stock", 3.0),
        ev(
            "log:tmpl:stock:1", EvidenceKind.LOG_TEMPLATE, "stock", 3.0, level="ERROR", change="new"
        ),
    ]
    assert rank_suspects(items, {})[0].fault_type == "return"
    items.append(ev("log:exc:stock:1", EvidenceKind.LOG_EXCEPTION, "stock", 2.0))
    assert rank_suspects(items, {})[0].fault_type == "exception"


def flow(entity: str, score: float, **data: Any) -> Evidence:
    return ev(
        f"log:flow:{entity}:1", EvidenceKind.LOG_TEMPLATE, entity, score, change="broken", **data
    )


def edge(caller: str, callee: str, score: float) -> Evidence:
    item = ev(f"trace:net:{caller}:{callee}", EvidenceKind.TRACE_LATENCY, callee, score, edge=True)
    return item.model_copy(update={"related_entities": [caller]})


def test_broken_flow_is_a_cause_and_its_requests_tell_return_from_exception() -> None:
    diverted = [flow("stock", 4.0, aborted_share=0.1), lat("web", 2.0)]
    [top, *_] = rank_suspects(diverted, GRAPH)
    assert (top.component, top.fault_type) == ("stock", "return")
    aborted = [flow("stock", 4.0, aborted_share=0.9), lat("web", 2.0)]
    assert rank_suspects(aborted, GRAPH)[0].fault_type == "exception"


def test_errors_that_report_another_component_are_symptoms() -> None:
    items = [
        ev("log:exc:web:1", EvidenceKind.LOG_EXCEPTION, "web", 4.0, names=["stock"]),
        flow("order", 4.0, aborted_share=1.0, downstream=["stock"]),
        ev("log:exc:stock:1", EvidenceKind.LOG_EXCEPTION, "stock", 2.0),
    ]
    ranking = rank_suspects(items, {})
    assert ranking[0].component == "stock"
    assert {s.component: s.fault_type for s in ranking}["web"] != "exception"


def test_a_mild_cpu_rise_beside_a_large_edge_slowdown_is_network_delay() -> None:
    mild = [edge("web", "stock", 9.0), metric("stock", "cpu", 1.5)]
    assert rank_suspects(mild, GRAPH)[0].fault_type == "network_delay"
    strong = [edge("web", "stock", 9.0), metric("stock", "cpu", 4.0)]
    assert rank_suspects(strong, GRAPH)[0].fault_type == "cpu_contention"


def test_failing_while_slow_in_its_own_spans_is_a_code_fault_not_the_network() -> None:
    items = [lat("payment", 9.0), ev("log:exc:1", EvidenceKind.LOG_EXCEPTION, "payment", 6.0)]
    assert rank_suspects(items, GRAPH)[0].fault_type == "exception"
    items.append(edge("order", "payment", 12.0))
    assert rank_suspects(items, GRAPH)[0].fault_type == "network_delay"
