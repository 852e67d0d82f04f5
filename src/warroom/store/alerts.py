"""Alerts from webhooks: deduplicated by fingerprint, grouped into incidents; webhook secrets.

``ingest_alerts`` records a webhook request's alerts: a repeat of a known alert bumps its
count and last-seen time; a firing alert joins the incident its group (same ``group_key``)
opened within ``group_window``, or opens a new incident; a resolved alert is recorded (and
closes nothing: incidents have no state to close).

Concurrent requests are group-committed (``store.batching``): one writer applies the
requests queued meanwhile in one transaction, in arrival order, and each request gets its
own outcomes, exactly as if it had been written alone. A request whose batch fails is
retried alone, so a bad request fails only itself.

Webhook secrets are verified against an in-process copy of the unrevoked ones, read again
at most ``SECRET_CACHE_S`` after the last read: a secret created or revoked through this
store counts at once, one revoked by another process at most that long after.

Alert text is masked (``ingest.redact``) before it is stored: name, summary, label and
annotation values, the source URL; a fingerprint or group key that masking would change is
stored masked with a hash of the original appended, so distinct alerts stay distinct.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from warroom.domain import Incident, TimeWindow
from warroom.domain.incident import new_id, utcnow
from warroom.ingest.alerts import Alert, AlertStatus
from warroom.ingest.redact import Redactor, default_redactor
from warroom.store.alert_tables import AlertRow, WebhookSecretRow
from warroom.store.batching import GroupCommit
from warroom.store.columns import require_aware
from warroom.store.database import Repository
from warroom.store.errors import NotFoundError, StoreInputError
from warroom.store.incidents import check_page, incident_row

WEBHOOK_PREFIX = "whk_"
DEFAULT_GROUP_WINDOW = timedelta(minutes=30)
DEFAULT_INCIDENT_WINDOW = timedelta(minutes=30)
# Alerts per group-committed transaction; a bigger request is a batch of its own.
MAX_BATCH_ALERTS = 1000
# How long the in-process copy of the unrevoked webhook secrets is trusted.
SECRET_CACHE_S = 2.0
# Incident metadata key: the sender asked for a debate, to start once telemetry arrives.
AUTO_INVESTIGATE = "auto_investigate"


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


def _masked_value(redactor: Redactor, name: str, value: str) -> str:
    """``value`` masked in the context of its name, so ``password: x`` loses ``x``."""
    masked = redactor.text(f"{name}={value}")
    prefix = f"{name}="
    return masked[len(prefix) :] if masked.startswith(prefix) else redactor.text(value)


def _masked_key(redactor: Redactor, value: str) -> str:
    masked = redactor.text(value)
    if masked == value:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return f"{masked}#{digest}"


def _masked_map(redactor: Redactor, values: Mapping[str, str]) -> dict[str, str]:
    return {k: _masked_value(redactor, k, v) for k, v in values.items()}


def masked_alert(alert: Alert, redactor: Redactor | None = None) -> Alert:
    """``alert`` with secrets and personal data masked in every text it carries (see the
    module docstring); the default redactor unless one is given."""
    mask = redactor or default_redactor()
    return alert.model_copy(
        update={
            "fingerprint": _masked_key(mask, alert.fingerprint)[:255],
            "group_key": _masked_key(mask, alert.group_key)[:512],
            "name": mask.text(alert.name),
            "service": mask.text(alert.service) if alert.service else alert.service,
            "labels": _masked_map(mask, alert.labels),
            "annotations": _masked_map(mask, alert.annotations),
            "summary": mask.text(alert.summary),
            "url": mask.text(alert.url) if alert.url else alert.url,
        }
    )


@dataclass(frozen=True)
class AlertRequest:
    """One webhook request's alerts (already masked) and how to group them."""

    alerts: Sequence[Alert]
    now: datetime
    group_window: timedelta = DEFAULT_GROUP_WINDOW
    incident_window: timedelta = DEFAULT_INCIDENT_WINDOW
    investigate: bool = False


def incident_from_alert(alert: Alert, window: timedelta, *, investigate: bool = False) -> Incident:
    """The incident an alert opens. The alert goes into ``metadata.alert`` as data (it
    becomes alert evidence when investigated), with the service under ``labels.service``.
    ``investigate``: the sender asked for a debate (``metadata.auto_investigate``), which
    starts when telemetry is uploaded."""
    labels = dict(alert.labels)
    if alert.service:
        labels["service"] = alert.service
    where = f" on {alert.service}" if alert.service else ""
    extra: dict[str, Any] = {AUTO_INVESTIGATE: True} if investigate else {}
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
            **extra,
        },
    )


@dataclass(frozen=True)
class _Newest:
    """A group's newest alert row that belongs to an incident."""

    row_id: str
    last_seen: datetime
    incident_id: str


def _newest_query(group_key: str, since: datetime | None) -> Any:
    query = select(AlertRow.group_key, AlertRow.id, AlertRow.last_seen, AlertRow.incident_id).where(
        AlertRow.group_key == group_key, AlertRow.incident_id.is_not(None)
    )
    if since is not None:
        query = query.where(AlertRow.last_seen >= since)
    # The id breaks ties (alerts of one request share their last-seen time), the same way
    # ``_GroupIndex.touched`` does.
    return query.order_by(AlertRow.last_seen.desc(), AlertRow.id.desc()).limit(1)


async def _newest_by_group(
    session: AsyncSession, keys: Sequence[str], since: datetime
) -> dict[str, _Newest | None]:
    """For each group key, its newest row with an incident seen since ``since`` (or None):
    one statement per 128 keys, each key an index lookup. The number of keys in a statement
    is padded to a power of two (repeating the last one), so a handful of statement shapes
    serve every batch from SQLAlchemy's compiled cache."""
    found: dict[str, _Newest | None] = dict.fromkeys(keys)
    for start in range(0, len(keys), 128):
        chunk = list(keys[start : start + 128])
        chunk += [chunk[-1]] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))
        parts = [select(_newest_query(k, since).subquery()) for k in chunk]
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        for key, row_id, last_seen, incident_id in await session.execute(query):
            found[key] = _Newest(row_id, last_seen, incident_id)
    return found


class _GroupIndex:
    """The incident each group key leads to, as the transaction sees it: read for the whole
    batch at once, kept up to date as its alerts change rows, read again for a group
    whose newest row stopped qualifying (left the group or lost its incident)."""

    def __init__(self, newest: dict[str, _Newest | None]) -> None:
        self._newest = newest
        self._stale: set[str] = set()

    async def incident(
        self, session: AsyncSession, group_key: str, now: datetime, window: timedelta
    ) -> str | None:
        if group_key in self._stale or group_key not in self._newest:
            found = (await session.execute(_newest_query(group_key, None))).first()
            self._newest[group_key] = _Newest(found[1], found[2], found[3]) if found else None
            self._stale.discard(group_key)
        newest = self._newest[group_key]
        if newest is None or newest.last_seen < now - window:
            return None
        return newest.incident_id

    def touched(self, row: AlertRow, before: tuple[str, str | None] | None) -> None:
        """``row`` was written; ``before``: its group key and incident until then."""
        if before is not None:
            held = self._newest.get(before[0])
            if held is not None and held.row_id == row.id:
                moved = before[0] != row.group_key or row.incident_id is None
                if moved or row.last_seen < held.last_seen:
                    self._stale.add(before[0])  # the next newest is not known here
        if row.incident_id is None or row.group_key in self._stale:
            return
        held = self._newest.get(row.group_key)
        if (
            held is None
            or held.row_id == row.id
            or (row.last_seen, row.id) > (held.last_seen, held.row_id)
        ):
            self._newest[row.group_key] = _Newest(row.id, row.last_seen, row.incident_id)


@dataclass(frozen=True)
class _Secrets:
    """The unrevoked webhook secrets as read at ``read_at`` (monotonic): info and token."""

    by_id: dict[str, tuple[WebhookSecretInfo, str]]
    read_at: float


class AlertRepository(Repository):
    _secrets: _Secrets | None = None

    async def _live_secrets(self) -> dict[str, tuple[WebhookSecretInfo, str]]:
        cached = self._secrets
        if cached is not None and time.monotonic() - cached.read_at < SECRET_CACHE_S:
            return cached.by_id
        read_at = time.monotonic()
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(WebhookSecretRow).where(WebhookSecretRow.revoked_at.is_(None))
            )
            by_id = {r.id: (_secret_info(r), _token(r)) for r in rows}
        self._secrets = _Secrets(by_id, read_at)
        return by_id

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
        self._secrets = None
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
            info = _secret_info(row)
        self._secrets = None
        return info

    async def verify_webhook_token(self, *, token: str) -> WebhookSecretInfo | None:
        """The secret's record when ``token`` is a valid, unrevoked webhook token."""
        if not token.startswith(WEBHOOK_PREFIX):
            return None
        ident, sep, _ = token[len(WEBHOOK_PREFIX) :].partition("_")
        if not sep:
            return None
        found = (await self._live_secrets()).get(f"whs_{ident}")
        if found is None:
            return None
        info, expected = found
        return info if hmac.compare_digest(expected.encode(), token.encode()) else None

    async def verify_webhook_signature(
        self, *, body: bytes, signature_hex: str
    ) -> WebhookSecretInfo | None:
        """The unrevoked secret whose HMAC-SHA256 of ``body`` equals ``signature_hex``."""
        wanted = signature_hex.strip().lower()
        for info, token in (await self._live_secrets()).values():
            mac = hmac.new(token.encode(), body, "sha256").hexdigest()
            if hmac.compare_digest(mac, wanted):
                return info
        return None

    _alert_commits: GroupCommit[AlertRequest, list[AlertOutcome]] | None = None

    async def ingest_alerts(
        self,
        *,
        alerts: Sequence[Alert],
        now: datetime | None = None,
        group_window: timedelta = DEFAULT_GROUP_WINDOW,
        incident_window: timedelta = DEFAULT_INCIDENT_WINDOW,
        investigate: bool = False,
    ) -> list[AlertOutcome]:
        """Record a request's alerts, masked; one outcome per alert, in order.

        Group-committed with concurrent calls (module docstring). ``investigate`` marks the
        incidents the request opens with ``metadata.auto_investigate``.
        """
        moment = now or utcnow()
        require_aware("now", moment)
        if group_window <= timedelta(0):
            raise StoreInputError(f"group_window must be positive, got {group_window}")
        if not alerts:
            return []
        redactor = default_redactor()
        request = AlertRequest(
            alerts=[masked_alert(a, redactor) for a in alerts],
            now=moment,
            group_window=group_window,
            incident_window=incident_window,
            investigate=investigate,
        )
        if self._alert_commits is None:
            self._alert_commits = GroupCommit(
                self.ingest_alert_requests,
                max_weight=MAX_BATCH_ALERTS,
                weight=lambda r: len(r.alerts),
            )
        return await self._alert_commits.submit(request)

    async def ingest_alert_requests(
        self, requests: Sequence[AlertRequest]
    ) -> list[list[AlertOutcome]]:
        """Several requests' alerts (masked already) in one transaction, in order; the
        outcomes of each request. ``ingest_alerts`` is the caller-facing entry."""
        results: list[list[AlertOutcome]] = []
        async with self._db.writing() as session:
            fingerprints = list(dict.fromkeys(a.fingerprint for r in requests for a in r.alerts))
            known: dict[str, AlertRow] = {}
            for start in range(0, len(fingerprints), 500):
                chunk = fingerprints[start : start + 500]
                rows = await session.scalars(
                    select(AlertRow).where(AlertRow.fingerprint.in_(chunk))
                )
                known.update({r.fingerprint: r for r in rows})
            since = min(r.now - r.group_window for r in requests)
            keys = list(dict.fromkeys(a.group_key for r in requests for a in r.alerts))
            groups = _GroupIndex(await _newest_by_group(session, keys, since))
            for request in requests:
                outcomes = []
                for alert in request.alerts:
                    outcomes.append(await self._ingest_one(session, alert, known, groups, request))
                results.append(outcomes)
        return results

    async def _ingest_one(
        self,
        session: AsyncSession,
        alert: Alert,
        known: dict[str, AlertRow],
        groups: _GroupIndex,
        request: AlertRequest,
    ) -> AlertOutcome:
        now, group_window = request.now, request.group_window
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
            incident_id = await groups.incident(session, alert.group_key, now, group_window)
            if incident_id is None and firing:
                incident = incident_from_alert(
                    alert, request.incident_window, investigate=request.investigate
                )
                session.add(incident_row(incident))
                # No ORM relationship orders the inserts: the incident must exist first.
                await session.flush()
                incident_id, new_incident = incident.id, True
        before = (row.group_key, row.incident_id) if row is not None else None
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
        groups.touched(row, before)
        return AlertOutcome(
            alert_id=row.id,
            fingerprint=alert.fingerprint,
            status=alert.status,
            incident_id=incident_id,
            duplicate=duplicate,
            new_incident=new_incident,
        )

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
