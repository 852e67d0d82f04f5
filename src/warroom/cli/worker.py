"""`warroom worker`: a Celery worker that executes runs sent by an API using ``CeleryRunner``.

The worker reads its store and model settings from the environment like every other
command (``WARROOM_DATABASE_URL``, ``WARROOM_DATA_DIR`` for blobs, ``WARROOM_LLM_*``); the
broker, prefix and lease come from the options below and must match the API's runner.
Register with ``app.command("worker")(worker)``; ``python -m warroom.cli.worker`` runs it too.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from warroom.config import Settings
from warroom.runs.celery_app import (
    DEFAULT_RESTORE_INTERVAL_S,
    DEFAULT_VISIBILITY_TIMEOUT_S,
    make_celery,
    queue_name,
)
from warroom.store import open_store


async def _migrate(settings: Settings) -> None:
    store = await open_store(settings)
    await store.close()


def worker(
    broker: Annotated[
        str | None,
        typer.Option(
            help="Celery broker URL, e.g. redis://127.0.0.1:6379/0 [default: WARROOM_BROKER_URL]."
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(min=1, help="Runs executed at the same time (worker processes).")
    ] = 2,
    pool: Annotated[
        str, typer.Option(help="Celery pool: prefork (processes), solo (one run) or threads.")
    ] = "prefork",
    redis: Annotated[
        str | None,
        typer.Option(help="Redis URL for leases, cancel flags and live events [default: broker]."),
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            help="Key and queue prefix; the same as the API's [default: WARROOM_BROKER_PREFIX]."
        ),
    ] = None,
    lease_s: Annotated[
        float,
        typer.Option(min=1.0, help="Lease time to live: a dead worker's run waits this long."),
    ] = 30.0,
    visibility_timeout_s: Annotated[
        float,
        typer.Option(min=1.0, help="Seconds before an unacknowledged run is delivered again."),
    ] = DEFAULT_VISIBILITY_TIMEOUT_S,
    restore_interval_s: Annotated[
        float, typer.Option(min=0.5, help="How often unacknowledged runs are looked for.")
    ] = DEFAULT_RESTORE_INTERVAL_S,
    loglevel: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    hostname: Annotated[
        str | None, typer.Option(help="Worker name (default: celery's, from the host).")
    ] = None,
) -> None:
    """Execute runs from the broker until interrupted (Ctrl-C finishes the runs under way)."""
    if pool not in ("prefork", "solo", "threads"):
        raise typer.BadParameter(f"--pool must be prefork, solo or threads, got '{pool}'")
    settings = Settings()
    broker = broker or settings.broker_url
    prefix = prefix or settings.broker_prefix
    if not broker:
        raise typer.BadParameter(
            "give --broker or set WARROOM_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"
        )
    # Migrate once here rather than in every task: tasks open the store without migrating.
    asyncio.run(_migrate(settings))
    app = make_celery(
        broker,
        prefix=prefix,
        redis_url=redis,
        lease_ttl_s=lease_s,
        visibility_timeout_s=visibility_timeout_s,
        restore_interval_s=restore_interval_s,
    )
    argv = [
        "worker",
        f"--concurrency={concurrency}",
        f"--pool={pool}",
        f"--loglevel={loglevel.upper()}",
        f"--queues={queue_name(prefix)}",
        "--without-mingle",
        "--without-gossip",
    ]
    if hostname:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv)


if __name__ == "__main__":
    typer.run(worker)
