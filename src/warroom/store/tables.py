"""ORM rows. Private to the store: repositories turn them into domain models.

The schema is changed only through a new Alembic revision in ``migrations/versions``;
these classes must describe the same tables as the head revision (a test checks that).
Enums are kept as short strings rather than database enum types, so adding a value never
needs a migration, and JSON columns use the portable ``sqlalchemy.JSON``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from warroom.store.columns import UTCDateTime

# Named constraints let later migrations drop or alter them on PostgreSQL and in SQLite
# batch mode alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16))
    alert_time: Mapped[datetime]
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    # "metadata" is reserved on declarative classes, so the attribute has another name.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    created_at: Mapped[datetime] = mapped_column(index=True)


class AssetRow(Base):
    __tablename__ = "assets"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)  # raw files may pass 2 GiB
    media_type: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class EvidenceRow(Base):
    __tablename__ = "evidence"

    incident_id: Mapped[str] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    # The evidence id is unique within its incident only; (incident_id, id) is the key.
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    onset: Mapped[datetime | None]
    full: Mapped[dict[str, Any]]


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # The seq the next event gets; bumped with UPDATE ... RETURNING, so concurrent
    # writers (even in other processes) never get the same number.
    next_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class RunEventRow(Base):
    __tablename__ = "run_events"

    run_id: Mapped[str] = mapped_column(
        ID, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]


class VerdictRow(Base):
    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(
        ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )
    verdict: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_incident_id_lang", "incident_id", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"))
    run_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )
    lang: Mapped[str] = mapped_column(String(16))
    report: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ApiKeyRow(Base):
    """An API key: only the sha256 of its secret is kept, never the secret itself."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditRow(Base):
    """One write made through the API. Append-only: no repository method changes a row.

    No foreign keys, on purpose: the audit trail outlives the keys and incidents it names.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    key_id: Mapped[str | None] = mapped_column(ID)
    key_name: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[str | None] = mapped_column(String(255))
    status_code: Mapped[int] = mapped_column(Integer)
    client: Mapped[str | None] = mapped_column(String(255))


class ApprovalRow(Base):
    """A request to do something that changes production, and the person's decision."""

    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    run_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("runs.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
