"""The tribunal (seed 004, 3.4): analysts propose, critic and rebuttal argue, the judge rules.

Round 0: LogAgent, DomainAgent and CodeAgent propose hypotheses concurrently. Every claim is
checked mechanically (`CitationChecker`) before any other role sees it. Rounds 1..N: the
critic objects, the rebuttal defends or concedes; the debate stops early when nothing new is
raised or the rebuttal reports consensus. The judge then rules over what survived; even the
judge's evidence chain is checked, so an unknown id never reaches the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from warroom.agents import code as code_agent
from warroom.agents import critic as critic_agent
from warroom.agents import domain as domain_agent
from warroom.agents import judge as judge_agent
from warroom.agents import log as log_agent
from warroom.agents import rebuttal as rebuttal_agent
from warroom.agents.base import ROLE_NAMES
from warroom.agents.case import CaseFile
from warroom.config import Settings
from warroom.domain.debate import (
    Claim,
    Critique,
    DebateTurn,
    Hypothesis,
    Rebuttal,
    StruckClaim,
)
from warroom.domain.events import RunEventType
from warroom.domain.verdict import Verdict
from warroom.flows.citations import CitationChecker
from warroom.flows.interventions import HUMAN_ROLE, HumanDirection, InterventionSource
from warroom.llm import RoleOutcome, UsageLedger


class EventSink(Protocol):
    """Where a flow reports what happens; the entry point decides where events are stored."""

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None: ...


class NullSink:
    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        return None


@dataclass
class TribunalResult:
    verdict: Verdict
    turns: list[DebateTurn]
    struck: list[StruckClaim]
    table: list[Hypothesis]
    rounds: int
    consensus: bool
    degraded_roles: list[str] = field(default_factory=list)


class Tribunal:
    def __init__(
        self,
        case: CaseFile,
        *,
        settings: Settings,
        ledger: UsageLedger,
        sink: EventSink | None = None,
    ):
        self.case = case
        self.settings = settings
        self.ledger = ledger
        self.sink: EventSink = sink or NullSink()
        self.checker = CitationChecker(case.pack.items, case.call_graph)
        self.turns: list[DebateTurn] = []
        self.struck: list[StruckClaim] = []
        self.degraded: list[str] = []
        # People steer the debate through the sink when it can hand over interventions.
        self.source = sink if isinstance(sink, InterventionSource) else None
        self.human = HumanDirection(case)

    async def run(self, max_rounds: int) -> TribunalResult:
        await self._take_interventions(0)
        log_out, domain_out, code_out = await asyncio.gather(
            log_agent.propose(self.case, self.settings, self.ledger),
            domain_agent.propose(self.case, self.settings, self.ledger),
            code_agent.propose(self.case, self.settings, self.ledger),
        )
        proposals: list[Hypothesis] = []
        for role, outcome, summary in (
            ("log", log_out, _log_summary(log_out.output.suspected_components)),
            ("domain", domain_out, domain_out.output.cross_domain_impact),
            ("code", code_out, code_out.output.root_cause),
        ):
            await self._record(0, role, outcome, summary)
            proposals.extend(outcome.output.hypotheses)
        if code_out.output.evidence_chain and code_out.output.hypotheses:
            lead = code_out.output.hypotheses[0]
            proposals.append(lead.model_copy(update={"claims": code_out.output.evidence_chain}))

        table = await self._steer(0, await self._check_all(proposals))
        consensus = False
        rounds = 0
        raised: set[str] = set()
        for rnd in range(1, max_rounds + 1):
            rounds = rnd
            table = await self._steer(rnd, table)
            critique_out = await critic_agent.propose(
                self.case, table, raised, self.settings, self.ledger
            )
            critique = self._check_critique(critique_out.output)
            await self._record(rnd, "critic", critique_out, critique.summary, critique)
            if not critique.objections:
                consensus = True
                break
            raised |= {f"{o.target}:{o.kind}" for o in critique.objections}
            rebuttal_out = await rebuttal_agent.propose(
                self.case, table, critique, self.settings, self.ledger
            )
            rebuttal = self._check_rebuttal(rebuttal_out.output)
            await self._record(rnd, "rebuttal", rebuttal_out, rebuttal.summary, rebuttal)
            table = _apply(table, rebuttal)
            if rebuttal.consensus_reached:
                consensus = True
                break

        table = await self._steer(rounds + 1, table)
        verdict_out = await judge_agent.rule(
            self.case,
            table,
            code_out.output,
            domain_out.output,
            self.transcript(),
            self.settings,
            self.ledger,
        )
        verdict = self._check_verdict(verdict_out.output, table, code_out, domain_out)
        verdict = self._honour_people(verdict, table, code_out, domain_out)
        await self._record(rounds + 1, "judge", verdict_out, verdict.root_cause)
        verdict = verdict.model_copy(update={"degraded_roles": sorted(set(self.degraded))})
        await self.sink.emit(
            RunEventType.VERDICT, ROLE_NAMES["judge"], verdict.model_dump(mode="json")
        )
        return TribunalResult(
            verdict=verdict,
            turns=self.turns,
            struck=self.struck,
            table=table,
            rounds=rounds,
            consensus=consensus,
            degraded_roles=verdict.degraded_roles,
        )

    async def _take_interventions(self, rnd: int) -> bool:
        """Apply interventions not seen yet; True when there were any."""
        if self.source is None:
            return False
        fresh = [i for i in await self.source.interventions(self.human.last_id)]
        for item in fresh:
            turn, claim = self.human.apply(item, rnd)
            self.turns.append(turn)
            await self.sink.emit(
                RunEventType.HUMAN_INTERVENTION,
                HUMAN_ROLE,
                {"stage": "applied", "round": rnd, **item.model_dump(mode="json")},
            )
            if claim is None:
                continue
            self.checker = CitationChecker(self.case.pack.items, self.case.call_graph)
            problem = self.checker.check_claim(
                claim, component=item.component or "incident", by=HUMAN_ROLE
            )
            if problem is None:
                self.human.accept(item.component, claim)
            else:
                await self._strike(problem)
        return bool(fresh)

    async def _steer(self, rnd: int, table: list[Hypothesis]) -> list[Hypothesis]:
        """The table after the interventions that came in so far (between rounds)."""
        await self._take_interventions(rnd)
        return self.human.shape(table) if self.human.applied else table

    def _honour_people(
        self,
        verdict: Verdict,
        table: list[Hypothesis],
        code_out: RoleOutcome[Any],
        domain_out: RoleOutcome[Any],
    ) -> Verdict:
        """A pinned hypothesis with surviving claims wins; a vetoed component cannot."""
        if not self.human.applied:
            return verdict
        pinned = self.human.preferred(table)
        if pinned is not None and verdict.component != pinned.component:
            verdict = _ruling_for(self.case, pinned, table, code_out, domain_out)
        elif verdict.component in self.human.vetoes:
            verdict = judge_agent.offline(self.case, table, code_out.output, domain_out.output)
        return self.human.explain(verdict, table)

    async def _record(
        self,
        rnd: int,
        role: str,
        outcome: RoleOutcome[Any],
        summary: str,
        output: Any = None,
    ) -> None:
        name = ROLE_NAMES[role]
        if outcome.degraded:
            self.degraded.append(name)
        payload: dict[str, Any] = {
            "round": rnd,
            "model": outcome.model,
            "degraded": outcome.degraded,
            "degraded_reason": outcome.degraded_reason,
            "summary": summary,
            "output": (output or outcome.output).model_dump(mode="json"),
        }
        self.turns.append(DebateTurn(round=rnd, role=name, summary=summary, payload=payload))
        await self.sink.emit(RunEventType.AGENT_MESSAGE, name, payload)

    async def _check_all(self, proposals: Sequence[Hypothesis]) -> list[Hypothesis]:
        merged: dict[str, Hypothesis] = {}
        for h in proposals:
            checked, struck = self.checker.check_hypothesis(h, by=h.proposed_by or "analyst")
            for s in struck:
                await self._strike(s)
            current = merged.get(h.component)
            merged[h.component] = checked if current is None else _merge(current, checked)
        table = list(merged.values())
        for h in table:
            if not h.claims:
                h.confidence = 0.0
        return sorted(table, key=lambda h: (-h.confidence, h.component))

    async def _strike(self, struck: StruckClaim) -> None:
        self.struck.append(struck)
        await self.sink.emit(RunEventType.CLAIM_STRUCK, struck.by, struck.model_dump(mode="json"))

    def _check_critique(self, critique: Critique) -> Critique:
        """Objections citing unknown evidence lose those citations (a critic must cite too)."""
        kept = []
        for o in critique.objections:
            cites = [c for c in o.citations if self.checker.known(c.evidence_id)]
            kept.append(o.model_copy(update={"citations": cites}))
        return critique.model_copy(update={"objections": kept})

    def _check_rebuttal(self, rebuttal: Rebuttal) -> Rebuttal:
        """A defence whose citations do not hold up counts as a concession."""
        responses = []
        for r in rebuttal.responses:
            if r.conceded or not r.citations:
                responses.append(r)
                continue
            problem = self.checker.check_claim(
                Claim(text=r.text, citations=r.citations), component=r.target, by="RebuttalAgent"
            )
            if problem is None:
                responses.append(r)
            else:
                self.struck.append(problem)
                responses.append(r.model_copy(update={"conceded": True}))
        return rebuttal.model_copy(update={"responses": responses})

    def _check_verdict(
        self,
        verdict: Verdict,
        table: list[Hypothesis],
        code_out: RoleOutcome[Any],
        domain_out: RoleOutcome[Any],
    ) -> Verdict:
        """Drop unknown ids from the chain; a verdict for a component nobody argued is refused."""
        if not any(h.component == verdict.component for h in table) and table:
            self.degraded.append(ROLE_NAMES["judge"])
            verdict = judge_agent.offline(self.case, table, code_out.output, domain_out.output)
        chain = []
        for link in verdict.evidence_chain:
            ids = [i for i in link.evidence_ids if self.checker.known(i)]
            if ids:
                chain.append(link.model_copy(update={"evidence_ids": ids}))
        return verdict.model_copy(update={"evidence_chain": chain})

    def transcript(self) -> str:
        return "\n".join(f"[round {t.round}] {t.role}: {t.summary}" for t in self.turns)


def _merge(a: Hypothesis, b: Hypothesis) -> Hypothesis:
    texts = {c.text for c in a.claims}
    claims = a.claims + [c for c in b.claims if c.text not in texts]
    by = ", ".join(dict.fromkeys(filter(None, [*a.proposed_by.split(", "), b.proposed_by])))
    return a.model_copy(
        update={
            "claims": claims,
            "confidence": max(a.confidence, b.confidence),
            "proposed_by": by,
            "code_location": a.code_location or b.code_location,
        }
    )


def _apply(table: list[Hypothesis], rebuttal: Rebuttal) -> list[Hypothesis]:
    revised: dict[str, float] = {}
    for r in rebuttal.responses:
        revised[r.target] = min(revised.get(r.target, 1.0), r.revised_confidence)
    updated = [
        h.model_copy(update={"confidence": min(h.confidence, revised.get(h.component, 1.0))})
        for h in table
    ]
    return sorted(updated, key=lambda h: (-h.confidence, h.component))


def _ruling_for(
    case: CaseFile,
    chosen: Hypothesis,
    table: list[Hypothesis],
    code_out: RoleOutcome[Any],
    domain_out: RoleOutcome[Any],
) -> Verdict:
    """The offline judge's ruling with ``chosen`` as the winner; reported confidences stay."""
    top = max(chosen.confidence, 0.05)
    others = [
        h.model_copy(update={"confidence": min(h.confidence, top * 0.999)})
        for h in table
        if h.component != chosen.component
    ]
    lead = chosen.model_copy(update={"confidence": top})
    verdict = judge_agent.offline(case, [lead, *others], code_out.output, domain_out.output)
    real = {h.component: h.confidence for h in table}
    alternatives = [
        a.model_copy(update={"confidence": real.get(a.component, a.confidence)})
        for a in verdict.alternatives
    ]
    return verdict.model_copy(update={"alternatives": alternatives})


def _log_summary(suspects: list[str]) -> str:
    return "suspects: " + (", ".join(suspects) if suspects else "none from logs")
