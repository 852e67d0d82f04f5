"""The app factory: ``create_app(settings)`` builds a FastAPI app; nothing runs at import.

The store opens when the app starts (lifespan) and closes when it stops; runs still going
at shutdown are cancelled and recorded as such.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

import warroom
from warroom.api.errors import install_error_handlers
from warroom.api.middleware import AuditMiddleware, BodyLimitMiddleware
from warroom.api.routes import (
    API_PREFIX,
    api_routers,
    approvals,
    auth,
    interventions,
    live,
    webhooks,
)
from warroom.api.security import SecurityOptions, install_security
from warroom.api.state import ApiState, Limits
from warroom.api.ui import mount_ui, ui_api_routers
from warroom.config import Settings
from warroom.runs import Broadcaster, InlineRunner, Runner
from warroom.store import BlobStore, Store, open_store

RunnerFactory = Callable[[Store, Broadcaster], Runner]

_DESCRIPTION = """\
Evidence-first root-cause analysis, argued out by a panel of agents.

Every route but `/api/v1/health` needs an API key (`Authorization: Bearer <key>` or
`X-API-Key: <key>`): viewers read, responders create incidents, upload and start or cancel
debates, admins also delete and manage keys. Create the first key with
`warroom keys create --role admin`.
"""


def create_app(
    settings: Settings,
    *,
    limits: Limits | None = None,
    runner_factory: RunnerFactory | None = None,
    security: SecurityOptions | None = None,
) -> FastAPI:
    """A FastAPI app over the store that ``settings`` names.

    ``limits`` sets the upload and body size limits (413 past them); ``runner_factory``
    chooses where runs execute (default: ``InlineRunner``, asyncio tasks in this process).
    """
    chosen = limits or Limits()
    make_runner: RunnerFactory = runner_factory or InlineRunner

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await open_store(settings)
        broadcaster = Broadcaster()
        runner = make_runner(store, broadcaster)
        app.state.warroom = ApiState(
            settings=settings,
            store=store,
            blobs=BlobStore(settings.blob_dir),
            broadcaster=broadcaster,
            runner=runner,
            limits=chosen,
        )
        try:
            yield
        finally:
            await runner.shutdown()
            await store.close()

    app = FastAPI(
        title="warroom",
        version=warroom.__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    if security is None and settings.jwt_secret is not None:
        security = SecurityOptions(jwt_secret=settings.jwt_secret.get_secret_value())
    install_security(app, security)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    for router in (auth.router, webhooks.router, interventions.router, approvals.router):
        app.include_router(router, prefix=API_PREFIX)
    for router in ui_api_routers():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(live.router)
    mount_ui(app)
    # Added last = outermost: the audit sees every write, including ones refused as too large.
    app.add_middleware(BodyLimitMiddleware, limits=chosen)
    app.add_middleware(AuditMiddleware)
    return app
