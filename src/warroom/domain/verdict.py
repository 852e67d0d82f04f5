"""The verdict (seed 004, section 6.2) and the report around it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from warroom.domain.debate import DebateTurn, FaultType, StruckClaim
from warroom.domain.evidence import Evidence, SuspectScore
from warroom.domain.incident import Incident, Severity, utcnow
from warroom.domain.knowledge import KnowledgeView


class RiskLevel(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class EvidenceLink(BaseModel):
    """One step of the evidence chain: a statement and the evidence ids it cites."""

    statement: str
    evidence_ids: list[str]


class Alternative(BaseModel):
    """A hypothesis that lost, and why."""

    component: str
    fault_type: FaultType
    confidence: float
    why_lost: str


class RoleUsage(BaseModel):
    role: str
    model: str
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    degraded: bool = False
    degraded_reason: str | None = None


class Verdict(BaseModel):
    root_cause: str
    evidence_chain: list[EvidenceLink]
    fix_suggestion: str
    impact_analysis: str
    risk_level: RiskLevel
    rollback_recommended: bool
    responsible_team: str
    confidence: float = Field(ge=0.0, le=1.0)
    component: str
    fault_type: FaultType
    code_location: str | None = None
    suspect_commit: str | None = Field(
        default=None, description="The commit that most likely introduced the fault (sha)."
    )
    alternatives: list[Alternative] = Field(default_factory=list)
    degraded_roles: list[str] = Field(
        default_factory=list,
        description="Roles whose model failed and that fell back to the offline reasoner.",
    )


class Report(BaseModel):
    """Everything a person needs to trust and check a verdict."""

    incident: Incident
    verdict: Verdict
    ranking: list[SuspectScore]
    evidence: list[Evidence]
    debate: list[DebateTurn]
    struck: list[StruckClaim] = Field(default_factory=list)
    usage: list[RoleUsage] = Field(default_factory=list)
    knowledge: KnowledgeView | None = Field(
        default=None, description="What the development and design graph says, when given."
    )
    run_id: str | None = None
    rounds: int = 0
    consensus: bool = False
    lang: str = "en"
    generated_at: datetime = Field(default_factory=utcnow)

    @property
    def severity(self) -> Severity:
        return self.incident.severity
