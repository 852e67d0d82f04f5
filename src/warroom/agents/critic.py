"""CriticAgent: attacks each hypothesis on the table (seed 004, 3.4)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.phrases import say
from warroom.config import Settings
from warroom.domain.debate import Citation, Critique, Hypothesis, Objection
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "critic"
SAME_TIME = timedelta(seconds=60)
LATE = timedelta(minutes=5)


def objections_against(case: CaseFile, h: Hypothesis) -> list[Objection]:
    lang = case.lang
    c = h.component
    if not h.claims:
        return [
            Objection(
                target=c,
                kind="uncited",
                severity="fatal",
                text=say("no_claims_objection", lang, component=c),
            )
        ]
    found: list[Objection] = []
    mine = case.suspect(c)
    onset = case.onset(c)
    for other in sorted(case.downstream(c)):
        theirs = case.suspect(other)
        other_onset = case.onset(other)
        if theirs is None or mine is None or theirs.score < 0.5 * mine.score:
            continue
        if onset is not None and other_onset is not None and other_onset > onset + SAME_TIME:
            continue
        cites = [Citation(evidence_id=f"rank:{other}", role="support")]
        strongest = case.own_evidence(other)[:1]
        cites += [Citation(evidence_id=e.id, role="cause") for e in strongest]
        found.append(
            Objection(
                target=c,
                kind="victim",
                severity="major",
                text=say("victim_objection", lang, component=c, other=other),
                citations=[x for x in cites if x.evidence_id in case.evidence],
            )
        )
        break
    cited_kinds = {
        case.evidence[cit.evidence_id].kind
        for claim in h.claims
        for cit in claim.citations
        if cit.evidence_id in case.evidence and cit.evidence_id != f"rank:{c}"
    }
    if len(cited_kinds) <= 1:
        found.append(
            Objection(
                target=c,
                kind="thin",
                severity="minor",
                text=say("thin_objection", lang, component=c),
            )
        )
    if onset is not None and onset > case.incident.alert_time + LATE:
        minutes = int((onset - case.incident.alert_time).total_seconds() // 60)
        found.append(
            Objection(
                target=c,
                kind="late",
                severity="major",
                text=say("late_objection", lang, component=c, minutes=minutes),
            )
        )
    return found


def offline(case: CaseFile, table: Sequence[Hypothesis], raised: set[str]) -> Critique:
    """Objections not raised in an earlier round, strongest hypotheses first."""
    objections = [
        o
        for h in sorted(table, key=lambda h: -h.confidence)
        for o in objections_against(case, h)
        if f"{o.target}:{o.kind}" not in raised
    ]
    targets = sorted({o.target for o in objections})
    summary = (
        say("critique_summary", case.lang, count=len(objections), targets=", ".join(targets))
        if objections
        else say("critique_none", case.lang)
    )
    return Critique(objections=objections, summary=summary)


def table_json(table: Sequence[Hypothesis]) -> str:
    return json.dumps([h.model_dump(mode="json") for h in table], ensure_ascii=False)


async def propose(
    case: CaseFile,
    table: Sequence[Hypothesis],
    raised: set[str],
    settings: Settings,
    ledger: UsageLedger,
) -> RoleOutcome[Critique]:
    task = (
        "Hypotheses on the table (JSON):\n"
        + table_json(table)
        + "\nObjections already raised (target:kind): "
        + (", ".join(sorted(raised)) or "none")
    )
    return await ask(
        ROLE,
        case=case,
        output_type=Critique,
        task=task,
        offline=lambda: offline(case, table, raised),
        settings=settings,
        ledger=ledger,
    )
