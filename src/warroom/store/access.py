"""API keys, the audit log and approval requests.

A key's secret is shown once, when it is created; the store keeps only its sha256 (the
secret is 192 random bits, so a fast hash is enough). The audit log is append-only: there is
no method that changes or removes an entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select

from warroom.domain.incident import utcnow
from warroom.store.database import Repository
from warroom.store.errors import NotFoundError, RunStateError, StoreInputError, UnknownRunError
from warroom.store.incidents import check_page
from warroom.store.tables import ApiKeyRow, ApprovalRow, AuditRow, RunRow

KEY_PREFIX = "wr_"
# Stamping last use on every request would make every read a write; once a minute is enough.
_LAST_USED_EVERY = timedelta(minutes=1)


class KeyRole(StrEnum):
    """What a key may do; each role may do everything the roles before it may."""

    VIEWER = "viewer"
    RESPONDER = "responder"
    ADMIN = "admin"

    def allows(self, needed: KeyRole) -> bool:
        order = list(KeyRole)
        return order.index(self) >= order.index(needed)


class ApiKeyInfo(BaseModel):
    id: str
    name: str
    role: KeyRole
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class AuditEntry(BaseModel):
    id: int
    at: datetime
    key_id: str | None
    key_name: str | None
    method: str
    path: str
    resource_id: str | None
    status_code: int
    client: str | None


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class Approval(BaseModel):
    id: str
    run_id: str | None
    action: str
    payload: dict[str, Any]
    status: ApprovalStatus
    requested_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _key(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        name=row.name,
        role=KeyRole(row.role),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _audit(row: AuditRow) -> AuditEntry:
    return AuditEntry.model_validate(row, from_attributes=True)


def _approval(row: ApprovalRow) -> Approval:
    return Approval.model_validate(row, from_attributes=True)


def split_key(plaintext: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a key in the ``wr_<id>_<secret>`` form, or None."""
    if not plaintext.startswith(KEY_PREFIX):
        return None
    ident, sep, secret = plaintext[len(KEY_PREFIX) :].partition("_")
    if not sep or not ident or not secret:
        return None
    return f"key_{ident}", secret


class AccessRepository(Repository):
    async def create_api_key(
        self, *, role: KeyRole | str, name: str = ""
    ) -> tuple[ApiKeyInfo, str]:
        """Create a key; return its record and the plaintext key, which is never stored."""
        try:
            key_role = KeyRole(str(role))
        except ValueError:
            allowed = ", ".join(r.value for r in KeyRole)
            raise StoreInputError(f"role must be one of {allowed}, got {role!r}") from None
        ident = secrets.token_hex(6)
        secret = secrets.token_hex(24)
        row = ApiKeyRow(
            id=f"key_{ident}",
            name=name.strip() or f"{key_role.value}-{ident}",
            role=key_role.value,
            secret_sha256=_sha256(secret),
            created_at=utcnow(),
            last_used_at=None,
            revoked_at=None,
        )
        async with self._db.writing() as session:
            session.add(row)
        return _key(row), f"{KEY_PREFIX}{ident}_{secret}"

    async def verify_api_key(self, *, plaintext: str) -> ApiKeyInfo | None:
        """The key's record when ``plaintext`` is a valid, unrevoked key; otherwise None."""
        parts = split_key(plaintext.strip())
        if parts is None:
            return None
        key_id, secret = parts
        async with self._db.reading() as session:
            row = await session.get(ApiKeyRow, key_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.secret_sha256, _sha256(secret)):
                return None
            info = _key(row)
        now = utcnow()
        if info.last_used_at is None or now - info.last_used_at > _LAST_USED_EVERY:
            async with self._db.writing() as session:
                stored = await session.get(ApiKeyRow, key_id)
                if stored is not None:
                    stored.last_used_at = now
            info.last_used_at = now
        return info

    async def list_api_keys(self) -> list[ApiKeyInfo]:
        async with self._db.reading() as session:
            rows = await session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))
            return [_key(r) for r in rows]

    async def revoke_api_key(self, *, key_id: str) -> ApiKeyInfo:
        """Revoke a key (idempotent); raises ``NotFoundError`` for an unknown id."""
        async with self._db.writing() as session:
            row = await session.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFoundError(f"no API key with id {key_id!r}; list keys to find the id")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            return _key(row)

    async def append_audit(
        self,
        *,
        key_id: str | None,
        key_name: str | None,
        method: str,
        path: str,
        resource_id: str | None,
        status_code: int,
        client: str | None,
    ) -> AuditEntry:
        """Append one entry, stamped now; entries are never changed afterwards."""
        row = AuditRow(
            at=utcnow(),
            key_id=key_id,
            key_name=key_name,
            method=method.upper(),
            path=path,
            resource_id=resource_id,
            status_code=status_code,
            client=client,
        )
        async with self._db.writing() as session:
            session.add(row)
            await session.flush()
            return _audit(row)

    async def list_audit(
        self, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditEntry], int]:
        """One page of the audit log, oldest first, and the number of entries."""
        check_page(limit, offset)
        async with self._db.reading() as session:
            total = await session.scalar(select(func.count()).select_from(AuditRow))
            rows = await session.scalars(
                select(AuditRow).order_by(AuditRow.id).limit(limit).offset(offset)
            )
            return [_audit(r) for r in rows], int(total or 0)

    async def request_approval(
        self, *, run_id: str | None, action: str, payload: dict[str, Any] | None = None
    ) -> Approval:
        """Record a pending request to do ``action``; raises ``UnknownRunError``."""
        if not action.strip():
            raise StoreInputError("action must say what would be done, e.g. 'rollback payment'")
        row = ApprovalRow(
            id=f"apr_{secrets.token_hex(6)}",
            run_id=run_id,
            action=action,
            payload=dict(payload or {}),
            status=ApprovalStatus.PENDING.value,
            requested_at=utcnow(),
        )
        async with self._db.writing() as session:
            if run_id is not None and await session.get(RunRow, run_id) is None:
                raise UnknownRunError(run_id)
            session.add(row)
            await session.flush()
            return _approval(row)

    async def decide_approval(
        self, *, approval_id: str, approved: bool, decided_by: str, reason: str | None = None
    ) -> Approval:
        """Grant or deny a pending request; a decided request raises ``RunStateError``."""
        async with self._db.writing() as session:
            row = await session.get(ApprovalRow, approval_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no approval request with id {approval_id!r}")
            if row.status != ApprovalStatus.PENDING.value:
                raise RunStateError(
                    f"approval {approval_id} was already {row.status}; request a new one"
                )
            row.status = (ApprovalStatus.APPROVED if approved else ApprovalStatus.DENIED).value
            row.decided_at = utcnow()
            row.decided_by = decided_by
            row.reason = reason
            return _approval(row)

    async def get_approval(self, *, approval_id: str) -> Approval | None:
        async with self._db.reading() as session:
            row = await session.get(ApprovalRow, approval_id)
            return _approval(row) if row else None
