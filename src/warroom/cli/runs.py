"""`warroom runs ...`: stored runs and their events."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from warroom.config import Settings
from warroom.domain.events import RunEventType
from warroom.store import open_store

runs_app = typer.Typer(help="Stored runs and their events.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run id printed after an investigation.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the events as JSON lines.")
    ] = False,
) -> None:
    """Replay a stored run's events, in order."""

    async def load() -> tuple[Any, list[Any]]:
        store = await open_store(Settings())
        try:
            return await store.get_run(run_id=run_id), await store.events(run_id=run_id)
        finally:
            await store.close()

    run, events = asyncio.run(load())
    if run is None:
        err.print(f"[red]error[/]: no run with id '{run_id}'; list runs with `warroom runs list`")
        raise typer.Exit(2)
    if as_json:
        for event in events:
            sys.stdout.write(event.model_dump_json() + "\n")
        return
    table = Table(title=f"run {run_id} ({run.status})", show_lines=False)
    for column in ("seq", "at", "type", "role", "what"):
        table.add_column(column)
    for event in events:
        table.add_row(
            str(event.seq),
            f"{event.at:%H:%M:%S}",
            str(event.type),
            event.role or "",
            _event_line(event.type, event.payload),
        )
    out.print(table)


def _event_line(type: str, payload: dict[str, Any]) -> str:
    if type == RunEventType.AGENT_MESSAGE:
        flag = " [degraded]" if payload.get("degraded") else ""
        return f"round {payload.get('round')}: {payload.get('summary', '')}{flag}"[:160]
    if type == RunEventType.CLAIM_STRUCK:
        return f"struck ({payload.get('reason')}): {payload.get('detail', '')}"[:160]
    if type == RunEventType.VERDICT:
        return (
            f"{payload.get('component')} / {payload.get('fault_type')}: "
            f"confidence {payload.get('confidence')}"
        )
    if type == RunEventType.MODEL_USAGE:
        return (
            f"{payload.get('model')}: {payload.get('input_tokens')} in / "
            f"{payload.get('output_tokens')} out, ${payload.get('cost_usd', 0):.4f}"
        )
    return json.dumps(payload, ensure_ascii=False, default=str)[:160]


@runs_app.command("list")
def runs_list(limit: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """The most recent runs."""

    async def load() -> list[Any]:
        store = await open_store(Settings())
        try:
            return list(await store.list_runs(limit=limit))
        finally:
            await store.close()

    table = Table(title="runs")
    for column in ("id", "incident", "kind", "status", "created"):
        table.add_column(column)
    for run in asyncio.run(load()):
        table.add_row(
            run.id,
            run.incident_id or "",
            run.kind,
            run.status,
            f"{run.created_at:%Y-%m-%d %H:%M:%S}",
        )
    out.print(table)
