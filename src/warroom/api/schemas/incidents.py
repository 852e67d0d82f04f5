"""Incidents over the wire: what a client sends (create, update) and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from warroom.api.schemas.common import as_utc, parse_duration
from warroom.domain import Incident, Severity

_WINDOW_DOC = "Telemetry window around the alert, e.g. '30m', '2h', '90s': 2/3 before, 1/3 after."


class IncidentCreate(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    severity: Severity = Severity.HIGH
    alert_time: datetime = Field(description="When the alert fired; a time without zone is UTC.")
    window: str = Field(default="30m", description=_WINDOW_DOC)
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Free-form; 'teams' (component -> team) and 'alert' are used by debates.",
    )

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        parse_duration(value)
        return value.strip()

    @field_validator("alert_time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class IncidentUpdate(BaseModel):
    """A partial change (PATCH): only the fields sent are changed."""

    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    severity: Severity | None = None
    alert_time: datetime | None = None
    window: str | None = Field(default=None, description=_WINDOW_DOC)
    metadata: dict[str, Any] | None = None

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
            return value.strip()
        return None

    @field_validator("alert_time")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None


class IncidentPublic(BaseModel):
    id: str
    title: str
    description: str
    severity: Severity
    alert_time: datetime
    window_start: datetime
    window_end: datetime
    window_seconds: float
    metadata: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, incident: Incident) -> IncidentPublic:
        return cls(
            id=incident.id,
            title=incident.title,
            description=incident.description,
            severity=incident.severity,
            alert_time=incident.alert_time,
            window_start=incident.window.start,
            window_end=incident.window.end,
            window_seconds=(incident.window.end - incident.window.start).total_seconds(),
            metadata=incident.metadata,
            created_at=incident.created_at,
        )


class IncidentsPublic(BaseModel):
    """One page of incidents, newest first; ``count`` is the number of all matches."""

    data: list[IncidentPublic]
    count: int
