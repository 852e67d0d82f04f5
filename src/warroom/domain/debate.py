"""Claims, hypotheses and the typed outputs of each tribunal role (seed 004, 3.3 and 3.4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class FaultType(StrEnum):
    CPU_CONTENTION = "cpu_contention"
    MEMORY_PRESSURE = "memory_pressure"
    NETWORK_DELAY = "network_delay"
    EXCEPTION = "exception"
    RETURN = "return"  # a wrong value returned without an exception
    DEPENDENCY = "dependency_failure"  # a database, cache or queue the component needs
    UNKNOWN = "unknown"


CitationRole = Literal["cause", "effect", "support"]


class Citation(BaseModel):
    evidence_id: str
    role: CitationRole = "support"


class Claim(BaseModel):
    """A statement and the evidence it rests on. A claim with no valid citation cannot win."""

    text: str
    citations: list[Citation] = Field(default_factory=list)

    @property
    def evidence_ids(self) -> list[str]:
        return [c.evidence_id for c in self.citations]


class Hypothesis(BaseModel):
    component: str
    fault_type: FaultType = FaultType.UNKNOWN
    statement: str
    claims: list[Claim] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    proposed_by: str = ""
    code_location: str | None = None


class LogFindings(BaseModel):
    """LogAgent: exceptions, stack traces and suspect components from runtime logs."""

    exception_type: str | None = None
    exception_message: str | None = None
    stack_trace: list[str] = Field(default_factory=list)
    suspected_components: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    hypotheses: list[Hypothesis] = Field(default_factory=list)


class DomainFindings(BaseModel):
    """DomainAgent: map the failure onto the domain model."""

    domain: str | None = None
    bounded_context: str | None = None
    aggregate_root: str | None = None
    affected_entities: list[str] = Field(default_factory=list)
    cross_domain_impact: str = ""
    hypotheses: list[Hypothesis] = Field(default_factory=list)


class CodeFindings(BaseModel):
    """CodeAgent: code-level root cause, evidence chain, location and fix."""

    root_cause: str
    evidence_chain: list[Claim] = Field(default_factory=list)
    code_location: str | None = None
    suspect_commit: str | None = Field(
        default=None, description="The commit that most likely introduced the fault (sha)."
    )
    owners: list[str] = Field(
        default_factory=list, description="Teams or people owning the failing code."
    )
    fix_suggestion: str = ""
    confidence: float = Field(ge=0.0, le=1.0)
    hypotheses: list[Hypothesis] = Field(default_factory=list)


class Objection(BaseModel):
    """A critic's attack on one hypothesis (by component)."""

    target: str = Field(description="The component of the hypothesis attacked.")
    kind: Literal["victim", "thin", "late", "uncited", "fit", "other"] = Field(
        default="other",
        description="victim: a component it depends on explains it; thin: one kind of "
        "evidence; late: began after the alert; uncited: no claim survived; fit: the fault "
        "type does not fit the evidence.",
    )
    text: str
    citations: list[Citation] = Field(default_factory=list)
    severity: Literal["minor", "major", "fatal"] = "major"


class Critique(BaseModel):
    objections: list[Objection] = Field(default_factory=list)
    summary: str = ""


class Response(BaseModel):
    target: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    conceded: bool = False
    revised_confidence: float = Field(ge=0.0, le=1.0)


class Rebuttal(BaseModel):
    responses: list[Response] = Field(default_factory=list)
    consensus_reached: bool = False
    summary: str = ""


class StruckClaim(BaseModel):
    """A claim removed by the mechanical citation check, and why."""

    by: str = Field(description="The role whose claim was struck.")
    component: str
    text: str
    evidence_id: str
    reason: Literal["unknown_evidence", "wrong_entity", "effect_before_cause", "uncited"]
    detail: str


class DebateTurn(BaseModel):
    round: int
    role: str
    summary: str
    payload: dict[str, object] = Field(default_factory=dict)
