"""JudgeAgent: rules on the debate and writes the verdict (seed 004, 3.4 and 6.2)."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.code import fix_for
from warroom.agents.critic import table_json
from warroom.agents.phrases import say
from warroom.config import Settings
from warroom.domain.debate import CodeFindings, DomainFindings, FaultType, Hypothesis
from warroom.domain.incident import Severity
from warroom.domain.verdict import Alternative, EvidenceLink, RiskLevel, Verdict
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "judge"
_CODE_FAULTS = {FaultType.EXCEPTION, FaultType.RETURN}


def winner_of(table: Sequence[Hypothesis], case: CaseFile) -> Hypothesis | None:
    """The best-supported hypothesis: a surviving claim, then confidence, then engine rank."""
    standing = [h for h in table if h.claims and h.confidence > 0]
    if not standing:
        return None
    return max(
        standing,
        key=lambda h: (h.confidence, -(case.position(h.component) or 999), h.component),
    )


def _risk(case: CaseFile, affected: int) -> RiskLevel:
    levels = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL]
    base = {
        Severity.LOW: 0,
        Severity.MEDIUM: 1,
        Severity.HIGH: 2,
        Severity.CRITICAL: 3,
    }[case.incident.severity]
    if affected >= 3:
        base += 1
    return levels[min(base, 3)]


def _first_sign(case: CaseFile, winner: Hypothesis, victims: list[str]) -> str:
    """The earliest strong finding about the winner, in words, and who suffered after it."""
    cited = {i for claim in winner.claims for i in claim.evidence_ids}
    own = [
        e for e in case.own_evidence(winner.component) if e.id in cited and e.onset is not None
    ] or case.own_evidence(winner.component)
    if not own:
        return winner.statement
    strong = [e for e in own if e.score >= 0.5 * own[0].score] or own
    first = min(strong, key=lambda e: (e.onset or case.incident.alert_time, -e.score))
    if victims:
        return say("root_cause_detail", case.lang, first=first.summary, victims=", ".join(victims))
    return say("root_cause_alone", case.lang, first=first.summary)


def _why_lost(case: CaseFile, loser: Hypothesis, winner: Hypothesis) -> str:
    lang = case.lang
    if not loser.claims:
        return say("why_lost_struck", lang)
    if winner.component in case.downstream(loser.component):
        return say("why_lost_victim", lang, winner=winner.component)
    return say("why_lost_rank", lang, confidence=loser.confidence, winner=winner.confidence)


def offline(
    case: CaseFile,
    table: Sequence[Hypothesis],
    code: CodeFindings,
    domain: DomainFindings,
) -> Verdict:
    lang = case.lang
    winner = winner_of(table, case)
    if winner is None:
        lead = case.pack.ranking[0].component if case.pack.ranking else "unknown"
        return Verdict(
            root_cause=say(
                "root_cause", lang, component=lead, fault=say("fault.unknown", lang), detail=""
            ),
            evidence_chain=[],
            fix_suggestion=say("fix.unknown", lang, component=lead, location=""),
            impact_analysis="",
            risk_level=_risk(case, 0),
            rollback_recommended=False,
            responsible_team=case.teams.get(lead) or say("team_unknown", lang, component=lead),
            confidence=0.05,
            component=lead,
            fault_type=FaultType.UNKNOWN,
        )
    c = winner.component
    location = winner.code_location or (
        code.code_location if code.hypotheses and code.hypotheses[0].component == c else None
    )
    fix = (
        code.fix_suggestion
        if code.hypotheses and code.hypotheses[0].component == c and code.fix_suggestion
        else fix_for(case, c, winner.fault_type.value, location)
    )
    victims = sorted(case.upstream(c))
    impact = say(
        "impact",
        lang,
        component=c,
        fault=say(f"fault.{winner.fault_type.value}", lang),
        count=len(victims),
        victims=", ".join(victims) or say("no_victims", lang),
    )
    if domain.cross_domain_impact and domain.bounded_context:
        impact += f" ({domain.bounded_context}: {domain.cross_domain_impact})"
    chain = [EvidenceLink(statement=cl.text, evidence_ids=cl.evidence_ids) for cl in winner.claims]
    others = sorted((h for h in table if h.component != c), key=lambda h: -h.confidence)
    return Verdict(
        root_cause=say(
            "root_cause",
            lang,
            component=c,
            fault=say(f"fault.{winner.fault_type.value}", lang),
            detail=_first_sign(case, winner, victims),
        ),
        evidence_chain=chain,
        fix_suggestion=fix,
        impact_analysis=impact,
        risk_level=_risk(case, len(victims)),
        rollback_recommended=winner.fault_type in _CODE_FAULTS,
        responsible_team=case.teams.get(c) or say("team_unknown", lang, component=c),
        confidence=winner.confidence,
        component=c,
        fault_type=winner.fault_type,
        code_location=location,
        alternatives=[
            Alternative(
                component=h.component,
                fault_type=h.fault_type,
                confidence=h.confidence,
                why_lost=_why_lost(case, h, winner),
            )
            for h in others[:5]
        ],
    )


async def rule(
    case: CaseFile,
    table: Sequence[Hypothesis],
    code: CodeFindings,
    domain: DomainFindings,
    transcript: str,
    settings: Settings,
    ledger: UsageLedger,
) -> RoleOutcome[Verdict]:
    task = (
        "Hypotheses that survived the citation check (JSON):\n"
        + table_json(table)
        + "\nDebate transcript:\n"
        + transcript
    )
    return await ask(
        ROLE,
        case=case,
        output_type=Verdict,
        task=task,
        offline=lambda: offline(case, table, code, domain),
        settings=settings,
        ledger=ledger,
    )
