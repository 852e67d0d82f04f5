"""What the UI-only read routes answer: the home page's figures, history rows, settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from warroom.api.schemas.debates import DebatePublic
from warroom.api.schemas.incidents import IncidentPublic
from warroom.domain import Evidence, FaultType, RiskLevel, Severity, Verdict
from warroom.store import RunStatus


class VerdictSummary(BaseModel):
    """The headline of a verdict: enough for a list row."""

    incident_id: str
    run_id: str | None
    component: str
    fault_type: FaultType
    confidence: float
    risk_level: RiskLevel
    rollback_recommended: bool
    responsible_team: str
    root_cause: str
    decided_at: datetime | None = Field(description="When the run that reached it finished.")

    @classmethod
    def of(
        cls, verdict: Verdict, *, incident_id: str, run_id: str | None, decided_at: datetime | None
    ) -> VerdictSummary:
        return cls(
            incident_id=incident_id,
            run_id=run_id,
            component=verdict.component,
            fault_type=verdict.fault_type,
            confidence=verdict.confidence,
            risk_level=verdict.risk_level,
            rollback_recommended=verdict.rollback_recommended,
            responsible_team=verdict.responsible_team,
            root_cause=verdict.root_cause,
            decided_at=decided_at,
        )


class RecentVerdict(VerdictSummary):
    title: str
    severity: Severity


class ActiveDebate(BaseModel):
    run_id: str
    incident_id: str
    title: str
    status: RunStatus
    created_at: datetime


class Durations(BaseModel):
    """Medians in seconds over ``samples`` cases; None without any."""

    median_s: float | None
    samples: int


class StatsPublic(BaseModel):
    """The home page's figures, computed over the newest ``scanned_incidents`` incidents and
    ``scanned_runs`` runs."""

    open_by_severity: dict[Severity, int] = Field(
        description="Incidents with no successful debate yet, by severity."
    )
    incidents_total: int = Field(description="All stored incidents.")
    scanned_incidents: int
    scanned_runs: int
    active_debates: list[ActiveDebate] = Field(description="Queued or running debates.")
    recent_verdicts: list[RecentVerdict]
    time_to_verdict: Durations = Field(
        description="From an incident being opened (the alert arriving, or a person creating "
        "it) to its first verdict."
    )
    debate_duration: Durations = Field(description="From a debate starting to its verdict.")
    pending_approvals: int


class HistoryRow(BaseModel):
    incident: IncidentPublic
    latest_run: DebatePublic | None = Field(description="The newest debate, without verdict.")
    verdict: VerdictSummary | None = Field(description="The latest verdict, if any.")


class HistoryPublic(BaseModel):
    """One page of incidents, newest first, with their latest debate and verdict."""

    data: list[HistoryRow]
    count: int


class DebatesPublic(BaseModel):
    """An incident's debates, newest first."""

    data: list[DebatePublic]
    count: int


class EvidenceListPublic(BaseModel):
    """Evidence stored for an incident by its latest finished debate."""

    data: list[Evidence]
    count: int


class RoleModel(BaseModel):
    role: str
    model: str | None = Field(description="Model name, or None for the offline reasoner.")
    source: Literal["role", "default", "offline"] = Field(
        description="role: a per-role setting; default: the model for every role; offline: "
        "no model endpoint is set."
    )


class SettingsPublic(BaseModel):
    """What the server runs with, without secrets. Read-only: these come from ``WARROOM_*``
    variables or ``warroom.toml`` and change on restart."""

    editable: bool = False
    lang: str
    debate_rounds: int
    window_seconds: float
    models: list[RoleModel]
    llm_endpoint: str | None = Field(description="Scheme, host and port only.")
    llm_timeout_s: float
    llm_max_retries: int
    runner: Literal["inline", "celery"]
    database: str = Field(description="The database kind (URL scheme), no address.")
    max_upload_bytes: int
    max_upload_request_bytes: int
    max_body_bytes: int
