"""`warroom bench nezha`: every fault of a Nezha-style data set, investigated end to end.

The data folder holds ``faults.json`` (entries with ``day`` and ``inject_time`` in UTC, and
possibly the answers ``service`` and ``fault_type``), ``rca_data/<day>/`` (the telemetry around
the faults) and, when present, ``construct_data/<day>/`` (fault-free telemetry of the same
day) and ``construct_data/root_cause_ts.json`` (true code locations).

Each fault is opened as a person would open it: an alert time and the day's telemetry, with
the fault-free folder as baseline telemetry. The answers are read only to score. One JSON line
per fault goes to ``--out``; when answers are present a Rich table compares warroom with a
naive "largest metric z-score" ranking computed on the same telemetry, and with published
figures.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from warroom.bench.rca_scores import (
    Locations,
    ScoredCase,
    as_at_k,
    fault_type_accuracy,
    load_locations,
    location_accuracy,
)
from warroom.config import Settings
from warroom.evidence.engine import Frame
from warroom.flows.investigation import Investigation, InvestigationRequest, investigate
from warroom.ingest.records import MetricSeries

# Faults of the data set are minutes apart: a short window keeps the next fault out of view.
WINDOW = timedelta(minutes=15)
# Published AS@1/3/5 (%) on the same TrainTicket faults, for reference only.
PUBLISHED = {"Nezha": (86.67, 97.78, 97.78), "MicroRCA": (20.0, 31.1, 44.4)}
CODE_FAULTS = ("exception", "return")


@dataclass(frozen=True, slots=True)
class Fault:
    day: str
    inject_time: datetime
    service: str | None
    fault_type: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    fault: Fault
    ranking: list[str]
    fault_type: str
    location: str | None
    seconds: float
    naive_ranking: list[str]

    def line(self) -> dict[str, Any]:
        return {
            "inject_time": f"{self.fault.inject_time:%Y-%m-%d %H:%M:%S}",
            "ranking": self.ranking,
            "fault_type": self.fault_type,
            "location": self.location,
            "seconds": round(self.seconds, 2),
        }


def load_faults(path: Path) -> list[Fault]:
    """The faults of ``faults.json``; each needs ``day`` and ``inject_time`` (UTC)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise typer.BadParameter(f"{path}: expected a JSON list of faults, found {type(raw)}")
    faults: list[Fault] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or "day" not in entry or "inject_time" not in entry:
            raise typer.BadParameter(
                f"{path}: entry {i} needs 'day' and 'inject_time', found {entry!r:.120}"
            )
        at = datetime.strptime(str(entry["inject_time"]), "%Y-%m-%d %H:%M:%S")
        faults.append(
            Fault(
                day=str(entry["day"]),
                inject_time=at.replace(tzinfo=UTC),
                service=entry.get("service"),
                fault_type=entry.get("fault_type"),
            )
        )
    return faults


def naive_ranking(metrics: Sequence[MetricSeries], frame: Frame) -> list[str]:
    """Services by their largest metric z-score, current vs baseline (naive, MicroRCA-like)."""
    b0, b1 = frame.baseline.start.timestamp(), frame.baseline.end.timestamp()
    c0, c1 = frame.current.start.timestamp(), frame.current.end.timestamp()
    best: dict[str, float] = defaultdict(float)
    for series in metrics:
        ts = np.asarray(series.ts, dtype=np.float64)
        values = np.asarray(series.values, dtype=np.float64)
        before = values[(ts >= b0) & (ts < b1)]
        now = values[(ts >= c0) & (ts <= c1)]
        if before.size < 3 or now.size == 0:
            continue
        centre = float(np.mean(before))
        # A flat baseline would make any wiggle infinite: the spread is floored at 10 % of
        # the level (and an absolute epsilon for series that sit at zero).
        spread = max(float(np.std(before)), 0.1 * abs(centre), 1e-3)
        z = float(np.max(np.abs(now - centre))) / spread
        best[series.entity] = max(best[series.entity], z)
    return sorted(best, key=lambda s: (-best[s], s))


async def run_fault(data: Path, fault: Fault, settings: Settings) -> Outcome:
    """Investigate one fault from its alert time and telemetry alone."""
    baseline = data / "construct_data" / fault.day
    request = InvestigationRequest(
        paths=[data / "rca_data" / fault.day],
        alert_time=fault.inject_time,
        window=WINDOW,
        title=f"Alert at {fault.inject_time:%Y-%m-%d %H:%M:%S} UTC",
        baseline_paths=[baseline] if baseline.is_dir() else [],
    )
    started = time.perf_counter()
    result: Investigation = await investigate(request, settings=settings)
    seconds = time.perf_counter() - started
    verdict = result.report.verdict
    ranked = [s.component for s in result.report.ranking]
    ranking = list(dict.fromkeys([verdict.component, *ranked]))
    frame = Frame.around(result.incident.alert_time, WINDOW)
    return Outcome(
        fault=fault,
        ranking=ranking,
        fault_type=str(verdict.fault_type),
        location=verdict.code_location,
        seconds=seconds,
        naive_ranking=naive_ranking(result.telemetry.metrics, frame),
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _cases(outcomes: Sequence[Outcome], naive: bool = False) -> list[ScoredCase]:
    return [
        ScoredCase(
            service=o.fault.service or "",
            fault_type=o.fault.fault_type or "",
            ranking=o.naive_ranking if naive else o.ranking,
            reported_fault_type="" if naive else o.fault_type,
            reported_location=None if naive else o.location,
        )
        for o in outcomes
        if o.fault.service
    ]


def score_table(outcomes: Sequence[Outcome], truth: Locations) -> Table:
    """warroom, the naive baseline and the published figures, side by side."""
    ours, naive = _cases(outcomes), _cases(outcomes, naive=True)
    code = [c for c in ours if c.fault_type in CODE_FAULTS]
    table = Table(title=f"Nezha TrainTicket faults: {len(ours)} incidents")
    for column in ("method", "AS@1", "AS@3", "AS@5", "fault type", "location", "s / incident"):
        table.add_column(column, justify="left" if column == "method" else "right")
    median = statistics.median(o.seconds for o in outcomes)
    table.add_row(
        "warroom",
        *(_pct(as_at_k(ours, k)) for k in (1, 3, 5)),
        _pct(fault_type_accuracy(ours)),
        _pct(location_accuracy(code, truth)),
        f"{median:.2f}",
    )
    table.add_row("max metric z (same run)", *(_pct(as_at_k(naive, k)) for k in (1, 3, 5)))
    for name, figures in PUBLISHED.items():
        table.add_row(f"{name} (published)", *(f"{f:.2f} %" for f in figures))
    return table


def type_table(outcomes: Sequence[Outcome], truth: Locations) -> Table:
    """The same scores per true fault type."""
    table = Table(title="per fault type")
    for column in ("fault type", "n", "AS@1", "AS@3", "naive AS@1", "type acc.", "location"):
        table.add_column(column, justify="left" if column == "fault type" else "right")
    ours, naive = _cases(outcomes), _cases(outcomes, naive=True)
    for kind in sorted({c.fault_type for c in ours}):
        mine = [c for c in ours if c.fault_type == kind]
        theirs = [c for c in naive if c.fault_type == kind]
        table.add_row(
            kind,
            str(len(mine)),
            _pct(as_at_k(mine, 1)),
            _pct(as_at_k(mine, 3)),
            _pct(as_at_k(theirs, 1)),
            _pct(fault_type_accuracy(mine)),
            _pct(location_accuracy(mine, truth)),
        )
    return table


async def _run_all(
    data: Path, faults: Sequence[Fault], out: Path, console: Console
) -> list[Outcome]:
    settings = Settings(llm_base_url=None)
    outcomes: list[Outcome] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink, Progress(console=console) as progress:
        task = progress.add_task("investigating", total=len(faults))
        for fault in faults:
            outcome = await run_fault(data, fault, settings)
            outcomes.append(outcome)
            sink.write(json.dumps(outcome.line()) + "\n")
            sink.flush()
            progress.advance(task)
    return outcomes


def nezha_command(
    data: Annotated[
        Path, typer.Option("--data", help="Folder with faults.json, rca_data/, construct_data/.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Write one JSON line per fault here.")],
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N faults.")] = None,
) -> None:
    """Investigate every fault of a Nezha-style data set and score warroom against the answers."""
    faults_path = data / "faults.json"
    if not faults_path.is_file():
        raise typer.BadParameter(f"expected {faults_path} (a list of faults); none found")
    faults = load_faults(faults_path)[:limit]
    console = Console(stderr=True, width=max(Console(stderr=True).width, 110))
    outcomes = asyncio.run(_run_all(data, faults, out, console))
    if not any(o.fault.service for o in outcomes):
        console.print(f"{len(outcomes)} faults investigated; no answers to score; see {out}")
        return
    locations = data / "construct_data" / "root_cause_ts.json"
    truth = load_locations(locations) if locations.is_file() else {}
    console.print(score_table(outcomes, truth))
    console.print(type_table(outcomes, truth))
