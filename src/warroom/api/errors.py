"""Exception handlers: every error answers ``{"detail": "<what was expected, what to do>"}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from warroom.store import (
    AlreadyExistsError,
    NotFoundError,
    RunStateError,
    StoreError,
    StoreInputError,
)

log = logging.getLogger(__name__)


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("body",)) or "body"


def validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:10]:
        got = error.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        parts.append(f"{_where(tuple(error.get('loc', ())))}: {error.get('msg', 'invalid')}{shown}")
    return "; ".join(parts) + "; see /docs for the expected shape"


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": validation_message(errors), "errors": _plain(errors)},
    )


def _plain(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))}
        for e in errors
    ]


_STORE_STATUS: list[tuple[type[StoreError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (AlreadyExistsError, status.HTTP_409_CONFLICT),
    (RunStateError, status.HTTP_409_CONFLICT),
    (StoreInputError, status.HTTP_422_UNPROCESSABLE_CONTENT),
]


async def _store_error(_: Request, exc: Exception) -> JSONResponse:
    code = next(
        (c for kind, c in _STORE_STATUS if isinstance(exc, kind)),
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
    return JSONResponse(status_code=code, content={"detail": str(exc)})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content={"detail": "internal error; the server log has the details, try again later"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Exception, _unexpected)
