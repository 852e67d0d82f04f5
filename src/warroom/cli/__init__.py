"""The command line: `warroom investigate`, `demo`, `runs ...`, `assets ...` and the rest.

Bad input exits with code 2 and a message that says what was expected; a file that fails to
load is named with its line, and the other files are still investigated.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from warroom.assets.development.errors import AssetInputError
from warroom.cli.assets import assets_app, stored_assets
from warroom.cli.bench import bench_app
from warroom.cli.client import ClientConfig, debates_app, incidents_app, reports_app
from warroom.cli.logs import logs_app
from warroom.cli.runs import runs_app
from warroom.cli.serve import keys_app, serve
from warroom.cli.worker import worker
from warroom.config import Settings
from warroom.domain.events import RunEventType
from warroom.domain.incident import Asset, AssetKind, Severity
from warroom.flows.investigation import (
    Investigation,
    InvestigationRequest,
    NoTelemetryError,
    incident_for,
    investigate,
)
from warroom.report import render_report
from warroom.report.pdf import render_pdf
from warroom.runs.knowledge import save_incident_graph
from warroom.samples import load_sample_manifest, sample_path
from warroom.store import BlobStore, Store, open_store

app = typer.Typer(
    name="warroom",
    help="Evidence-first root-cause analysis, argued out by a panel of agents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(runs_app, name="runs")
app.add_typer(keys_app, name="keys")
app.add_typer(logs_app, name="logs")
app.add_typer(bench_app, name="bench")
app.add_typer(incidents_app, name="incidents")
app.add_typer(debates_app, name="debates")
app.add_typer(reports_app, name="reports")
app.add_typer(assets_app, name="assets")
app.command("serve")(serve)
app.command("worker")(worker)


@app.callback()
def _root(
    ctx: typer.Context,
    server: Annotated[
        str, typer.Option(help="warroom server URL, for incidents/debates/reports.")
    ] = "http://127.0.0.1:8000",
    key: Annotated[str | None, typer.Option(help="API key or access token for --server.")] = None,
) -> None:
    """Evidence-first root-cause analysis, argued out by a panel of agents."""
    ctx.obj = ClientConfig(server=server, key=key)


out = Console()
err = Console(stderr=True)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise typer.BadParameter(f"expected a duration like 30m, 2h or 90s, got '{text}'")
    value, unit = float(match.group(1)), (match.group(2) or "m").lower()
    if value <= 0:
        raise typer.BadParameter(f"the window must be positive, got '{text}'")
    return timedelta(seconds=value * _UNITS[unit])


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            "expected a time like '2023-01-30 11:59:21' or '2023-01-30T11:59:21Z' (UTC), "
            f"got '{text}'"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StoreSink:
    """Appends a run's events to the store as they happen."""

    def __init__(self, store: Store, run_id: str):
        self.store = store
        self.run_id = run_id

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        await self.store.append_event(run_id=self.run_id, type=type, role=role, payload=payload)


async def _run_investigation(
    request: InvestigationRequest,
    settings: Settings,
    *,
    show_progress: bool,
    stored: bool = False,
) -> Investigation:
    store = await open_store(settings)
    try:
        if stored:
            request.knowledge = await stored_assets(store)
        incident = incident_for(request)
        await store.add_incident(incident=incident)
        run_id = await store.create_run(incident_id=incident.id, kind="investigation")
        sink = StoreSink(store, run_id)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not show_progress,
        )
        steps = ["ingest", "baseline", "evidence", "knowledge", "debate", "report"]
        with progress:
            task = progress.add_task("ingest", total=len(steps))

            def on_step(name: str) -> None:
                done = steps.index(name) if name in steps else 0
                progress.update(task, description=name, completed=done)

            def on_file(path: str) -> None:
                progress.update(task, description=f"ingest {Path(path).name}")

            try:
                result = await investigate(
                    request,
                    settings=settings,
                    incident=incident,
                    sink=sink,
                    on_step=on_step,
                    on_file=on_file,
                )
            except Exception as exc:
                await store.set_run_status(run_id=run_id, status="failed", error=str(exc))
                raise
            progress.update(task, completed=len(steps))
        blobs = BlobStore(settings.blob_dir)
        for file in result.telemetry.files:
            sha, size = blobs.put_file(Path(file))
            await store.add_asset(
                asset=Asset(
                    incident_id=incident.id, kind=AssetKind.LOGS, name=file, sha256=sha, size=size
                )
            )
        await store.save_evidence(incident_id=incident.id, items=result.pack.items)
        await store.save_verdict(
            incident_id=incident.id, run_id=run_id, verdict=result.report.verdict
        )
        report = result.report.model_copy(update={"run_id": run_id})
        await store.save_report(report=report)
        await save_incident_graph(store, report, run_id=run_id)
        await store.set_run_status(run_id=run_id, status="succeeded")
        result.report = report
        return result
    finally:
        await store.close()


def _emit(result: Investigation, fmt: str, lang: str, out_file: Path | None) -> None:
    if fmt == "pdf":
        assert out_file is not None  # checked with the options
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_bytes(render_pdf(result.report, lang))  # type: ignore[arg-type]
        err.print(f"report written to {out_file}")
        _notes(result)
        return
    text = render_report(result.report, fmt, lang)  # type: ignore[arg-type]
    if out_file:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(text, encoding="utf-8")
        err.print(f"report written to {out_file}")
    elif fmt == "md" and sys.stdout.isatty():
        out.print(Markdown(text))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    _notes(result)


def _notes(result: Investigation) -> None:
    ignored = result.telemetry.ignored
    if ignored:
        err.print(
            f"note: passed over {len(ignored)} file(s) that hold no telemetry, e.g. {ignored[0]}"
        )
    for problem in result.errors:
        err.print(f"[yellow]error[/]: {problem.message()}")
    if result.report.run_id:
        err.print(
            f"run {result.report.run_id}: replay with `warroom runs show {result.report.run_id}`"
        )


Fmt = Annotated[str, typer.Option("--format", "-f", help="md, json, html or pdf (pdf needs --out)")]
Lang = Annotated[str, typer.Option("--lang", help="en or zh")]


def _check_format(fmt: str, out_file: Path | None) -> None:
    _check_choice(fmt, ("md", "json", "html", "pdf"), "--format")
    if fmt == "pdf" and out_file is None:
        raise typer.BadParameter("--format pdf writes a binary file: give --out FILE.pdf")


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise typer.BadParameter(f"{name} must be one of {', '.join(choices)}, got '{value}'")
    return value


@app.command("investigate")
def investigate_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Log, metric and trace files or folders.")],
    at: Annotated[str, typer.Option("--at", help="Alert time, UTC: '2023-01-30 11:59:21'.")],
    window: Annotated[str, typer.Option(help="Telemetry window around the alert.")] = "30m",
    lang: Lang = "en",
    fmt: Fmt = "md",
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the report here.")] = None,
    title: Annotated[str, typer.Option(help="Incident title.")] = "",
    severity: Annotated[str, typer.Option(help="critical, high, medium or low")] = "high",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    baseline: Annotated[
        list[Path] | None,
        typer.Option(
            "--baseline",
            help="Fault-free telemetry (files or folders) to compare logs and spans against, "
            "instead of the minutes before the alert. Repeatable.",
        ),
    ] = None,
    repo: Annotated[
        list[Path] | None,
        typer.Option(
            "--repo",
            help="A git repository of the system (or a folder of one): stack frames are linked "
            "to method, file:line, the commit that last changed the line, and owners. Repeatable.",
        ),
    ] = None,
    design: Annotated[
        list[Path] | None,
        typer.Option(
            "--design",
            help="Design documents (OpenAPI, SQL DDL, domain-model Markdown, past incident "
            "write-ups), files or folders. Repeatable.",
        ),
    ] = None,
    no_assets: Annotated[
        bool,
        typer.Option(
            "--no-assets",
            help="Without --repo/--design, the repositories and design documents kept with "
            "`warroom assets` are used; this skips them.",
        ),
    ] = False,
) -> None:
    """Investigate an incident from telemetry files and print the report."""
    _check_choice(lang, ("en", "zh"), "--lang")
    _check_format(fmt, out_file)
    _check_choice(severity, tuple(s.value for s in Severity), "--severity")
    missing = [
        str(p)
        for p in [*paths, *(baseline or []), *(repo or []), *(design or [])]
        if not p.exists()
    ]
    if missing:
        raise typer.BadParameter(f"no such file or folder: {', '.join(missing)}")
    request = InvestigationRequest(
        paths=paths,
        alert_time=parse_time(at),
        window=parse_duration(window),
        lang=lang,
        title=title,
        severity=Severity(severity),
        baseline_paths=baseline or [],
        repo_paths=repo or [],
        design_paths=design or [],
    )
    stored = not (no_assets or repo or design)
    _investigate_and_print(request, fmt, lang, out_file, quiet, stored=stored)


def _investigate_and_print(
    request: InvestigationRequest,
    fmt: str,
    lang: str,
    out_file: Path | None,
    quiet: bool,
    *,
    stored: bool = False,
) -> None:
    settings = Settings()
    try:
        result = asyncio.run(
            _run_investigation(
                request, settings, show_progress=not quiet and err.is_terminal, stored=stored
            )
        )
    except (NoTelemetryError, AssetInputError) as exc:
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from None
    _emit(result, fmt, lang, out_file)
    if result.errors:
        raise typer.Exit(2)


@app.command()
def demo(
    lang: Lang = "en",
    fmt: Fmt = "md",
    out_file: Annotated[Path | None, typer.Option("--out")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Investigate the sample incident that ships with warroom and print the report."""
    _check_choice(lang, ("en", "zh"), "--lang")
    _check_format(fmt, out_file)
    manifest = load_sample_manifest()
    alert = manifest.get("alert", {})
    labels = alert.get("labels", {}) if isinstance(alert, dict) else {}
    request = InvestigationRequest(
        paths=[sample_path() / "logs", sample_path() / "metrics", sample_path() / "traces"],
        alert_time=parse_time(str(manifest["alert_time"])),
        window=parse_duration(str(manifest.get("window", "30m"))),
        lang=lang,
        title=str(manifest.get("title", "")),
        description=str(manifest.get("description", "")),
        severity=Severity(str(manifest.get("severity", "high"))),
        alert_text=json.dumps(alert, ensure_ascii=False) if alert else None,
        alert_entity=str(labels.get("service")) if labels.get("service") else None,
        metadata={"teams": manifest.get("teams", {}), "sample": "checkout-outage"},
    )
    _investigate_and_print(request, fmt, lang, out_file, quiet)


def main() -> None:
    app()
