"""ASGI middleware: the request body limit and the audit log of writes.

Both are plain ASGI (not ``BaseHTTPMiddleware``) so streamed responses pass through
untouched.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warroom.api.state import ApiState, Limits

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """Answers 413 when a request body passes its limit: at once when ``Content-Length``
    says so, otherwise as soon as the streamed body goes over."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or "").lower()
        multipart = content_type.startswith("multipart/")
        limit = self.limits.max_upload_request_bytes if multipart else self.limits.max_body_bytes
        what = "an upload" if multipart else "a request body"
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reply(send, 413, _too_large(what, int(declared), limit))
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE,
                        detail=_too_large(what, seen, limit, at_least=True),
                    )
            return message

        await self.app(scope, limited, send)


def _too_large(what: str, size: int, limit: int, *, at_least: bool = False) -> str:
    amount = f"at least {size}" if at_least else str(size)
    return (
        f"{what} may be at most {limit} bytes, this one is {amount} bytes; "
        "split it into smaller files or ask the operator to raise the limit"
    )


async def _reply(send: Send, code: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AuditMiddleware:
    """Appends one audit entry per write request under ``/api/``: who (the key, when it was
    valid), what (method, path, resource id), when, from where, and the status answered.
    Rejected writes are recorded too; a failure to record is logged, never raised."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        status_code = 500

        async def watch(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            await self._record(scope, status_code)

    async def _record(self, scope: Scope, status_code: int) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        key = state.get("api_key")
        params: dict[str, Any] = scope.get("path_params") or {}
        resource = state.get("resource_id") or next(iter(params.values()), None)
        client = scope.get("client")
        try:
            api: ApiState = scope["app"].state.warroom
            await api.store.append_audit(
                key_id=getattr(key, "id", None),
                key_name=getattr(key, "name", None),
                method=scope["method"],
                path=scope["path"],
                resource_id=str(resource) if resource is not None else None,
                status_code=status_code,
                client=f"{client[0]}:{client[1]}" if client else None,
            )
        except Exception:
            log.exception(
                "could not append the audit entry for %s %s", scope["method"], scope["path"]
            )
