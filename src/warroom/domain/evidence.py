"""Evidence: what the deterministic engine found, and what every agent claim must cite."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator


class TimeWindow(BaseModel):
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")
        return self

    @classmethod
    def around(cls, at: datetime, span: timedelta) -> TimeWindow:
        """The window of length ``span`` that mostly precedes ``at``: 2/3 before, 1/3 after.

        Faults show up before the alert fires, and their effects keep unfolding after it.
        """
        return cls(start=at - span * 2 / 3, end=at + span / 3)

    def contains(self, t: datetime) -> bool:
        return self.start <= t <= self.end


class EvidenceKind(StrEnum):
    LOG_TEMPLATE = "log_template"  # a template that is new or bursting
    LOG_EXCEPTION = "log_exception"  # an exception / stack trace
    LOG_ERROR_RATE = "log_error_rate"  # share of error lines changed
    METRIC_ANOMALY = "metric_anomaly"  # a series left its baseline
    METRIC_CHANGE_POINT = "metric_change_point"
    TRACE_ERROR = "trace_error"  # failing spans, propagated to the deepest service
    TRACE_LATENCY = "trace_latency"  # self-time latency increase
    SUSPECT_RANK = "suspect_rank"  # a component's position in the ranking
    ALERT = "alert"  # the alert or pasted text that opened the incident
    HUMAN = "human"  # a person's statement
    CODE_LINK = "code_link"  # a stack frame resolved to method, file, owner (development graph)
    CODE_CHANGE = "code_change"  # a commit that touched the failing code path
    SIMILAR_CASE = "similar_case"  # a past incident that resembles this one


class EvidenceSource(BaseModel):
    """Where the evidence came from, so a person can check it."""

    path: str = ""
    asset_id: str | None = None
    lines: list[int] = Field(default_factory=list, description="Sample of source line numbers.")
    query: str = ""


class Evidence(BaseModel):
    """One finding with a stable id (e.g. ``log:tmpl:17``) and a one-line summary."""

    id: str
    kind: EvidenceKind
    entity: str = Field(description="The component it is about: service, pod, file, table...")
    related_entities: list[str] = Field(
        default_factory=list,
        description="Other components the finding involves (callers on a failing path...).",
    )
    window: TimeWindow
    onset: datetime | None = Field(
        default=None, description="When the effect started; used to check cause-before-effect."
    )
    summary: str
    score: float = Field(ge=0.0, description="How strongly it departs from normal; larger is more.")
    data: dict[str, Any] = Field(default_factory=dict)
    source: EvidenceSource = Field(default_factory=EvidenceSource)

    def mentions(self, component: str) -> bool:
        return component == self.entity or component in self.related_entities


class SuspectScore(BaseModel):
    """One component's place in the ranking, with the evidence that put it there."""

    component: str
    score: float
    fault_type: str = "unknown"
    evidence_ids: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class EvidencePack(BaseModel):
    """Everything the engine found for one incident: what the agents see."""

    incident_id: str
    window: TimeWindow
    alert_time: datetime
    items: list[Evidence] = Field(default_factory=list)
    ranking: list[SuspectScore] = Field(default_factory=list)
    stats: dict[str, Any] = Field(default_factory=dict)

    def by_id(self) -> dict[str, Evidence]:
        return {e.id: e for e in self.items}

    def about(self, component: str) -> list[Evidence]:
        return [e for e in self.items if e.mentions(component)]
