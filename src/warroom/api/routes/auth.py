"""``/auth/token``: exchange an API key for a short-lived access token (JWT).

The key may come in the usual headers (``Authorization: Bearer wr_...`` or ``X-API-Key``) or
in the body, whole (``{"api_key": "wr_..."}``) or as its id and secret (``{"key_id":
"key_...", "secret": "..."}``). An access token cannot be exchanged for another one: only a
key can, so a leaked token dies when it expires. Every exchange is a write, so it is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from warroom.api.deps import StoreDep, authenticate, check_rate
from warroom.api.schemas import ErrorPublic
from warroom.api.security import security_of
from warroom.api.tokens import looks_like_jwt
from warroom.store import KeyRole
from warroom.store.access import KEY_PREFIX

router = APIRouter(prefix="/auth", tags=["auth"])

_bearer = HTTPBearer(auto_error=False, description="The API key to exchange: `Bearer wr_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key: `wr_...`")


class TokenRequest(BaseModel):
    """Give the key in the body (whole, or as id and secret) or in the usual headers."""

    api_key: str | None = Field(default=None, max_length=200, description="The whole key.")
    key_id: str | None = Field(default=None, max_length=64, description="e.g. key_3f9a1c2b7d4e")
    secret: str | None = Field(default=None, max_length=200, description="The part after it.")
    ttl_s: int | None = Field(
        default=None, ge=1, description="Ask for a shorter lifetime than the server's."
    )


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds from now.")
    expires_at: datetime
    key_id: str
    role: KeyRole


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "No key, or one that is not valid (an access token cannot be exchanged).",
        422: "The request does not have the expected shape.",
        429: "The key is over its rate limit; see Retry-After.",
    }
    return {code: {"model": ErrorPublic, "description": text[code]} for code in codes}


def _key_from_body(body: TokenRequest) -> str | None:
    if body.api_key:
        return body.api_key.strip()
    if body.key_id or body.secret:
        if not (body.key_id and body.secret):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail="expected both key_id and secret (or api_key alone); got only "
                f"{'key_id' if body.key_id else 'secret'}",
            )
        ident = body.key_id.strip().removeprefix("key_")
        return f"{KEY_PREFIX}{ident}_{body.secret.strip()}"
    return None


@router.post("/token", operation_id="auth_token", responses=_errors(401, 422, 429))
async def issue_token(
    request: Request,
    store: StoreDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
    body: TokenRequest | None = None,
) -> TokenPublic:
    """An access token carrying the key's role, valid for minutes (``expires_in``); send it
    as ``Authorization: Bearer <token>`` wherever a key is accepted."""
    plaintext = _key_from_body(body) if body is not None else None
    if plaintext is None:
        plaintext = bearer.credentials if bearer is not None else header
    if plaintext and looks_like_jwt(plaintext):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="expected an API key (wr_...), got an access token; tokens cannot be "
            "renewed with themselves, exchange the key again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    security = security_of(request)
    key = await authenticate(store, plaintext)
    request.state.api_key = key
    check_rate(security, key)
    token, claims = security.tokens.issue(
        key_id=key.id,
        key_name=key.name,
        role=key.role,
        ttl_s=body.ttl_s if body is not None else None,
    )
    request.state.resource_id = key.id
    return TokenPublic(
        access_token=token,
        expires_in=max(0, int(claims.expires_at - claims.issued_at)),
        expires_at=datetime.fromtimestamp(claims.expires_at, UTC),
        key_id=key.id,
        role=key.role,
    )
