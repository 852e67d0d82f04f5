"""One investigation, end to end: telemetry -> evidence -> tribunal -> report.

The entry points (CLI, API, runners) build the request, provide the event sink and store the
result; this flow only computes, so the same code runs inline or on a worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from warroom.agents.case import CaseFile
from warroom.config import Settings
from warroom.domain.events import RunEventType
from warroom.domain.evidence import Evidence, EvidencePack, TimeWindow
from warroom.domain.incident import Incident, Severity
from warroom.domain.verdict import Report
from warroom.evidence.engine import Frame, alert_evidence, build_evidence, to_utc
from warroom.flows.debate import EventSink, NullSink, Tribunal
from warroom.flows.knowledge import (
    KnowledgeSources,
    enrich_verdict,
    gather_knowledge,
    load_sources,
)
from warroom.ingest import load_paths, parse_text
from warroom.ingest.records import IngestError, Telemetry
from warroom.llm import UsageLedger


class NoTelemetryError(ValueError):
    """Nothing usable was found in the inputs for the incident's window."""


@dataclass
class InvestigationRequest:
    paths: Sequence[Path]
    alert_time: datetime
    window: timedelta
    lang: str = "en"
    title: str = ""
    description: str = ""
    severity: Severity = Severity.HIGH
    alert_text: str | None = None
    alert_entity: str | None = None
    pasted_text: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # Telemetry of a known fault-free period (any time): the baseline of logs and traces.
    baseline_paths: Sequence[Path] = ()
    # Development and design assets: git repositories, design documents and cases, or
    # sources an entry point already loaded (e.g. from the store).
    repo_paths: Sequence[Path] = ()
    design_paths: Sequence[Path] = ()
    knowledge: KnowledgeSources | None = None


@dataclass
class Investigation:
    incident: Incident
    telemetry: Telemetry
    pack: EvidencePack
    report: Report

    @property
    def errors(self) -> list[IngestError]:
        return self.telemetry.errors


def incident_for(request: InvestigationRequest) -> Incident:
    at = to_utc(request.alert_time)
    return Incident(
        title=request.title or f"Incident at {at:%Y-%m-%d %H:%M:%S} UTC",
        description=request.description,
        severity=request.severity,
        alert_time=at,
        window=TimeWindow.around(at, request.window),
        metadata=dict(request.metadata),
    )


def load_telemetry(
    request: InvestigationRequest, frame: Frame, on_file: Callable[[str], None] | None = None
) -> Telemetry:
    telemetry = load_paths(list(request.paths), window=frame.window, on_file=on_file)
    if request.pasted_text:
        telemetry.extend(parse_text(request.pasted_text))
    return telemetry


async def investigate(
    request: InvestigationRequest,
    *,
    settings: Settings,
    incident: Incident | None = None,
    sink: EventSink | None = None,
    on_step: Callable[[str], None] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> Investigation:
    """Investigate; raises `NoTelemetryError` when no input holds data for the window."""
    sink = sink or NullSink()
    incident = incident or incident_for(request)
    frame = Frame.around(incident.alert_time, request.window)

    def step(name: str) -> None:
        if on_step:
            on_step(name)

    step("ingest")
    await sink.emit(RunEventType.STATUS, None, {"status": "running", "step": "ingest"})
    telemetry = await asyncio.to_thread(load_telemetry, request, frame, on_file)
    await sink.emit(
        RunEventType.STEP,
        None,
        {
            "step": "ingest",
            "files": len(telemetry.files),
            "skipped": len(telemetry.skipped),
            "ignored": telemetry.ignored[:50],
            "logs": len(telemetry.logs),
            "metric_series": len(telemetry.metrics),
            "spans": len(telemetry.spans),
            "errors": [e.message() for e in telemetry.errors[:50]],
        },
    )
    if not (telemetry.logs or telemetry.metrics or telemetry.spans):
        problems = "; ".join(e.message() for e in telemetry.errors[:5])
        raise NoTelemetryError(
            f"no logs, metrics or spans between {frame.window.start:%Y-%m-%d %H:%M:%S} and "
            f"{frame.window.end:%H:%M:%S} UTC in "
            f"{', '.join(map(str, request.paths)) or 'the input'}"
            + (f" ({problems})" if problems else "")
            + "; check --at (UTC) and --window"
        )

    reference: Telemetry | None = None
    if request.baseline_paths:
        step("baseline")
        reference = await asyncio.to_thread(load_paths, list(request.baseline_paths))

    step("evidence")
    extra: list[Evidence] = []
    if request.alert_text:
        extra.append(
            alert_evidence(
                request.alert_text,
                entity=request.alert_entity or "alert",
                at=incident.alert_time,
                window=frame.window,
            )
        )
    pack = await asyncio.to_thread(
        build_evidence,
        telemetry,
        incident_id=incident.id,
        frame=frame,
        extra=extra,
        reference=reference,
    )
    await sink.emit(
        RunEventType.STEP,
        None,
        {
            "step": "evidence",
            "evidence": len(pack.items),
            "ranking": [s.component for s in pack.ranking[:10]],
        },
    )

    view = None
    if request.knowledge is not None or request.repo_paths or request.design_paths:
        step("knowledge")
        sources = request.knowledge
        if sources is None:
            sources = await asyncio.to_thread(
                load_sources, list(request.repo_paths), list(request.design_paths)
            )
        view, added = await asyncio.to_thread(gather_knowledge, incident, pack, sources)
        pack.items.extend(added)
        await sink.emit(
            RunEventType.STEP,
            None,
            {
                "step": "knowledge",
                "sources": sources.names,
                "problems": sources.problems[:50],
                "links": len(view.links),
                "evidence": [e.id for e in added],
                "similar_cases": [c.case_id for c in view.similar_cases],
            },
        )

    step("debate")
    case = CaseFile(incident=incident, pack=pack, lang=request.lang, knowledge=view)
    ledger = UsageLedger(settings)
    result = await Tribunal(case, settings=settings, ledger=ledger, sink=sink).run(
        settings.debate_rounds
    )
    for row in ledger.rows():
        await sink.emit(RunEventType.MODEL_USAGE, row.role, row.model_dump(mode="json"))

    step("report")
    verdict = result.verdict if view is None else enrich_verdict(result.verdict, view, pack)
    report = Report(
        incident=incident,
        verdict=verdict,
        ranking=pack.ranking,
        evidence=pack.items,
        debate=result.turns,
        struck=result.struck,
        usage=ledger.rows(),
        rounds=result.rounds,
        consensus=result.consensus,
        lang=request.lang,
        knowledge=view,
    )
    await sink.emit(RunEventType.STATUS, None, {"status": "succeeded"})
    return Investigation(incident=incident, telemetry=telemetry, pack=pack, report=report)
