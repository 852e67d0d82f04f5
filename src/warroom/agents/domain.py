"""DomainAgent: maps the failure onto domains and follows its impact (seed 004, 3.3).

Until the design-asset graph exists, the domain is inferred from component names and the
call graph only; the agent says "unknown" rather than invent an aggregate.
"""

from __future__ import annotations

import re

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.reasoning import build_hypothesis, top_components
from warroom.config import Settings
from warroom.domain.debate import DomainFindings
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "domain"
_SUFFIX = re.compile(r"([-_.](service|svc|server|api|app|worker))+$", re.IGNORECASE)
_PREFIX = re.compile(r"^[a-z]{1,3}[-_]")


def context_name(component: str) -> str:
    """A bounded-context name guessed from a component name: ts-order-service -> order."""
    name = _SUFFIX.sub("", component)
    name = _PREFIX.sub("", name) if _PREFIX.sub("", name) else name
    return name or component


def offline(case: CaseFile) -> DomainFindings:
    ranked = top_components(case, 5)
    # The deepest anomalous component explains its callers: favour those no suspect depends on.
    deepest = [c for c in ranked if not (case.downstream(c) & set(ranked))] or ranked
    order = deepest + [c for c in ranked if c not in deepest]
    hypotheses = [
        h for c in order[:3] if (h := build_hypothesis(case, c, by="DomainAgent")) is not None
    ]
    lead = order[0] if order else None
    affected = sorted(case.upstream(lead)) if lead else []
    impact = (
        f"{lead} -> " + ", ".join(affected)
        if lead and affected
        else (f"{lead}: no calling component observed" if lead else "")
    )
    return DomainFindings(
        domain=context_name(lead) if lead else None,
        bounded_context=context_name(lead) if lead else None,
        aggregate_root=None,
        affected_entities=affected,
        cross_domain_impact=impact,
        hypotheses=hypotheses,
    )


async def propose(
    case: CaseFile, settings: Settings, ledger: UsageLedger
) -> RoleOutcome[DomainFindings]:
    return await ask(
        ROLE,
        case=case,
        output_type=DomainFindings,
        task="Map this incident onto the system's domains and follow its impact.",
        offline=lambda: offline(case),
        settings=settings,
        ledger=ledger,
    )
