"""Run events: the append-only log that every run writes and every view reads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from warroom.domain.incident import utcnow


class RunEventType(StrEnum):
    STATUS = "status"
    STEP = "step"
    AGENT_MESSAGE = "agent_message"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    MODEL_USAGE = "model_usage"
    CLAIM_STRUCK = "claim_struck"
    APPROVAL_REQUEST = "approval_request"
    HUMAN_INTERVENTION = "human_intervention"
    VERDICT = "verdict"


class RunEvent(BaseModel):
    run_id: str
    seq: int = Field(ge=0)
    at: datetime = Field(default_factory=utcnow)
    type: RunEventType
    role: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
