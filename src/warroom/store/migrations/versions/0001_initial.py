"""Initial schema: incidents, assets, evidence, runs, run events, verdicts, reports.

Revision ID: 0001
Revises:
Create Date: 2026-03-14

Written by hand, not imported from ``tables.py``: a revision must keep describing the
schema as it was when it shipped. Portable types only (JSON, timezone-aware DateTime,
strings for enums) so the same revision runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)


def _when(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _incident_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["incident_id"],
        ["incidents.id"],
        name=f"fk_{table}_incident_id_incidents",
        ondelete=ondelete,
    )


def _run_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["runs.id"], name=f"fk_{table}_run_id_runs", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        _when("alert_time"),
        _when("window_start"),
        _when("window_end"),
        sa.Column("metadata", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])

    op.create_table(
        "assets",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(255), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
        _incident_fk("assets", "SET NULL"),
    )
    op.create_index("ix_assets_incident_id", "assets", ["incident_id"])
    op.create_index("ix_assets_sha256", "assets", ["sha256"])

    op.create_table(
        "evidence",
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        _when("onset", nullable=True),
        sa.Column("full", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "id", name="pk_evidence"),
        _incident_fk("evidence", "CASCADE"),
    )

    op.create_table(
        "runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        _incident_fk("runs", "CASCADE"),
    )
    op.create_index("ix_runs_incident_id", "runs", ["incident_id"])
    op.create_index("ix_runs_created_at", "runs", ["created_at"])

    op.create_table(
        "run_events",
        sa.Column("run_id", ID, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        _when("at"),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_run_events"),
        _run_fk("run_events", "CASCADE"),
    )

    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("verdict", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_verdicts"),
        _incident_fk("verdicts", "CASCADE"),
        _run_fk("verdicts", "SET NULL"),
    )
    op.create_index("ix_verdicts_incident_id", "verdicts", ["incident_id"])
    op.create_index("ix_verdicts_run_id", "verdicts", ["run_id"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        _incident_fk("reports", "CASCADE"),
        _run_fk("reports", "SET NULL"),
    )
    op.create_index("ix_reports_incident_id_lang", "reports", ["incident_id", "lang"])
    op.create_index("ix_reports_run_id", "reports", ["run_id"])


def downgrade() -> None:
    # Children before parents, so foreign keys never point at a dropped table.
    for table in ("reports", "verdicts", "run_events", "runs", "evidence", "assets"):
        op.drop_table(table)
    op.drop_index("ix_incidents_created_at", table_name="incidents")
    op.drop_table("incidents")
