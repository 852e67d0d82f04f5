"""People in the loop: what a person's intervention does to a running tribunal.

A person may ``claim`` (a statement that becomes ``human:<n>`` evidence claims can cite),
give an ``instruction`` (a note every role reads in the case file), ``pin`` a component (it
stays on the table and the judge prefers it unless every claim for it was struck) or ``veto``
one (it leaves the table and the judge cannot pick it). The flow gets interventions from an
``InterventionSource`` (the event sink may be one), never from the store itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from warroom.agents.case import CaseFile
from warroom.domain.debate import Citation, Claim, DebateTurn, FaultType, Hypothesis
from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource
from warroom.domain.verdict import Alternative, Verdict

HUMAN_ROLE = "Human"
InterventionKindName = Literal["claim", "instruction", "pin", "veto"]
# How much of its own evidence a pinned component brings to the table when nobody argued it.
_PIN_CITES = 3
_NOTES = {
    "pin_won": {
        "en": " A person pinned {component}; its claims survived the citation check, so the "
        "judge prefers it.",
        "zh": " 有人置顶了 {component}；其论断通过了引用校验，因此裁判优先采纳。",
    },
    "pin_struck": {
        "en": " A person pinned {component}, but every claim for it was struck, so it could "
        "not win.",
        "zh": " 有人置顶了 {component}，但其所有论断都被驳回，因此无法胜出。",
    },
    "vetoed": {
        "en": " A person vetoed {components}; taken off the table.",
        "zh": " 有人否决了 {components}；已从候选中移除。",
    },
    "why_vetoed": {"en": "vetoed by a person", "zh": "被人工否决"},
}


class Intervention(BaseModel):
    """One person's move, as the flow sees it; ``id`` grows with every new intervention."""

    id: int
    kind: InterventionKindName
    text: str = ""
    component: str | None = None
    evidence_ids: list[str] = Field(default_factory=list)
    author: str = ""
    at: datetime | None = None


@runtime_checkable
class InterventionSource(Protocol):
    """Gives the tribunal the interventions it has not seen yet (``id > after``)."""

    async def interventions(self, after: int) -> Sequence[Intervention]: ...


def _note(key: str, lang: str, **values: Any) -> str:
    table = _NOTES[key]
    return table.get(lang, table["en"]).format(**values)


class HumanDirection:
    """The interventions applied so far and their effect on the case, table and verdict."""

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        self.last_id = 0
        self.pins: list[str] = []
        self.vetoes: list[str] = []
        self.applied: list[Intervention] = []
        self._claims: list[tuple[str | None, Claim]] = []

    def apply(self, item: Intervention, rnd: int) -> tuple[DebateTurn, Claim | None]:
        """Take one intervention into account. The turn shows it in the report; a ``claim``
        also returns the claim for the caller to check and then ``accept``."""
        self.last_id = max(self.last_id, item.id)
        self.applied.append(item)
        claim: Claim | None = None
        if item.kind == "instruction":
            self.case.human_notes.append(item.text)
        elif item.kind == "claim":
            claim = self._human_evidence(item)
        elif item.kind == "pin" and item.component:
            if item.component in self.vetoes:
                self.vetoes.remove(item.component)
            self.pins.append(item.component)
        elif item.kind == "veto" and item.component:
            if item.component in self.pins:
                self.pins.remove(item.component)
            self.vetoes.append(item.component)
        about = f" {item.component}" if item.component else ""
        turn = DebateTurn(
            round=rnd,
            role=HUMAN_ROLE,
            summary=f"{item.kind}{about}: {item.text}".strip(),
            payload={"intervention": item.model_dump(mode="json"), "round": rnd},
        )
        return turn, claim

    def accept(self, component: str | None, claim: Claim) -> None:
        """Put a checked claim of a person on the table (with the hypothesis it is about)."""
        self._claims.append((component, claim))

    def _human_evidence(self, item: Intervention) -> Claim:
        """``human:<n>`` evidence for a person's claim; returns the claim citing it (and the
        evidence ids the person named, which the citation check still verifies)."""
        n = sum(1 for e in self.case.pack.items if e.kind is EvidenceKind.HUMAN) + 1
        evidence = Evidence(
            id=f"human:{n}",
            kind=EvidenceKind.HUMAN,
            entity=item.component or "incident",
            window=self.case.incident.window,
            summary=item.text[:500],
            score=1.0,
            data={"author": item.author, "evidence_ids": item.evidence_ids},
            source=EvidenceSource(query=f"human intervention #{item.id} by {item.author}"),
        )
        self.case.pack.items.append(evidence)
        self.case.__dict__.pop("evidence", None)  # the cached id index is stale now
        citations = [Citation(evidence_id=evidence.id, role="support")]
        citations += [Citation(evidence_id=i, role="support") for i in item.evidence_ids]
        return Claim(text=item.text, citations=citations)

    def shape(self, table: Sequence[Hypothesis]) -> list[Hypothesis]:
        """The table as people directed: vetoed components out, pinned ones in, people's
        claims added to the hypothesis they are about. Claims are not checked here."""
        by_component = {h.component: h for h in table if h.component not in self.vetoes}
        for component in self.pins:
            if component not in by_component:
                by_component[component] = self._pinned(component)
        for about, claim in self._claims:
            if about is None or about in self.vetoes:
                continue
            current = by_component.get(about) or Hypothesis(
                component=about,
                statement=claim.text,
                confidence=0.5,
                proposed_by=HUMAN_ROLE,
            )
            if all(c.text != claim.text for c in current.claims):
                current = current.model_copy(update={"claims": [*current.claims, claim]})
            by_component[about] = current
        return sorted(by_component.values(), key=lambda h: (-h.confidence, h.component))

    def _pinned(self, component: str) -> Hypothesis:
        suspect = self.case.suspect(component)
        claims = [
            Claim(text=e.summary, citations=[Citation(evidence_id=e.id, role="cause")])
            for e in self.case.own_evidence(component)[:_PIN_CITES]
        ]
        fault = suspect.fault_type if suspect else "unknown"
        return Hypothesis(
            component=component,
            fault_type=FaultType(fault) if fault in set(FaultType) else FaultType.UNKNOWN,
            statement=f"{component} was pinned by a person",
            claims=claims,
            confidence=0.5,
            proposed_by=f"{HUMAN_ROLE} (pin)",
        )

    def preferred(self, table: Sequence[Hypothesis]) -> Hypothesis | None:
        """The pinned hypothesis the judge must prefer: one with surviving claims."""
        standing = [h for h in table if h.component in self.pins and h.claims]
        return max(standing, key=lambda h: h.confidence) if standing else None

    def explain(self, verdict: Verdict, table: Sequence[Hypothesis]) -> Verdict:
        """Say in the verdict what pins and vetoes did; list vetoed components as losers."""
        lang = self.case.lang
        notes = ""
        for component in self.pins:
            won = verdict.component == component
            notes += _note("pin_won" if won else "pin_struck", lang, component=component)
        if self.vetoes:
            notes += _note("vetoed", lang, components=", ".join(self.vetoes))
        alternatives = [a for a in verdict.alternatives if a.component not in self.vetoes]
        alternatives += [
            Alternative(
                component=c,
                fault_type=FaultType.UNKNOWN,
                confidence=0.0,
                why_lost=_note("why_vetoed", lang),
            )
            for c in self.vetoes
        ]
        return verdict.model_copy(
            update={"root_cause": verdict.root_cause + notes, "alternatives": alternatives}
        )
