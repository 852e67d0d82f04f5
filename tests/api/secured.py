"""An app with the auth route and chosen security options, as ``create_app`` will wire it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute

from warroom.api import create_app
from warroom.api.routes import API_PREFIX, auth
from warroom.api.security import SecurityOptions, install_security
from warroom.config import Settings

TOKEN_PATH = f"{API_PREFIX}/auth/token"


def secured_app(settings: Settings, options: SecurityOptions | None = None) -> FastAPI:
    app = create_app(settings)
    install_security(app, options)
    if not any(isinstance(r, APIRoute) and r.path == TOKEN_PATH for r in app.routes):
        app.include_router(auth.router, prefix=API_PREFIX)
    return app
