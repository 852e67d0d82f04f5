"""Alerts from webhooks: deduplicated by fingerprint, grouped into incidents; webhook secrets.

``ingest_alerts`` handles a whole webhook request in one transaction: a repeat of a known
alert bumps its count and last-seen time; a firing alert joins the incident its group
(same ``group_key``) opened within ``group_window``, or opens a new incident; a resolved
alert is recorded (and closes nothing: incidents have no state to close).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from warroom.domain import Incident, TimeWindow
from warroom.domain.incident import new_id, utcnow
from warroom.ingest.alerts import Alert, AlertStatus
from warroom.store.alert_tables import AlertRow, WebhookSecretRow
from warroom.store.columns import require_aware
from warroom.store.database import Repository
from warroom.store.errors import NotFoundError, StoreInputError
from warroom.store.incidents import check_page, incident_row

WEBHOOK_PREFIX = "whk_"
DEFAULT_GROUP_WINDOW = timedelta(minutes=30)
DEFAULT_INCIDENT_WINDOW = timedelta(minutes=30)


class WebhookSecretInfo(BaseModel):
    id: str
    name: str
    investigate: bool
    created_by: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None


class StoredAlert(BaseModel):
    id: str
    fingerprint: str
    name: str
    status: AlertStatus
    severity: str
    service: str | None
    group_key: str
    source: str
    labels: dict[str, Any]
    annotations: dict[str, Any]
    summary: str
    starts_at: datetime
    ends_at: datetime | None
    first_seen: datetime
    last_seen: datetime
    count: int
    incident_id: str | None


class AlertOutcome(BaseModel):
    """What one alert of a request did: ``duplicate`` (a repeat), ``new_incident``."""

    alert_id: str
    fingerprint: str
    status: AlertStatus
    incident_id: str | None
    duplicate: bool
    new_incident: bool


def _secret_info(row: WebhookSecretRow) -> WebhookSecretInfo:
    return WebhookSecretInfo.model_validate(row, from_attributes=True)


def _stored(row: AlertRow) -> StoredAlert:
    return StoredAlert.model_validate(row, from_attributes=True)


def _token(row: WebhookSecretRow) -> str:
    return f"{WEBHOOK_PREFIX}{row.id.removeprefix('whs_')}_{row.secret}"


def incident_from_alert(alert: Alert, window: timedelta) -> Incident:
    """The incident an alert opens. The alert goes into ``metadata.alert`` as data (it
    becomes alert evidence when investigated), with the service under ``labels.service``."""
    labels = dict(alert.labels)
    if alert.service:
        labels["service"] = alert.service
    where = f" on {alert.service}" if alert.service else ""
    return Incident(
        title=f"{alert.name}{where}"[:500],
        description=alert.summary,
        severity=alert.severity,
        alert_time=alert.starts_at,
        window=TimeWindow.around(alert.starts_at, window),
        metadata={
            "source": f"webhook:{alert.source}",
            "alert_group": alert.group_key,
            "alert": {
                "name": alert.name,
                "status": alert.status.value,
                "fingerprint": alert.fingerprint,
                "summary": alert.summary,
                "labels": labels,
                "annotations": dict(alert.annotations),
                "starts_at": alert.starts_at.isoformat(),
                "url": alert.url,
            },
        },
    )


class AlertRepository(Repository):
    async def create_webhook_secret(
        self, *, name: str, investigate: bool = False, created_by: str | None = None
    ) -> tuple[WebhookSecretInfo, str]:
        """A new webhook credential and its token (``whk_<id>_<secret>``), shown once.

        The token is used either as a bearer token or as the HMAC-SHA256 key of the body.
        ``investigate``: incidents its alerts open start a debate at once.
        """
        ident = secrets.token_hex(6)
        row = WebhookSecretRow(
            id=f"whs_{ident}",
            name=name.strip() or f"webhook-{ident}",
            secret=secrets.token_hex(24),
            investigate=investigate,
            created_by=created_by,
            created_at=utcnow(),
            revoked_at=None,
        )
        async with self._db.writing() as session:
            session.add(row)
        return _secret_info(row), _token(row)

    async def list_webhook_secrets(self) -> list[WebhookSecretInfo]:
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(WebhookSecretRow).order_by(WebhookSecretRow.created_at)
            )
            return [_secret_info(r) for r in rows]

    async def revoke_webhook_secret(self, *, secret_id: str) -> WebhookSecretInfo:
        """Revoke (idempotent); raises ``NotFoundError`` for an unknown id."""
        async with self._db.writing() as session:
            row = await session.get(WebhookSecretRow, secret_id)
            if row is None:
                raise NotFoundError(f"no webhook secret with id {secret_id!r}; list them first")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            return _secret_info(row)

    async def verify_webhook_token(self, *, token: str) -> WebhookSecretInfo | None:
        """The secret's record when ``token`` is a valid, unrevoked webhook token."""
        if not token.startswith(WEBHOOK_PREFIX):
            return None
        ident, sep, _ = token[len(WEBHOOK_PREFIX) :].partition("_")
        if not sep:
            return None
        async with self._db.reading() as session:
            row = await session.get(WebhookSecretRow, f"whs_{ident}")
            if row is None or row.revoked_at is not None:
                return None
            return _secret_info(row) if hmac.compare_digest(_token(row), token) else None

    async def verify_webhook_signature(
        self, *, body: bytes, signature_hex: str
    ) -> WebhookSecretInfo | None:
        """The unrevoked secret whose HMAC-SHA256 of ``body`` equals ``signature_hex``."""
        wanted = signature_hex.strip().lower()
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(WebhookSecretRow).where(WebhookSecretRow.revoked_at.is_(None))
            )
            for row in rows:
                mac = hmac.new(_token(row).encode(), body, "sha256").hexdigest()
                if hmac.compare_digest(mac, wanted):
                    return _secret_info(row)
        return None

    async def ingest_alerts(
        self,
        *,
        alerts: Sequence[Alert],
        now: datetime | None = None,
        group_window: timedelta = DEFAULT_GROUP_WINDOW,
        incident_window: timedelta = DEFAULT_INCIDENT_WINDOW,
    ) -> list[AlertOutcome]:
        """Record a request's alerts in one transaction; one outcome per alert, in order."""
        moment = now or utcnow()
        require_aware("now", moment)
        if group_window <= timedelta(0):
            raise StoreInputError(f"group_window must be positive, got {group_window}")
        outcomes: list[AlertOutcome] = []
        async with self._db.writing() as session:
            fingerprints = list(dict.fromkeys(a.fingerprint for a in alerts))
            known: dict[str, AlertRow] = {}
            for start in range(0, len(fingerprints), 500):
                chunk = fingerprints[start : start + 500]
                rows = await session.scalars(
                    select(AlertRow).where(AlertRow.fingerprint.in_(chunk))
                )
                known.update({r.fingerprint: r for r in rows})
            groups: dict[str, str | None] = {}
            for alert in alerts:
                outcomes.append(
                    await self._ingest_one(
                        session, alert, known, groups, moment, group_window, incident_window
                    )
                )
        return outcomes

    async def _ingest_one(
        self,
        session: AsyncSession,
        alert: Alert,
        known: dict[str, AlertRow],
        groups: dict[str, str | None],
        now: datetime,
        group_window: timedelta,
        incident_window: timedelta,
    ) -> AlertOutcome:
        row = known.get(alert.fingerprint)
        firing = alert.status is AlertStatus.FIRING
        duplicate = row is not None
        # A known alert that fires again after it resolved, or after a long silence, is a
        # new occurrence: it is grouped afresh rather than glued to an old incident.
        regroup = row is None or row.incident_id is None
        if row is not None and firing:
            regroup = regroup or row.status == AlertStatus.RESOLVED.value
            regroup = regroup or now - row.last_seen > group_window
        new_incident = False
        incident_id = row.incident_id if row is not None else None
        if regroup:
            incident_id = await self._open_incident(
                session, alert.group_key, groups, now, group_window
            )
            if incident_id is None and firing:
                incident = incident_from_alert(alert, incident_window)
                session.add(incident_row(incident))
                # No ORM relationship orders the inserts: the incident must exist first.
                await session.flush()
                incident_id, new_incident = incident.id, True
            if incident_id is not None:
                groups[alert.group_key] = incident_id
        if row is None:
            row = AlertRow(
                id=new_id("alr"),
                fingerprint=alert.fingerprint,
                first_seen=now,
                count=0,
            )
            session.add(row)
            known[alert.fingerprint] = row
        row.name = alert.name
        row.status = alert.status.value
        row.severity = alert.severity.value
        row.service = alert.service
        row.group_key = alert.group_key
        row.source = alert.source
        row.labels = dict(alert.labels)
        row.annotations = dict(alert.annotations)
        row.summary = alert.summary
        row.starts_at = alert.starts_at
        row.ends_at = alert.ends_at
        row.last_seen = now
        row.count = (row.count or 0) + 1
        row.incident_id = incident_id
        return AlertOutcome(
            alert_id=row.id,
            fingerprint=alert.fingerprint,
            status=alert.status,
            incident_id=incident_id,
            duplicate=duplicate,
            new_incident=new_incident,
        )

    async def _open_incident(
        self,
        session: AsyncSession,
        group_key: str,
        groups: dict[str, str | None],
        now: datetime,
        group_window: timedelta,
    ) -> str | None:
        if group_key in groups:
            return groups[group_key]
        found = await session.scalar(
            select(AlertRow.incident_id)
            .where(
                AlertRow.group_key == group_key,
                AlertRow.last_seen >= now - group_window,
                AlertRow.incident_id.is_not(None),
            )
            .order_by(AlertRow.last_seen.desc())
            .limit(1)
        )
        groups[group_key] = found
        return found

    async def list_alerts(
        self, *, incident_id: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[StoredAlert]:
        """Alerts, most recently seen first, optionally only those of one incident."""
        check_page(limit, offset)
        query = select(AlertRow).order_by(AlertRow.last_seen.desc(), AlertRow.id)
        if incident_id is not None:
            query = query.where(AlertRow.incident_id == incident_id)
        async with self._db.reading() as session:
            rows = await session.scalars(query.limit(limit).offset(offset))
            return [_stored(r) for r in rows]
