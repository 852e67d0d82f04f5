"""The app's security settings: token signing, rate limits and extra redaction patterns.

``create_app`` passes a ``SecurityOptions`` to ``install_security(app, options)``; routes and
dependencies read the result with ``security_of(connection)``. An app that never called
``install_security`` gets the defaults on first use (a random signing secret, the default
rate limit), so every app built by the factory is protected either way.

Where the JWT signing secret lives: ``SecurityOptions.jwt_secret`` when given (pass the same
one to every server process that must accept each other's tokens); otherwise it is generated
when the app is built and kept only in the app's memory, so tokens end with the process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI
from starlette.requests import HTTPConnection

from warroom.api.ratelimit import RateLimit, RateLimiter
from warroom.api.tokens import DEFAULT_TTL_S, TokenSigner
from warroom.ingest.redact import Redactor, set_default_redactor


@dataclass(frozen=True)
class SecurityOptions:
    """``jwt_secret``: HS256 secret (>= 32 bytes) or None for a random one per app;
    ``token_ttl_s``: the longest an access token lives; ``rate_limit``: per key, None = off;
    ``redact_patterns``: extra ``{kind: regex}`` masked in ingested telemetry and prompts
    (process-wide: ingest has no app to ask)."""

    jwt_secret: str | bytes | None = None
    token_ttl_s: float = DEFAULT_TTL_S
    rate_limit: RateLimit | None = field(default_factory=RateLimit)
    redact_patterns: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Security:
    options: SecurityOptions
    tokens: TokenSigner
    limiter: RateLimiter | None

    @classmethod
    def build(cls, options: SecurityOptions) -> Security:
        limiter = RateLimiter(options.rate_limit) if options.rate_limit is not None else None
        return cls(
            options=options,
            tokens=TokenSigner(options.jwt_secret, ttl_s=options.token_ttl_s),
            limiter=limiter,
        )


def install_security(app: FastAPI, options: SecurityOptions | None = None) -> Security:
    """Attach the security state to ``app``; raises ``ValueError`` for a bad secret,
    lifetime, limit or pattern (at build time, not on the first request)."""
    chosen = options or SecurityOptions()
    security = Security.build(chosen)
    if chosen.redact_patterns:
        set_default_redactor(Redactor(extra=chosen.redact_patterns))
    app.state.warroom_security = security
    return security


def security_of(connection: HTTPConnection) -> Security:
    """The app's security state, created with the defaults if the app has none yet."""
    state = connection.app.state
    security: Security | None = getattr(state, "warroom_security", None)
    if security is None:
        security = Security.build(SecurityOptions())
        state.warroom_security = security
    return security
