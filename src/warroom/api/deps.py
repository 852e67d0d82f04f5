"""Dependencies, as ``Annotated`` aliases a route names in its signature.

``StoreDep``, ``StateDep``: the app's store and state. ``CurrentKey`` (any valid key),
``ResponderKey`` and ``AdminKey``: the caller's API key, checked for the role; a missing or
unknown key answers 401, a key without the role 403. The key is also left on
``request.state.api_key`` for the audit log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from warroom.api.state import ApiState
from warroom.store import ApiKeyInfo, KeyRole, Store

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer wr_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key: `wr_...`")


def get_state(connection: HTTPConnection) -> ApiState:
    state: ApiState = connection.app.state.warroom
    return state


def get_store(connection: HTTPConnection) -> Store:
    return get_state(connection).store


StateDep = Annotated[ApiState, Depends(get_state)]
StoreDep = Annotated[Store, Depends(get_store)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def authenticate(store: Store, plaintext: str | None) -> ApiKeyInfo:
    """The key's record; raises 401 when it is missing, unknown or revoked."""
    if not plaintext:
        raise _unauthorized(
            "expected an API key in 'Authorization: Bearer <key>' or 'X-API-Key: <key>'; "
            "create one with `warroom keys create --role viewer`"
        )
    key = await store.verify_api_key(plaintext=plaintext)
    if key is None:
        raise _unauthorized(
            "the API key is not valid (unknown, revoked or mistyped); ask an admin for a new one"
        )
    return key


def authorize(key: ApiKeyInfo, needed: KeyRole) -> None:
    """Raise 403 unless ``key``'s role includes ``needed``."""
    if not key.role.allows(needed):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"this needs a key with role {needed.value} or higher; "
            f"key {key.id} ({key.name}) has role {key.role.value}",
        )


def require(needed: KeyRole) -> Callable[..., Awaitable[ApiKeyInfo]]:
    async def dependency(
        request: Request,
        store: StoreDep,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header: Annotated[str | None, Depends(_header)],
    ) -> ApiKeyInfo:
        plaintext = bearer.credentials if bearer is not None else header
        key = await authenticate(store, plaintext)
        request.state.api_key = key
        authorize(key, needed)
        return key

    return dependency


CurrentKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.VIEWER))]
ResponderKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.RESPONDER))]
AdminKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.ADMIN))]
