"""Debates (investigation runs) and run events over the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from warroom.domain import RunEvent, Verdict
from warroom.store import RunInfo, RunStatus


class DebateCreate(BaseModel):
    incident_id: str = Field(min_length=1, max_length=64)
    lang: Literal["en", "zh"] = "en"
    rounds: int | None = Field(
        default=None, ge=0, le=10, description="Critic/rebuttal rounds; default from settings."
    )


class DebatePublic(BaseModel):
    id: str
    incident_id: str | None
    kind: str
    status: RunStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    event_count: int
    verdict: Verdict | None = Field(
        default=None, description="The run's verdict, once it has succeeded."
    )

    @classmethod
    def of(cls, run: RunInfo, verdict: Verdict | None = None) -> DebatePublic:
        return cls(**run.model_dump(), verdict=verdict)


class DebateStarted(BaseModel):
    id: str
    incident_id: str
    status: RunStatus
    links: dict[str, str] = Field(description="Where to follow the run.")


class RunEventPublic(BaseModel):
    run_id: str
    seq: int
    at: datetime
    type: str
    role: str | None = None
    payload: dict[str, Any]

    @classmethod
    def of(cls, event: RunEvent) -> RunEventPublic:
        return cls.model_validate(event.model_dump(mode="json"))


class RunEventsPublic(BaseModel):
    """Events with ``seq > after``, in order; ``next_after`` is the ``after`` for the next call."""

    data: list[RunEventPublic]
    count: int
    next_after: int
    status: RunStatus
