"""Dependencies, as ``Annotated`` aliases a route names in its signature.

``StoreDep``, ``StateDep``: the app's store and state. ``CurrentKey`` (any valid key),
``ResponderKey`` and ``AdminKey``: the caller's API key, checked for the role; a missing or
unknown key answers 401, a key without the role 403. The key is also left on
``request.state.api_key`` for the audit log.

Wherever an API key is accepted, so is an access token from ``POST /api/v1/auth/token``
(``Authorization: Bearer <jwt>``): it acts with its key's role, and answers 401 once it has
expired, when it was not signed by this app, or when its key has been revoked. Each key's
requests are rate limited (``api.ratelimit``): past the limit the answer is 429 with
``Retry-After``.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from warroom.api.security import Security, security_of
from warroom.api.state import ApiState
from warroom.api.tokens import TokenRejected, TokenSigner, looks_like_jwt
from warroom.store import ApiKeyInfo, KeyRole, Store

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key (`Authorization: Bearer wr_...`) or an access token from "
    "`POST /api/v1/auth/token`",
)
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key: `wr_...`")


def state_of(connection: HTTPConnection) -> ApiState:
    state: ApiState = connection.app.state.warroom
    return state


# Async on purpose: FastAPI runs a plain-function dependency in a worker thread per request.
async def get_state(connection: HTTPConnection) -> ApiState:
    return state_of(connection)


async def get_store(connection: HTTPConnection) -> Store:
    return state_of(connection).store


StateDep = Annotated[ApiState, Depends(get_state)]
StoreDep = Annotated[Store, Depends(get_store)]

# The largest integer SQL databases store (SQLite and PostgreSQL BIGINT): a larger paging
# value would fail in the database (a 500), so it is refused at the door (a 422).
MAX_SQL_INT = 2**63 - 1
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_SQL_INT, description="Rows to skip.")]
EventLimitQuery = Annotated[int, Query(ge=1, le=5000, description="Events per page.")]
AfterSeqQuery = Annotated[
    int, Query(ge=-1, le=MAX_SQL_INT, description="Only events with seq > after.")
]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def authenticate(
    store: Store, plaintext: str | None, *, tokens: TokenSigner | None = None
) -> ApiKeyInfo:
    """The key's record; raises 401 when it is missing, unknown or revoked. With ``tokens``,
    an access token is accepted too (see ``key_of_token``)."""
    if not plaintext:
        raise _unauthorized(
            "expected an API key in 'Authorization: Bearer <key>' or 'X-API-Key: <key>'; "
            "create one with `warroom keys create --role viewer`"
        )
    if tokens is not None and looks_like_jwt(plaintext):
        return await key_of_token(store, tokens, plaintext)
    key = await store.verify_api_key(plaintext=plaintext)
    if key is None:
        raise _unauthorized(
            "the API key is not valid (unknown, revoked or mistyped); ask an admin for a new one"
        )
    return key


async def key_of_token(store: Store, tokens: TokenSigner, token: str) -> ApiKeyInfo:
    """The record of the key an access token was issued for, acting with the token's role;
    401 when the token is expired or forged, or its key is gone or revoked."""
    try:
        claims = tokens.verify(token)
    except TokenRejected as exc:
        raise _unauthorized(str(exc)) from None
    # A short-lived token must still die with its key: revocation is checked every time.
    key = next((k for k in await store.list_api_keys() if k.id == claims.key_id), None)
    if key is None or key.revoked_at is not None:
        raise _unauthorized(
            f"the access token was issued for key {claims.key_id}, which has been revoked or "
            "deleted; ask an admin for a new key"
        )
    return key.model_copy(update={"role": claims.role})


def check_rate(security: Security, key: ApiKeyInfo) -> None:
    """Raise 429 with ``Retry-After`` when ``key`` is past its rate limit."""
    if security.limiter is None:
        return
    wait_s = security.limiter.take(key.id)
    if wait_s is not None:
        limit = security.limiter.limit
        retry_after = max(1, math.ceil(wait_s))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"key {key.id} ({key.name}) is over its rate limit of {limit.per_minute:g} "
            f"requests a minute (bursts of {limit.burst}); retry in {retry_after} s, or ask "
            "the operator for a higher limit",
            headers={"Retry-After": str(retry_after)},
        )


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
        security = security_of(request)
        key = await authenticate(store, plaintext, tokens=security.tokens)
        request.state.api_key = key
        check_rate(security, key)
        authorize(key, needed)
        return key

    return dependency


CurrentKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.VIEWER))]
ResponderKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.RESPONDER))]
AdminKey = Annotated[ApiKeyInfo, Depends(require(KeyRole.ADMIN))]
