"""Alerts from webhooks (deduplicated by fingerprint), webhook secrets, human interventions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-16

Written by hand like 0001 and 0002.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)


def _when(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_secrets",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("investigate", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        _when("created_at"),
        _when("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_secrets"),
    )

    op.create_table(
        "alerts",
        sa.Column("id", ID, nullable=False),
        sa.Column("fingerprint", sa.String(255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("service", sa.Text(), nullable=True),
        sa.Column("group_key", sa.String(512), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _when("starts_at"),
        _when("ends_at", nullable=True),
        _when("first_seen"),
        _when("last_seen"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("fingerprint", name="uq_alerts_fingerprint"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_alerts_incident_id_incidents",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_alerts_incident_id", "alerts", ["incident_id"])
    op.create_index("ix_alerts_group_key_last_seen", "alerts", ["group_key", "last_seen"])

    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("component", sa.Text(), nullable=True),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_interventions"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_interventions_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_interventions_run_id_runs", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_interventions_incident_id", "interventions", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_interventions_incident_id", table_name="interventions")
    op.drop_table("interventions")
    op.drop_index("ix_alerts_group_key_last_seen", table_name="alerts")
    op.drop_index("ix_alerts_incident_id", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("webhook_secrets")
