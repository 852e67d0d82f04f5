"""The CLI as a client of a running ``warroom serve``: ``incidents``, ``debates``, ``reports``.

The root command puts a ``ClientConfig`` (server URL, API key) in ``typer.Context.obj``; every
command here finds it there. What a caller may rely on: an error answer from the server
prints its ``detail`` and exits 2; a server that cannot be reached exits 2 naming the URL;
``debates watch`` prints each event as it arrives and exits 0 when the run succeeded, 1
when it failed or was cancelled.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import httpx
import typer
from rich.console import Console
from rich.table import Table

incidents_app = typer.Typer(help="Incidents on a warroom server.", no_args_is_help=True)
debates_app = typer.Typer(
    help="Debates (investigation runs) on a warroom server.", no_args_is_help=True
)
reports_app = typer.Typer(help="Reports from a warroom server.", no_args_is_help=True)

out = Console()
err = Console(stderr=True)
T = TypeVar("T")
API = "/api/v1"
# Reconnects of a dropped event stream before giving up; each resumes after the last event.
_STREAM_RETRIES = 5


@dataclass(frozen=True)
class ClientConfig:
    """Where the server is and how to authenticate. ``transport`` is a seam for tests and
    proxies (an ``httpx.AsyncBaseTransport``); None uses real HTTP."""

    server: str = "http://127.0.0.1:8000"
    key: str | None = None
    timeout_s: float = 30.0
    transport: httpx.AsyncBaseTransport | None = None

    def client(self, *, timeout: httpx.Timeout | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return httpx.AsyncClient(
            base_url=self.server.rstrip("/"),
            headers=headers,
            timeout=timeout or httpx.Timeout(self.timeout_s),
            transport=self.transport,
        )


class ClientError(Exception):
    """A failure to show the user as is, then exit 2."""


def _config(ctx: typer.Context) -> ClientConfig:
    found = ctx.find_object(ClientConfig)
    if found is None:
        raise ClientError(
            "no server configured; expected `warroom --server URL --key KEY <command>`"
        )
    return found


def _run(ctx: typer.Context, work: Callable[[ClientConfig], Coroutine[Any, Any, T]]) -> T:
    try:
        config = _config(ctx)
        return asyncio.run(work(config))
    except ClientError as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error[/]: {message}", highlight=False, markup=True)
    raise typer.Exit(2)


async def _call(config: ClientConfig, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The server's answer; raises ``ClientError`` for an error status or no connection."""
    try:
        async with config.client() as client:
            response = await client.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        raise ClientError(_unreachable(config, exc)) from None
    _check(response)
    return response


def _unreachable(config: ClientConfig, exc: Exception) -> str:
    return (
        f"could not reach the warroom server at {config.server} ({type(exc).__name__}: "
        f"{exc or 'no detail'}); check --server and that `warroom serve` is running there"
    )


def _check(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    text = detail if isinstance(detail, str) else response.text[:500] or response.reason_phrase
    retry = response.headers.get("retry-after")
    hint = f" (retry after {retry} s)" if retry else ""
    raise ClientError(f"the server answered {response.status_code}: {text}{hint}")


def _as_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


# -- incidents ---------------------------------------------------------------------------


@incidents_app.command("list")
def incidents_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many, newest first.")] = 20,
    severity: Annotated[str | None, typer.Option(help="Only this severity.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Text the title contains.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """List incidents, newest first."""
    params: dict[str, Any] = {"limit": limit}
    if severity:
        params["severity"] = severity
    if q:
        params["q"] = q

    async def work(config: ClientConfig) -> dict[str, Any]:
        data: dict[str, Any] = (
            await _call(config, "GET", f"{API}/incidents", params=params)
        ).json()
        return data

    page = _run(ctx, work)
    if as_json:
        _as_json(page)
        return
    table = Table(title=f"incidents ({len(page['data'])} of {page['count']})")
    for column in ("id", "severity", "title", "alert time", "created"):
        table.add_column(column)
    for item in page["data"]:
        table.add_row(
            item["id"], item["severity"], item["title"], item["alert_time"], item["created_at"]
        )
    out.print(table)


@incidents_app.command("show")
def incidents_show(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show one incident."""

    async def work(config: ClientConfig) -> dict[str, Any]:
        data: dict[str, Any] = (await _call(config, "GET", f"{API}/incidents/{incident_id}")).json()
        return data

    item = _run(ctx, work)
    if as_json:
        _as_json(item)
        return
    out.print(f"[bold]{item['title']}[/]  ({item['id']})", highlight=False)
    for field in ("severity", "alert_time", "window_start", "window_end", "created_at"):
        out.print(f"  {field:<13} {item[field]}", highlight=False)
    if item.get("description"):
        out.print(f"\n{item['description']}", highlight=False, markup=False)


@incidents_app.command("create")
def incidents_create(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="What broke, in a line.")],
    at: Annotated[str, typer.Option(help="Alert time, e.g. 2026-03-14T14:07:00Z (UTC).")],
    severity: Annotated[str, typer.Option(help="critical, high, medium or low.")] = "high",
    window: Annotated[str, typer.Option(help="Telemetry window, e.g. 30m.")] = "30m",
    description: Annotated[str, typer.Option(help="More detail.")] = "",
) -> None:
    """Open an incident and print its id."""
    body = {
        "title": title,
        "alert_time": at,
        "severity": severity,
        "window": window,
        "description": description,
    }

    async def work(config: ClientConfig) -> dict[str, Any]:
        data: dict[str, Any] = (await _call(config, "POST", f"{API}/incidents", json=body)).json()
        return data

    item = _run(ctx, work)
    err.print(f"created incident {item['id']} ({item['severity']})", highlight=False)
    typer.echo(item["id"])


@incidents_app.command("upload")
def incidents_upload(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident id.")],
    files: Annotated[list[Path], typer.Argument(help="Log, metric or trace files.")],
) -> None:
    """Upload telemetry files to an incident (its runtime assets)."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _fail(f"expected existing files, these are not: {', '.join(missing)}")

    async def work(config: ClientConfig) -> list[dict[str, Any]]:
        parts = [("files", (f.name, f.read_bytes(), "application/octet-stream")) for f in files]
        response = await _call(
            config,
            "POST",
            f"{API}/assets/runtime",
            data={"incident_id": incident_id},
            files=parts,
        )
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    for asset in _run(ctx, work):
        err.print(f"uploaded {asset.get('name', asset.get('id'))}", highlight=False)


# -- debates -----------------------------------------------------------------------------


@debates_app.command("start")
def debates_start(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident to investigate.")],
    lang: Annotated[str, typer.Option(help="Report language: en or zh.")] = "en",
    rounds: Annotated[int | None, typer.Option(min=0, max=10, help="Critic rounds.")] = None,
) -> None:
    """Start a debate over the incident's uploaded telemetry and print its run id."""
    body: dict[str, Any] = {"incident_id": incident_id, "lang": lang}
    if rounds is not None:
        body["rounds"] = rounds

    async def work(config: ClientConfig) -> dict[str, Any]:
        data: dict[str, Any] = (await _call(config, "POST", f"{API}/debates", json=body)).json()
        return data

    started = _run(ctx, work)
    err.print(
        f"started debate {started['id']}; follow it with `warroom debates watch {started['id']}`",
        highlight=False,
    )
    typer.echo(started["id"])


@debates_app.command("watch")
def debates_watch(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="The debate (run) id.")],
) -> None:
    """Print the debate's events as they happen, until it ends."""

    async def work(config: ClientConfig) -> str:
        return await follow(config, run_id, print_event)

    status = _run(ctx, work)
    colour = "green" if status == "succeeded" else "red"
    out.print(f"[bold {colour}]debate {run_id} {status}[/]", highlight=False)
    if status != "succeeded":
        raise typer.Exit(1)


async def follow(
    config: ClientConfig, run_id: str, on_event: Callable[[dict[str, Any]], None]
) -> str:
    """Follow ``/debates/{id}/stream`` (Server-Sent Events), calling ``on_event`` with each
    event once and in order, resuming after the last one if the connection drops; answers
    the run's final status."""
    last = -1
    failures = 0
    # No read timeout: a quiet run still sends heartbeats, and a long debate is normal.
    timeout = httpx.Timeout(config.timeout_s, read=None)
    while True:
        try:
            async with (
                config.client(timeout=timeout) as client,
                client.stream(
                    "GET", f"{API}/debates/{run_id}/stream", params={"after": last}
                ) as response,
            ):
                if not response.is_success:
                    await response.aread()
                    _check(response)
                event_name, data = "message", ""
                async for line in response.aiter_lines():
                    if line.startswith("event:"):
                        event_name = line[6:].strip()
                    elif line.startswith("data:"):
                        data += line[5:].strip()
                    elif line == "" and data:
                        payload = json.loads(data)
                        if event_name == "end":
                            return str(payload.get("status", "unknown"))
                        last = max(last, int(payload.get("seq", last)))
                        on_event(payload)
                        event_name, data = "message", ""
                        failures = 0
        except httpx.TransportError as exc:
            failures += 1
            if failures > _STREAM_RETRIES:
                raise ClientError(_unreachable(config, exc)) from None
            await asyncio.sleep(min(0.2 * 2**failures, 5.0))
            continue
        # The server closed the stream without an end frame: pick it up again.
        failures += 1
        if failures > _STREAM_RETRIES:
            raise ClientError(
                f"the event stream of debate {run_id} keeps closing without an end; "
                "check its status with `warroom debates watch` later"
            )


_COLOURS = {
    "status": "cyan",
    "step": "blue",
    "agent_message": "white",
    "claim_struck": "yellow",
    "verdict": "bold green",
    "approval_request": "magenta",
}
# Payload fields that say the most about an event, shown in this order when present.
_SUMMARY_FIELDS = (
    "status",
    "step",
    "error",
    "component",
    "root_cause",
    "summary",
    "reason",
    "message",
    "confidence",
    "model",
)


def print_event(event: dict[str, Any]) -> None:
    """One line per event: time, sequence number, type, role and the telling payload fields."""
    kind = str(event.get("type", "event"))
    at = str(event.get("at", ""))[11:19]
    role = f" {event['role']}" if event.get("role") else ""
    payload = event.get("payload") or {}
    parts = [
        f"{name}={_short(payload[name])}"
        for name in _SUMMARY_FIELDS
        if payload.get(name) is not None
    ]
    if not parts and payload:
        parts = [_short(json.dumps(payload, ensure_ascii=False), 120)]
    colour = _COLOURS.get(kind, "white")
    line = f"[dim]{at} #{event.get('seq', '?')}[/] [{colour}]{kind}[/]{role}: "
    out.print(line, end="", highlight=False)
    out.print(" ".join(parts), markup=False, highlight=False)


def _short(value: Any, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- reports -----------------------------------------------------------------------------


@reports_app.command("export")
def reports_export(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident id.")],
    format: Annotated[str, typer.Option("--format", help="md, html, json or pdf.")] = "md",
    out_file: Annotated[Path, typer.Option("--out", help="Where to write it.")] = Path("-"),
    lang: Annotated[str | None, typer.Option(help="en or zh; default: the report's.")] = None,
) -> None:
    """Export the incident's latest report as Markdown, HTML or JSON."""
    if format not in ("md", "html", "json", "pdf"):
        _fail(f"--format must be md, html, json or pdf, got {format!r}")
    if format == "pdf" and str(out_file) == "-":
        _fail("--format pdf writes a binary file: give --out FILE.pdf")
    body: dict[str, Any] = {"format": format}
    if lang:
        body["lang"] = lang

    async def work(config: ClientConfig) -> bytes:
        response = await _call(config, "POST", f"{API}/reports/{incident_id}/export", json=body)
        return response.content

    content = _run(ctx, work)
    if str(out_file) == "-":
        typer.echo(content.decode("utf-8"))
        return
    try:
        out_file.write_bytes(content)
    except OSError as exc:
        _fail(f"could not write {out_file} ({exc}); check the folder exists and is writable")
    err.print(f"wrote {out_file} ({len(content)} bytes)", highlight=False)
