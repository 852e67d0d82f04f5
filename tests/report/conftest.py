"""A small, realistic report built by hand: checkout fails because payment's database pool ran dry.

web -> order -> payment; payment's latency and exceptions start first, order and web follow.
One claim blaming the bystander ``stock`` was struck for citing evidence that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain import (
    Alternative,
    DebateTurn,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    EvidenceSource,
    FaultType,
    Incident,
    Report,
    RiskLevel,
    RoleUsage,
    Severity,
    StruckClaim,
    SuspectScore,
    TimeWindow,
    Verdict,
)

ALERT = datetime(2026, 3, 14, 14, 7, tzinfo=UTC)
WINDOW = TimeWindow.around(ALERT, timedelta(minutes=30))


def evidence(
    eid: str,
    kind: EvidenceKind,
    entity: str,
    minute: float,
    score: float,
    summary: str,
    path: str = "",
    lines: list[int] | None = None,
) -> Evidence:
    return Evidence(
        id=eid,
        kind=kind,
        entity=entity,
        window=WINDOW,
        onset=datetime(2026, 3, 14, 14, 0, tzinfo=UTC) + timedelta(minutes=minute),
        summary=summary,
        score=score,
        source=EvidenceSource(path=path, lines=lines or []),
    )


def build_report(*, lang: str = "en", summary_override: str | None = None) -> Report:
    items = [
        evidence(
            "log:tmpl:stock:1",
            EvidenceKind.LOG_TEMPLATE,
            "stock",
            -20,
            0.8,
            "stock: new template 'cache warmup finished in <*> ms'",
            "logs/stock.log",
            [3],
        ),
        evidence(
            "metric:payment:latency",
            EvidenceKind.METRIC_ANOMALY,
            "payment",
            5,
            4.0,
            "payment p99 latency rose from 120 ms to 2.4 s",
            "metrics/payment.csv",
            [301, 302],
        ),
        evidence(
            "log:exc:payment:1",
            EvidenceKind.LOG_EXCEPTION,
            "payment",
            5.2,
            3.5,
            summary_override
            or "SQLTransientConnectionException: HikariPool-1 - Connection is not available",
            "logs/payment.log",
            [1204, 1205, 1311],
        ),
        evidence(
            "log:err:order",
            EvidenceKind.LOG_ERROR_RATE,
            "order",
            6,
            2.5,
            "order error lines rose from 0.1% to 38% | calls to payment time out",
            "logs/order.log",
            [88],
        ),
        evidence(
            "log:err:web",
            EvidenceKind.LOG_ERROR_RATE,
            "web",
            6.5,
            2.0,
            "web 5xx share rose from 0% to 21%",
            "logs/web.log",
        ),
    ]
    verdict = Verdict(
        root_cause="payment's database connection pool was exhausted, so payment calls "
        "timed out and order and web failed in turn.",
        evidence_chain=[
            EvidenceLink(
                statement="payment slowed down first, at 14:05.",
                evidence_ids=["metric:payment:latency"],
            ),
            EvidenceLink(
                statement="payment threw connection-pool exceptions at the same time.",
                evidence_ids=["log:exc:payment:1"],
            ),
            EvidenceLink(
                statement="order and web errors followed a minute later.",
                evidence_ids=["log:err:order", "log:err:web"],
            ),
        ],
        fix_suggestion="Raise the pool size and find the query that holds connections.",
        impact_analysis="Checkout failed for about 21% of requests for 9 minutes.",
        risk_level=RiskLevel.HIGH,
        rollback_recommended=True,
        responsible_team="payments-team",
        confidence=0.82,
        component="payment",
        fault_type=FaultType.DEPENDENCY,
        code_location="PaymentServiceImpl.java:87",
        alternatives=[
            Alternative(
                component="order",
                fault_type=FaultType.EXCEPTION,
                confidence=0.31,
                why_lost="order's errors began after payment's and only on calls to payment.",
            )
        ],
        degraded_roles=[],
    )
    return Report(
        incident=Incident(
            id="inc_checkout",
            title="Checkout 5xx spike",
            severity=Severity.CRITICAL,
            alert_time=ALERT,
            window=WINDOW,
            created_at=ALERT,
        ),
        verdict=verdict,
        ranking=[
            SuspectScore(
                component="payment",
                score=4.0,
                fault_type="dependency_failure",
                evidence_ids=["metric:payment:latency", "log:exc:payment:1"],
                reasons=["earliest onset", "exceptions"],
            ),
            SuspectScore(
                component="order",
                score=2.0,
                fault_type="exception",
                evidence_ids=["log:err:order"],
                reasons=["error rate"],
            ),
            SuspectScore(component="web", score=1.0, evidence_ids=["log:err:web"]),
        ],
        evidence=items,
        debate=[
            DebateTurn(round=1, role="LogAgent", summary="payment throws pool exceptions first."),
            DebateTurn(
                round=1, role="CodeAgent", summary="PaymentServiceImpl:87 leaks\nconnections."
            ),
            DebateTurn(round=1, role="CriticAgent", summary="Could order be the cause?"),
            DebateTurn(
                round=1, role="RebuttalAgent", summary="No: order only fails on payment calls."
            ),
            DebateTurn(round=2, role="JudgeAgent", summary="payment, dependency failure, 82%."),
        ],
        struck=[
            StruckClaim(
                by="LogAgent",
                component="stock",
                text="stock's cache warmup caused the outage",
                evidence_id="log:tmpl:stock:9",
                reason="unknown_evidence",
                detail="no evidence item has id log:tmpl:stock:9",
            )
        ],
        usage=[
            RoleUsage(
                role="LogAgent",
                model="glm-4.5",
                requests=2,
                input_tokens=5100,
                output_tokens=640,
                cost_usd=0.0123,
            ),
            RoleUsage(role="JudgeAgent", model="offline", requests=0),
        ],
        rounds=2,
        consensus=True,
        lang=lang,
        generated_at=ALERT + timedelta(minutes=3),
    )


@pytest.fixture
def report() -> Report:
    return build_report()
