"""Interventions and approvals over the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from warroom.store import Approval, InterventionRecord


class InterventionCreate(BaseModel):
    """``claim``: a statement that becomes ``human:<n>`` evidence (about ``component`` if
    given); ``instruction``: a note every role reads; ``pin`` / ``veto``: keep or remove
    ``component`` on the table."""

    kind: Literal["claim", "instruction", "pin", "veto"]
    text: str = Field(default="", max_length=4000)
    component: str | None = Field(default=None, max_length=255)
    evidence_ids: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _complete(self) -> InterventionCreate:
        if self.kind in ("pin", "veto") and not (self.component or "").strip():
            raise ValueError(f"a {self.kind} needs 'component': the component it is about")
        if self.kind in ("claim", "instruction") and not self.text.strip():
            raise ValueError(f"a {self.kind} needs 'text': what the person says")
        return self


class InterventionPublic(BaseModel):
    intervention: InterventionRecord
    applies: Literal["next_round", "next_debate"] = Field(
        description="next_round: the running debate takes it at its next round; "
        "next_debate: the debate is over, the next one on the incident reads it at the start."
    )


class InterventionsPublic(BaseModel):
    data: list[InterventionRecord]
    count: int


class ApprovalDecision(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why; kept with the decision.")


class ApprovalsPublic(BaseModel):
    data: list[Approval]
    count: int
