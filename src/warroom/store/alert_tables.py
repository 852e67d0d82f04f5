"""ORM rows for alerts, webhook secrets and human interventions (revision 0003).

Kept beside ``tables.py`` on the same ``Base``, so the head-revision check covers them;
``warroom.store`` imports this module, which registers the tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.tables import ID, Base


class WebhookSecretRow(Base):
    """A webhook credential. The secret is kept as given: verifying an HMAC signature
    needs it. It only lets a sender post alerts, nothing else."""

    __tablename__ = "webhook_secrets"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(128))
    investigate: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AlertRow(Base):
    """One alert, unique by fingerprint; repeats bump ``count`` and ``last_seen``."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_group_key_last_seen", "group_key", "last_seen"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    service: Mapped[str | None] = mapped_column(Text)
    group_key: Mapped[str] = mapped_column(String(512))
    source: Mapped[str] = mapped_column(String(32))
    labels: Mapped[dict[str, Any]] = mapped_column(JSON)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer)
    incident_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )


class InterventionRow(Base):
    """A person's move in a debate: claim, instruction, pin or veto."""

    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[str | None] = mapped_column(ID, ForeignKey("runs.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    component: Mapped[str | None] = mapped_column(Text)
    evidence_ids: Mapped[list[str]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
