"""``/keys`` and ``/audit``: API key management and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from warroom.api.deps import AdminKey, OffsetQuery, StoreDep
from warroom.api.routes.responses import errors
from warroom.api.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    ApiKeysPublic,
    AuditEntriesPublic,
)

router = APIRouter(tags=["keys"])


@router.post(
    "/keys",
    status_code=status.HTTP_201_CREATED,
    operation_id="keys_create",
    responses=errors(422),
)
async def create_key(
    body: ApiKeyCreate, request: Request, store: StoreDep, _key: AdminKey
) -> ApiKeyCreated:
    """Create a key; the answer holds the secret, which is never shown again."""
    info, secret = await store.create_api_key(role=body.role, name=body.name)
    request.state.resource_id = info.id
    return ApiKeyCreated(key=ApiKeyPublic(**info.model_dump()), secret=secret)


@router.get("/keys", operation_id="keys_list", responses=errors())
async def list_keys(store: StoreDep, _key: AdminKey) -> ApiKeysPublic:
    keys = [ApiKeyPublic(**k.model_dump()) for k in await store.list_api_keys()]
    return ApiKeysPublic(data=keys, count=len(keys))


@router.delete("/keys/{key_id}", operation_id="keys_revoke", responses=errors(404))
async def revoke_key(key_id: str, store: StoreDep, _key: AdminKey) -> ApiKeyPublic:
    """Revoke a key: it stops working at once. Revoking twice changes nothing."""
    return ApiKeyPublic(**(await store.revoke_api_key(key_id=key_id)).model_dump())


@router.get("/audit", operation_id="audit_list", responses=errors(422))
async def list_audit(
    store: StoreDep,
    _key: AdminKey,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: OffsetQuery = 0,
) -> AuditEntriesPublic:
    """The audit log of writes, oldest first."""
    entries, total = await store.list_audit(limit=limit, offset=offset)
    return AuditEntriesPublic(data=entries, count=total)
