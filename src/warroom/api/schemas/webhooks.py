"""Webhooks over the wire: what an alert request answers, webhook secrets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from warroom.store import AlertOutcome, StoredAlert, WebhookSecretInfo


class AutoInvestigation(BaseModel):
    """What happened to the debate a new incident asked for: ``started`` (``run_id`` set)
    or ``waiting_for_assets`` (``detail`` says what to upload)."""

    incident_id: str
    status: str
    run_id: str | None = None
    detail: str = ""


class WebhookAccepted(BaseModel):
    received: int = Field(description="Alerts in the request.")
    duplicates: int = Field(description="Repeats of alerts already stored (count bumped).")
    incident_ids: list[str] = Field(description="Incidents the alerts belong to, in order.")
    new_incident_ids: list[str]
    alerts: list[AlertOutcome]
    investigations: list[AutoInvestigation] = Field(default_factory=list)


class WebhookSecretCreate(BaseModel):
    name: str = Field(default="", max_length=200)
    investigate: bool = Field(
        default=False,
        description="Start a debate for every incident this sender's alerts open.",
    )


class WebhookSecretPublic(BaseModel):
    id: str
    name: str
    investigate: bool
    created_by: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None

    @classmethod
    def of(cls, info: WebhookSecretInfo) -> WebhookSecretPublic:
        return cls(**info.model_dump())


class WebhookSecretCreated(BaseModel):
    secret: WebhookSecretPublic
    token: str = Field(
        description="Shown once. Send it as `Authorization: Bearer <token>` or `?token=`, or "
        "sign the raw body: `X-Warroom-Signature: sha256=<hex HMAC-SHA256(token, body)>`."
    )


class WebhookSecretsPublic(BaseModel):
    data: list[WebhookSecretPublic]
    count: int


class AlertsPublic(BaseModel):
    data: list[StoredAlert]
    count: int
