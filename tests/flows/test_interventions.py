"""People in the loop: pins, vetoes, claims and instructions steer the tribunal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.factories import sample_incident, sample_pack
from warroom.agents.case import CaseFile
from warroom.config import Settings
from warroom.domain import EvidenceKind, RunEventType
from warroom.flows.debate import Tribunal, TribunalResult
from warroom.flows.interventions import HUMAN_ROLE, Intervention
from warroom.llm import UsageLedger


class ScriptedPeople:
    """A sink that is also an intervention source; ``later`` arrive after round ``at``."""

    def __init__(self, first: list[Intervention], later: Sequence[Intervention] = (), at: int = 1):
        self.ready = list(first)
        self.later = list(later)
        self.at = at
        self.events: list[tuple[RunEventType, dict[str, Any]]] = []
        self.rounds_seen = 0

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        self.events.append((type, payload))
        if type is RunEventType.AGENT_MESSAGE and role == "CriticAgent":
            self.rounds_seen += 1
            if self.rounds_seen >= self.at:
                self.ready += self.later
                self.later = []

    async def interventions(self, after: int) -> Sequence[Intervention]:
        return [i for i in self.ready if i.id > after]


def _settings() -> Settings:
    return Settings(llm_base_url=None)


async def _run(people: ScriptedPeople, rounds: int = 3) -> tuple[TribunalResult, CaseFile]:
    case = CaseFile(incident=sample_incident(), pack=sample_pack())
    settings = _settings()
    result = await Tribunal(case, settings=settings, ledger=UsageLedger(settings), sink=people).run(
        rounds
    )
    return result, case


async def test_without_interventions_payment_is_convicted() -> None:
    result, _ = await _run(ScriptedPeople([]))
    assert result.verdict.component == "payment"


async def test_veto_takes_the_component_off_the_table_and_the_judge_cannot_pick_it() -> None:
    veto = Intervention(id=1, kind="veto", component="payment", text="payment was fine")
    result, _ = await _run(ScriptedPeople([veto]))
    assert result.verdict.component != "payment"
    assert all(h.component != "payment" for h in result.table)
    assert "vetoed payment" in result.verdict.root_cause
    assert any(
        a.component == "payment" and "vetoed" in a.why_lost for a in result.verdict.alternatives
    )
    assert any(t.role == HUMAN_ROLE and "veto payment" in t.summary for t in result.turns)


async def test_pin_makes_the_judge_prefer_a_hypothesis_whose_claims_survive() -> None:
    pin = Intervention(id=1, kind="pin", component="order", text="order deployed at 14:04")
    result, _ = await _run(ScriptedPeople([pin]))
    assert result.verdict.component == "order"
    assert "pinned order" in result.verdict.root_cause
    assert any(a.component == "payment" for a in result.verdict.alternatives)


async def test_pin_of_a_component_with_no_evidence_cannot_win_and_the_verdict_says_so() -> None:
    pin = Intervention(id=1, kind="pin", component="ghost", text="I suspect ghost")
    result, _ = await _run(ScriptedPeople([pin]))
    assert result.verdict.component == "payment"
    assert "every claim for it was struck" in result.verdict.root_cause


async def test_intervention_arriving_between_rounds_counts_in_the_next_round() -> None:
    veto = Intervention(id=1, kind="veto", component="payment", text="ruled out")
    people = ScriptedPeople([], later=[veto], at=1)
    result, _ = await _run(people, rounds=3)
    assert result.verdict.component != "payment"
    applied = [p for t, p in people.events if t is RunEventType.HUMAN_INTERVENTION]
    assert applied and applied[0]["round"] >= 1


async def test_claim_becomes_human_evidence_that_claims_can_cite() -> None:
    claim = Intervention(
        id=1, kind="claim", component="payment", text="payment's DB pool was resized at 14:04"
    )
    result, case = await _run(ScriptedPeople([claim]))
    human = [e for e in case.pack.items if e.kind is EvidenceKind.HUMAN]
    assert [e.id for e in human] == ["human:1"]
    payment = next(h for h in result.table if h.component == "payment")
    assert any("human:1" in c.evidence_ids for c in payment.claims)


async def test_claim_citing_unknown_evidence_is_struck() -> None:
    claim = Intervention(
        id=1, kind="claim", component="stock", text="see this", evidence_ids=["log:nope"]
    )
    result, _ = await _run(ScriptedPeople([claim]))
    assert any(s.by == HUMAN_ROLE and s.evidence_id == "log:nope" for s in result.struck)


async def test_instruction_reaches_the_case_file_notes_every_role_reads() -> None:
    note = Intervention(id=1, kind="instruction", text="focus on the database tier")
    _, case = await _run(ScriptedPeople([note]))
    assert case.human_notes == ["focus on the database tier"]
    assert "focus on the database tier" in case.digest()
