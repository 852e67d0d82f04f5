"""The built web UI, served at ``/`` by the API app, and the read-only routes only the UI needs.

``mount_ui(app)`` makes the UI the app's fallback: it answers only requests no route matched,
so every API route keeps its own 404 and 405 answers. For a GET or HEAD outside ``/api``,
``/ws``, ``/docs``, ``/redoc`` and ``/openapi.json``:

- a file of the build answers itself; files under ``/assets/`` have content hashes in their
  names and are cached for a year, everything else is revalidated (``no-cache``); a
  ``<file>.gz`` beside a file is sent instead to clients that accept gzip;
- a missing file under ``/assets/`` is a 404 (a stale page asking for an old bundle must not
  get HTML back as JavaScript);
- any other path answers ``index.html``: the UI routes in the browser (SPA fallback);
- without a build, a page says how to make one (503).

The build is ``ui_dist/`` beside this module, written by ``cd web && npm ci && npm run build``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from warroom.api.routes.ui_history import router as history_router
from warroom.api.routes.ui_incidents import router as incident_extras_router
from warroom.api.routes.ui_settings import router as settings_router
from warroom.api.routes.ui_stats import router as stats_router

UI_DIST = Path(__file__).with_name("ui_dist")
ASSETS_PREFIX = "/assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_RESERVED_TREES = ("/api", "/ws", "/docs", "/redoc")
_RESERVED_FILES = ("/openapi.json",)
_COMPRESSIBLE = {".js", ".css", ".html", ".svg", ".json", ".map", ".txt"}

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>warroom: UI not built</title>
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem}
code{background:#f2f2f2;padding:.15rem .35rem;border-radius:4px}</style></head>
<body><h1>UI not built</h1>
<p>The API is running, but the web UI has not been built on this machine.
Build it from the repository, then reload this page:</p>
<p><code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code></p>
<p>The API itself is at <a href="/docs">/docs</a>.</p></body></html>
"""


def ui_api_routers() -> list[APIRouter]:
    """Read-only routes the UI's pages need (mounted under ``/api/v1`` like the others)."""
    return [stats_router, history_router, incident_extras_router, settings_router]


def _reserved(path: str) -> bool:
    if path in _RESERVED_FILES:
        return True
    return any(path == tree or path.startswith(tree + "/") for tree in _RESERVED_TREES)


class UiFallback:
    """The ASGI app a router calls when no route matched: the UI, or ``not_found``."""

    def __init__(self, dist: Path, not_found: ASGIApp) -> None:
        self.dist = dist
        self.not_found = not_found

    def file_for(self, path: str) -> Path | None:
        """The build's file at URL ``path``, or None; never a file outside the build."""
        relative = path.lstrip("/")
        if not relative or "\x00" in relative:
            return None
        root = self.dist.resolve()
        candidate = (root / relative).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        return candidate if candidate.is_file() else None

    def response_for(self, path: str, accepts_gzip: bool) -> Response | None:
        index = self.dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT_PAGE, status_code=503)
        found = self.file_for(path)
        if found is not None:
            cache = IMMUTABLE if path.startswith(ASSETS_PREFIX) else REVALIDATE
            return _file_response(found, cache, accepts_gzip)
        if path.startswith(ASSETS_PREFIX):
            return None
        return _file_response(index, REVALIDATE, accepts_gzip)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or _reserved(path):
            await self.not_found(scope, receive, send)
            return
        accepts = dict(scope.get("headers") or []).get(b"accept-encoding", b"")
        response = self.response_for(path, b"gzip" in accepts.lower())
        if response is None:
            await self.not_found(scope, receive, send)
            return
        await response(scope, receive, send)


def _file_response(file: Path, cache: str, accepts_gzip: bool) -> FileResponse:
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": cache}
    zipped = file.with_name(file.name + ".gz")
    if file.suffix in _COMPRESSIBLE:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip and zipped.is_file():
            headers["Content-Encoding"] = "gzip"
            return FileResponse(zipped, media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers)


def mount_ui(app: FastAPI, dist: Path | None = None) -> None:
    """Serve the UI build in ``dist`` (default ``UI_DIST``) for requests no route matched."""
    current = app.router.default
    not_found = current.not_found if isinstance(current, UiFallback) else current
    app.router.default = UiFallback(dist or UI_DIST, not_found)
