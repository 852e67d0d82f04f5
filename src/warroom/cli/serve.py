"""`warroom serve` (the HTTP API) and `warroom keys ...` (API keys).

`serve_app` and `keys_app` are Typer apps; the main CLI registers them.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from warroom.config import Settings
from warroom.store import ApiKeyInfo, KeyRole, NotFoundError, open_store

serve_app = typer.Typer(help="Run the HTTP API.", no_args_is_help=False)
keys_app = typer.Typer(help="API keys for the HTTP API.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@serve_app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the API (docs at /docs, OpenAPI at /openapi.json) until interrupted."""
    import uvicorn

    from warroom.api import create_app

    settings = Settings()
    factory = None
    if settings.broker_url:
        from warroom.runs.celery_runner import celery_runner_factory

        factory = celery_runner_factory(settings.broker_url, prefix=settings.broker_prefix)
    app = create_app(settings, runner_factory=factory)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="admin, responder or viewer")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")] = "",
) -> None:
    """Create an API key and print it. It is shown once: only its hash is stored."""
    allowed = tuple(r.value for r in KeyRole)
    if role not in allowed:
        raise typer.BadParameter(f"--role must be one of {', '.join(allowed)}, got '{role}'")

    async def create() -> tuple[ApiKeyInfo, str]:
        store = await open_store(Settings())
        try:
            return await store.create_api_key(role=role, name=name)
        finally:
            await store.close()

    info, secret = asyncio.run(create())
    err.print(f"created key {info.id} ({info.name}, role {info.role.value}); store it now:")
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """List keys (never their secrets)."""

    async def load() -> list[ApiKeyInfo]:
        store = await open_store(Settings())
        try:
            return await store.list_api_keys()
        finally:
            await store.close()

    table = Table(title="API keys")
    for column in ("id", "name", "role", "created", "last used", "revoked"):
        table.add_column(column)
    for key in asyncio.run(load()):
        table.add_row(
            key.id,
            key.name,
            key.role.value,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id, e.g. key_3f9a1c2b7d4e")],
) -> None:
    """Revoke a key; requests with it answer 401 from now on."""

    async def revoke() -> ApiKeyInfo:
        store = await open_store(Settings())
        try:
            return await store.revoke_api_key(key_id=key_id)
        finally:
            await store.close()

    try:
        info = asyncio.run(revoke())
    except NotFoundError as exc:
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from None
    err.print(f"revoked {info.id} ({info.name})")
