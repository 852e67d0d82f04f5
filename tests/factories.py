"""Hand-made evidence packs for tests of the tribunal: a small system with a known cause.

web -> order -> payment; payment's own latency and exceptions start first (14:05),
order's errors follow (14:06), web's 5xx last (14:06:30). stock is a bystander.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain import (
    Evidence,
    EvidenceKind,
    EvidencePack,
    Incident,
    Severity,
    SuspectScore,
    TimeWindow,
)

ALERT = datetime(2026, 3, 14, 14, 7, tzinfo=UTC)
WINDOW = TimeWindow.around(ALERT, timedelta(minutes=30))


def ev(
    eid: str,
    kind: EvidenceKind,
    entity: str,
    minute: float,
    score: float,
    summary: str = "",
    **data: object,
) -> Evidence:
    return Evidence(
        id=eid,
        kind=kind,
        entity=entity,
        window=WINDOW,
        onset=datetime(2026, 3, 14, 14, 0, tzinfo=UTC) + timedelta(minutes=minute),
        summary=summary or f"{entity} {kind} {eid}",
        score=score,
        data=dict(data),
    )


def sample_items() -> list[Evidence]:
    return [
        ev(
            "metric:payment:latency",
            EvidenceKind.METRIC_ANOMALY,
            "payment",
            5,
            4.0,
            category="latency",
        ),
        ev(
            "log:exc:payment:1",
            EvidenceKind.LOG_EXCEPTION,
            "payment",
            5.2,
            3.5,
            type="java.sql.SQLTransientConnectionException",
            top_frame="PaymentServiceImpl#87",
        ),
        ev("log:err:order", EvidenceKind.LOG_ERROR_RATE, "order", 6, 2.5),
        ev("trace:lat:order:ab", EvidenceKind.TRACE_LATENCY, "order", 6.1, 1.2),
        ev("log:err:web", EvidenceKind.LOG_ERROR_RATE, "web", 6.5, 2.0),
        ev("log:tmpl:stock:1", EvidenceKind.LOG_TEMPLATE, "stock", -20, 0.8),
        ev("rank:payment", EvidenceKind.SUSPECT_RANK, "payment", 5, 4.0),
        ev("rank:order", EvidenceKind.SUSPECT_RANK, "order", 6, 2.0),
        ev("rank:web", EvidenceKind.SUSPECT_RANK, "web", 6.5, 1.0),
    ]


def sample_pack() -> EvidencePack:
    return EvidencePack(
        incident_id="inc_test",
        window=WINDOW,
        alert_time=ALERT,
        items=sample_items(),
        ranking=[
            SuspectScore(
                component="payment",
                score=4.0,
                fault_type="exception",
                evidence_ids=["metric:payment:latency", "log:exc:payment:1"],
            ),
            SuspectScore(
                component="order",
                score=2.0,
                fault_type="exception",
                evidence_ids=["log:err:order", "trace:lat:order:ab"],
            ),
            SuspectScore(
                component="web", score=1.0, fault_type="unknown", evidence_ids=["log:err:web"]
            ),
        ],
        stats={"call_graph": {"web": ["order"], "order": ["payment", "stock"]}},
    )


def sample_incident() -> Incident:
    return Incident(
        id="inc_test",
        title="Checkout failing",
        severity=Severity.CRITICAL,
        alert_time=ALERT,
        window=WINDOW,
        metadata={"teams": {"payment": "payments-team"}},
    )
