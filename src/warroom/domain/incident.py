"""Incidents and the assets attached to them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, Field

from warroom.domain.evidence import TimeWindow


def new_id(prefix: str) -> str:
    """A short random id with a readable prefix, e.g. ``inc_3f9a1c2b7d4e``."""
    return f"{prefix}_{uuid4().hex[:12]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AssetState(StrEnum):
    """The three states of a system (seed 004, section 2)."""

    RUNTIME = "runtime"
    DEVELOPMENT = "development"
    DESIGN = "design"


class AssetKind(StrEnum):
    LOGS = "logs"
    METRICS = "metrics"
    SPANS = "spans"
    REPOSITORY = "repository"
    DOCUMENT = "document"


class Asset(BaseModel):
    """A raw file attached to an incident; its bytes live in the blob store by sha256."""

    id: str = Field(default_factory=lambda: new_id("ast"))
    incident_id: str | None = None
    state: AssetState = AssetState.RUNTIME
    kind: AssetKind
    name: str
    sha256: str
    size: int
    media_type: str = "text/plain"
    created_at: datetime = Field(default_factory=utcnow)


class Incident(BaseModel):
    id: str = Field(default_factory=lambda: new_id("inc"))
    title: str
    description: str = ""
    severity: Severity = Severity.HIGH
    alert_time: datetime
    window: TimeWindow
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
