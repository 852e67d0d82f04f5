"""CodeAgent: code-level root cause, evidence chain, location and fix (seed 004, 3.3)."""

from __future__ import annotations

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.phrases import say
from warroom.agents.reasoning import build_hypothesis, location_of, top_components
from warroom.config import Settings
from warroom.domain.debate import CodeFindings
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "code"


def fix_for(case: CaseFile, component: str, fault: str, location: str | None) -> str:
    where = location or say("unknown_location", case.lang)
    key = f"fix.{fault}"
    try:
        return say(key, case.lang, component=component, location=where)
    except KeyError:
        return say("fix.unknown", case.lang, component=component, location=where)


def offline(case: CaseFile) -> CodeFindings:
    hypotheses = [
        h for c in top_components(case, 2) if (h := build_hypothesis(case, c, by="CodeAgent"))
    ]
    if not hypotheses:
        return CodeFindings(root_cause="", confidence=0.0)
    lead = hypotheses[0]
    location = location_of(case, lead.component)
    return CodeFindings(
        root_cause=lead.statement,
        evidence_chain=lead.claims,
        code_location=location,
        fix_suggestion=fix_for(case, lead.component, lead.fault_type.value, location),
        confidence=lead.confidence,
        hypotheses=hypotheses,
    )


async def propose(
    case: CaseFile, settings: Settings, ledger: UsageLedger
) -> RoleOutcome[CodeFindings]:
    return await ask(
        ROLE,
        case=case,
        output_type=CodeFindings,
        task="Find the code-level root cause, its evidence chain, location and fix.",
        offline=lambda: offline(case),
        settings=settings,
        ledger=ledger,
    )
