"""Domain objects for store tests, built on the shared tribunal fixtures."""

from __future__ import annotations

from tests.factories import sample_incident, sample_items, sample_pack
from warroom.domain import (
    Alternative,
    DebateTurn,
    EvidenceLink,
    FaultType,
    Incident,
    Report,
    RiskLevel,
    RoleUsage,
    StruckClaim,
    Verdict,
)


def sample_verdict() -> Verdict:
    return Verdict(
        root_cause="payment's connection pool ran dry",
        evidence_chain=[
            EvidenceLink(
                statement="payment threw first",
                evidence_ids=["log:exc:payment:1", "metric:payment:latency"],
            )
        ],
        fix_suggestion="raise the pool size and add a timeout",
        impact_analysis="checkout failed for every user",
        risk_level=RiskLevel.HIGH,
        rollback_recommended=False,
        responsible_team="payments-team",
        confidence=0.8,
        component="payment",
        fault_type=FaultType.EXCEPTION,
        code_location="PaymentServiceImpl.java:87",
        alternatives=[
            Alternative(
                component="order",
                fault_type=FaultType.EXCEPTION,
                confidence=0.3,
                why_lost="its errors began after payment's",
            )
        ],
    )


def sample_report(incident: Incident | None = None, *, lang: str = "en") -> Report:
    pack = sample_pack()
    return Report(
        incident=incident or sample_incident(),
        verdict=sample_verdict(),
        ranking=pack.ranking,
        evidence=sample_items(),
        debate=[DebateTurn(round=1, role="judge", summary="payment", payload={"n": 1})],
        struck=[
            StruckClaim(
                by="log",
                component="web",
                text="web broke first",
                evidence_id="log:err:web",
                reason="effect_before_cause",
                detail="web's errors follow order's",
            )
        ],
        usage=[RoleUsage(role="judge", model="offline", requests=1)],
        rounds=2,
        consensus=True,
        lang=lang,
    )
