"""RebuttalAgent: defends the hypotheses or concedes (seed 004, 3.4)."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.critic import SAME_TIME, table_json
from warroom.agents.phrases import say
from warroom.config import Settings
from warroom.domain.debate import Citation, Critique, Hypothesis, Objection, Rebuttal, Response
from warroom.domain.evidence import EvidenceKind
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "rebuttal"
_OWN_BEHAVIOUR = {
    EvidenceKind.METRIC_ANOMALY,
    EvidenceKind.METRIC_CHANGE_POINT,
    EvidenceKind.TRACE_LATENCY,
    EvidenceKind.LOG_EXCEPTION,
}


def _answer(case: CaseFile, h: Hypothesis, o: Objection) -> Response:
    lang = case.lang
    c = h.component
    concede = Response(
        target=c,
        text=say("concede", lang, text=o.text),
        conceded=True,
        revised_confidence=h.confidence,
    )
    if o.kind == "uncited":
        return concede.model_copy(update={"revised_confidence": 0.0})
    if o.kind == "late":
        return concede.model_copy(update={"revised_confidence": round(h.confidence * 0.7, 3)})
    if o.kind == "victim":
        other = next(
            (
                cit.evidence_id.removeprefix("rank:")
                for cit in o.citations
                if cit.evidence_id.startswith("rank:")
            ),
            None,
        )
        other_onset = case.onset(other) if other else None
        mine, theirs = case.suspect(c), case.suspect(other) if other else None
        own = [e for e in case.own_evidence(c) if e.kind in _OWN_BEHAVIOUR]
        early = [
            e
            for e in own
            if e.onset is not None and (other_onset is None or e.onset <= other_onset + SAME_TIME)
        ]
        # The engine's ranking already weighs propagation: a component that outranks what it
        # calls is not explained by it, and its earliest own change is the evidence to cite.
        stronger = mine is not None and (theirs is None or mine.score > theirs.score)
        if stronger:
            cited = (early or own)[:1]
            onset = cited[0].onset if cited else None
            return Response(
                target=c,
                text=say(
                    "defend_own" if early else "defend_rank",
                    lang,
                    component=c,
                    what=cited[0].summary if cited else "-",
                    onset=f"{onset:%H:%M:%S}" if onset else "-",
                    other=other or "-",
                ),
                citations=[Citation(evidence_id=e.id, role="cause") for e in cited]
                + (
                    [Citation(evidence_id=f"rank:{c}", role="support")]
                    if f"rank:{c}" in case.evidence
                    else []
                ),
                revised_confidence=h.confidence,
            )
        return concede.model_copy(update={"revised_confidence": round(h.confidence * 0.5, 3)})
    if o.kind == "thin":
        ranking = case.pack.ranking
        leads = (
            len(ranking) >= 1
            and ranking[0].component == c
            and (len(ranking) == 1 or ranking[0].score >= 1.5 * max(ranking[1].score, 1e-9))
        )
        if leads:
            return Response(
                target=c,
                text=say("defend_breadth", lang, component=c),
                citations=[Citation(evidence_id=f"rank:{c}", role="support")]
                if f"rank:{c}" in case.evidence
                else [],
                revised_confidence=h.confidence,
            )
        return concede.model_copy(update={"revised_confidence": round(h.confidence * 0.85, 3)})
    return concede.model_copy(update={"revised_confidence": round(h.confidence * 0.9, 3)})


def offline(case: CaseFile, table: Sequence[Hypothesis], critique: Critique) -> Rebuttal:
    by_component = {h.component: h for h in table}
    current = dict((h.component, h.confidence) for h in table)
    responses: list[Response] = []
    for o in critique.objections:
        h = by_component.get(o.target)
        if h is None:
            continue
        h = h.model_copy(update={"confidence": current[o.target]})
        r = _answer(case, h, o)
        current[o.target] = min(current[o.target], r.revised_confidence)
        responses.append(r.model_copy(update={"revised_confidence": current[o.target]}))
    before = max(table, key=lambda h: h.confidence).component if table else "-"
    leader = max(current, key=lambda k: current[k]) if current else "-"
    lead_conceded = any(r.conceded and r.target == leader for r in responses)
    defended = sum(not r.conceded for r in responses)
    return Rebuttal(
        responses=responses,
        consensus_reached=leader == before and not lead_conceded,
        summary=say(
            "rebuttal_summary",
            case.lang,
            defended=defended,
            conceded=len(responses) - defended,
            leader=leader,
        ),
    )


async def propose(
    case: CaseFile,
    table: Sequence[Hypothesis],
    critique: Critique,
    settings: Settings,
    ledger: UsageLedger,
) -> RoleOutcome[Rebuttal]:
    task = (
        "Hypotheses on the table (JSON):\n"
        + table_json(table)
        + "\nThe critic's objections (JSON):\n"
        + critique.model_dump_json()
    )
    return await ask(
        ROLE,
        case=case,
        output_type=Rebuttal,
        task=task,
        offline=lambda: offline(case, table, critique),
        settings=settings,
        ledger=ledger,
    )
