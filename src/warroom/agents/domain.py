"""DomainAgent: maps the failure onto domains and follows its impact (seed 004, 3.3).

With development or design assets, the component's place comes from the knowledge graph
(bounded context, aggregate root, entities, tables, endpoints); without them the context is
guessed from the component name and the agent names no aggregate rather than invent one.
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
    placed = case.knowledge.placement(lead) if case.knowledge and lead else None
    if placed is None:
        return DomainFindings(
            domain=context_name(lead) if lead else None,
            bounded_context=context_name(lead) if lead else None,
            aggregate_root=None,
            affected_entities=affected,
            cross_domain_impact=impact,
            hypotheses=hypotheses,
        )
    # The design and the code say where the component sits: use that, not the name.
    context = placed.bounded_context or context_name(placed.component)
    contexts = [
        p.bounded_context
        for c in affected
        if case.knowledge and (p := case.knowledge.placement(c)) and p.bounded_context
    ]
    reach = sorted({*contexts, *placed.depends_on_contexts} - {context})
    detail = []
    if placed.aggregate_root:
        detail.append(f"aggregate {placed.aggregate_root}")
    if placed.tables:
        detail.append("tables " + ", ".join(placed.tables))
    if placed.endpoints:
        detail.append("endpoints " + ", ".join(placed.endpoints[:4]))
    impact = impact + (f" [{context}: " + "; ".join(detail) + "]" if detail else "")
    if reach:
        impact += " -> contexts " + ", ".join(reach)
    return DomainFindings(
        domain=context,
        bounded_context=context,
        aggregate_root=placed.aggregate_root,
        affected_entities=placed.entities or affected,
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
