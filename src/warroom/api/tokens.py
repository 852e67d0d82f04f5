"""Short-lived access tokens (JWT, HS256) issued in exchange for an API key.

A caller may rely on: a token names the key it was issued for (``sub``), that key's role and
name, when it was issued and when it expires; ``verify`` accepts only tokens this signer made
(same secret, HS256, issuer ``warroom``) that have not expired, and raises ``TokenRejected``
with a reason a person can read otherwise. The secret is never logged or returned.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from warroom.store import KeyRole

ALGORITHM = "HS256"
ISSUER = "warroom"
# HS256 wants a secret at least as long as its 256-bit output.
MIN_SECRET_BYTES = 32
DEFAULT_TTL_S = 15 * 60
MAX_TTL_S = 24 * 3600


class TokenRejected(Exception):
    """The token is expired, forged, malformed or not one of ours; ``str()`` says which."""


@dataclass(frozen=True)
class TokenClaims:
    key_id: str
    key_name: str
    role: KeyRole
    issued_at: float
    expires_at: float


def looks_like_jwt(credential: str) -> bool:
    """Three dot-separated parts starting ``eyJ`` (a JSON header); API keys start ``wr_``."""
    return credential.startswith("eyJ") and credential.count(".") == 2


class TokenSigner:
    """Issues and verifies tokens with one secret.

    ``secret``: at least 32 bytes; None generates a random one, so tokens stop working when
    the process restarts and are not shared between processes (pass the same secret to every
    worker to share them). ``clock`` is a seam for tests.
    """

    def __init__(
        self,
        secret: str | bytes | None = None,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        if raw is None:
            raw = secrets.token_bytes(MIN_SECRET_BYTES)
        if len(raw) < MIN_SECRET_BYTES:
            raise ValueError(
                f"the JWT signing secret must be at least {MIN_SECRET_BYTES} bytes, got "
                f"{len(raw)}; generate one with `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`"
            )
        if not 0 < ttl_s <= MAX_TTL_S:
            raise ValueError(f"the token lifetime must be in (0, {MAX_TTL_S}] s, got {ttl_s}")
        self._secret = raw
        self.ttl_s = float(ttl_s)
        self._clock = clock

    def issue(
        self, *, key_id: str, key_name: str, role: KeyRole, ttl_s: float | None = None
    ) -> tuple[str, TokenClaims]:
        """A signed token for the key, valid ``ttl_s`` (at most the signer's own lifetime)."""
        lifetime = self.ttl_s if ttl_s is None else min(float(ttl_s), self.ttl_s)
        now = self._clock()
        claims = TokenClaims(key_id, key_name, role, now, now + lifetime)
        payload = {
            "iss": ISSUER,
            "sub": key_id,
            "name": key_name,
            "role": role.value,
            "iat": int(now),
            "exp": int(claims.expires_at),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), claims

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; raises ``TokenRejected`` saying why it is not acceptable."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_iat": False},
                # Our own clock decides expiry (tests move it); PyJWT's check uses time.time().
                leeway=0,
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected(
                "the access token has expired; exchange your API key for a new one at "
                "POST /api/v1/auth/token"
            ) from None
        except jwt.InvalidSignatureError:
            raise TokenRejected(
                "the access token's signature does not match (forged, or issued by another "
                "server or before a restart); get a new one at POST /api/v1/auth/token"
            ) from None
        except jwt.InvalidTokenError as exc:
            raise TokenRejected(
                f"the access token is not valid ({exc}); get a new one at POST /api/v1/auth/token"
            ) from None
        expires_at = float(payload["exp"])
        if expires_at <= self._clock():
            raise TokenRejected(
                "the access token has expired; exchange your API key for a new one at "
                "POST /api/v1/auth/token"
            )
        try:
            role = KeyRole(str(payload.get("role")))
        except ValueError:
            raise TokenRejected(
                f"the access token names an unknown role {payload.get('role')!r}; "
                "get a new one at POST /api/v1/auth/token"
            ) from None
        return TokenClaims(
            key_id=str(payload["sub"]),
            key_name=str(payload.get("name", "")),
            role=role,
            issued_at=float(payload["iat"]),
            expires_at=expires_at,
        )
