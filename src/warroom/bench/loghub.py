"""``warroom bench loghub``: template mining scored on Loghub-2.0's labelled 2k samples.

For every ``DATA/<System>/<System>_2k.log`` the runner learns the header from the raw lines
(``detect_header``, no per-system format), mines the message parts with warroom's miner and,
unless ``--no-drain``, with ``drain3`` on the very same messages, and writes
``OUT/<System>_2k.log_structured.csv`` (``LineId``, ``Content``, ``EventTemplate``). Where the
corrected truth sits beside the log, it prints GA, FGA, PA and FTA per system and their means,
and lines per second for both miners (median of three timed runs each).

drain3 runs with its stock settings (``TemplateMinerConfig()``: depth 4, sim_th 0.4,
max_children 100, numeric tokens parametrised, no masking instructions): the plain baseline,
since Loghub's tuned Drain numbers need a regex list per system, which a product cannot have.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from warroom.bench.parsing_scores import ParsingScores, score_parsing
from warroom.evidence.logs.refine import refine_templates
from warroom.ingest.header import detect_header

_HEADER_SAMPLE = 300
_TIMED_RUNS = 3

Parser = Callable[[list[str]], list[str]]


@dataclass(frozen=True, slots=True)
class LoghubSystem:
    """One labelled sample: its raw log and, when present, the corrected truth."""

    name: str
    log: Path
    truth: Path | None


@dataclass(frozen=True, slots=True)
class SystemResult:
    """What one parser did on one system: scores (None without truth) and lines per second."""

    scores: ParsingScores | None
    lines_per_second: float
    seconds: float


def find_systems(data: Path, only: list[str] | None = None) -> list[LoghubSystem]:
    """The ``<System>/<System>_2k.log`` samples under ``data``, sorted by name."""
    if not data.is_dir():
        raise FileNotFoundError(
            f"expected a Loghub-2k folder with <System>/<System>_2k.log inside, got {data}; "
            "pass --data pointing at it"
        )
    wanted = {s.lower() for s in only} if only else None
    found: list[LoghubSystem] = []
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        log = folder / f"{folder.name}_2k.log"
        if not log.is_file() or (wanted is not None and folder.name.lower() not in wanted):
            continue
        truth = folder / f"{folder.name}_2k.log_structured_corrected.csv"
        found.append(LoghubSystem(folder.name, log, truth if truth.is_file() else None))
    return found


def read_messages(log: Path) -> list[str]:
    """The message part of every line, the header learned from the first lines."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    header = detect_header(lines[:_HEADER_SAMPLE])
    messages: list[str] = []
    for line in lines:
        parts = header.split(line)
        messages.append(line.strip() if parts is None else parts[1])
    return messages


def read_truth(path: Path) -> list[str]:
    """The ``EventTemplate`` column of a corrected structured CSV, in line order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["EventTemplate"] for row in csv.DictReader(handle)]


def warroom_parse(messages: list[str]) -> list[str]:
    """warroom's template for every message, as the miner holds it after the last line."""
    return refine_templates(messages)


def drain3_parse(messages: list[str]) -> list[str]:
    """drain3's template for every message, stock settings (see the module docstring)."""
    from drain3 import TemplateMiner as Drain3Miner
    from drain3.template_miner_config import TemplateMinerConfig

    miner = Drain3Miner(config=TemplateMinerConfig())
    ids = [int(miner.add_log_message(m)["cluster_id"]) for m in messages]
    texts = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return [texts[i] for i in ids]


def _timed(parse: Parser, messages: list[str]) -> tuple[list[str], float]:
    seconds: list[float] = []
    templates: list[str] = []
    for _ in range(_TIMED_RUNS):
        start = time.perf_counter()
        templates = parse(messages)
        seconds.append(time.perf_counter() - start)
    return templates, statistics.median(seconds)


def run_parser(
    parse: Parser, messages: list[str], truth: list[str] | None
) -> tuple[SystemResult, list[str]]:
    """Parse, time (median of three), score against ``truth`` when given; also the templates."""
    templates, seconds = _timed(parse, messages)
    scores = None
    if truth is not None and len(truth) == len(templates):
        scores = score_parsing(truth, templates)
    return SystemResult(scores, len(messages) / max(seconds, 1e-9), seconds), templates


def write_structured(path: Path, messages: list[str], templates: list[str]) -> None:
    """``LineId,Content,EventTemplate`` in Loghub's structured-CSV layout."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LineId", "Content", "EventTemplate"])
        for i, (message, template) in enumerate(zip(messages, templates, strict=True), 1):
            writer.writerow([i, message, template])


def _cells(result: SystemResult | None) -> list[str]:
    if result is None or result.scores is None:
        return ["-"] * 4
    s = result.scores
    return [f"{s.ga:.3f}", f"{s.fga:.3f}", f"{s.pa:.3f}", f"{s.fta:.3f}"]


def _mean_cells(results: list[SystemResult]) -> list[str]:
    scored = [r.scores for r in results if r.scores is not None]
    if not scored:
        return ["-"] * 4
    return [
        f"{statistics.fmean(getattr(s, k) for s in scored):.3f}" for k in ("ga", "fga", "pa", "fta")
    ]


def _speed(results: list[SystemResult]) -> float:
    lines = sum(r.lines_per_second * r.seconds for r in results)
    return lines / max(sum(r.seconds for r in results), 1e-9)


def score_table(
    names: list[str], ours: list[SystemResult], drain: list[SystemResult] | None
) -> Table:
    """The per-system table, warroom and drain3 side by side, with means and speeds."""
    table = Table(title="Loghub-2k template mining (GA / FGA / PA / FTA)")
    table.add_column("system")
    for label in ("GA", "FGA", "PA", "FTA"):
        table.add_column(f"warroom {label}", justify="right")
    if drain is not None:
        for label in ("GA", "FGA", "PA", "FTA"):
            table.add_column(f"drain3 {label}", justify="right")
    for i, name in enumerate(names):
        row = [name, *_cells(ours[i])]
        if drain is not None:
            row += _cells(drain[i])
        table.add_row(*row)
    mean = ["mean", *_mean_cells(ours)]
    if drain is not None:
        mean += _mean_cells(drain)
    table.add_section()
    table.add_row(*mean, style="bold")
    return table


def loghub_command(
    data: Annotated[
        Path, typer.Option("--data", help="Folder holding <System>/<System>_2k.log samples.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for <System>_2k.log_structured.csv files.")
    ],
    drain: Annotated[
        bool, typer.Option("--drain/--no-drain", help="Also run drain3 as the baseline.")
    ] = True,
    systems: Annotated[
        list[str] | None, typer.Option("--system", help="Only this system (repeatable).")
    ] = None,
) -> None:
    """Mine templates on every Loghub-2k sample, score them, and compare with drain3."""
    console = Console()
    try:
        found = find_systems(data, systems)
    except FileNotFoundError as exc:
        Console(stderr=True).print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if not found:
        Console(stderr=True).print(f"[red]no <System>/<System>_2k.log under {data}[/red]")
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    ours: list[SystemResult] = []
    theirs: list[SystemResult] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("mining", total=len(found))
        for system in found:
            progress.update(task, description=f"mining {system.name}")
            messages = read_messages(system.log)
            truth = read_truth(system.truth) if system.truth is not None else None
            result, templates = run_parser(warroom_parse, messages, truth)
            ours.append(result)
            write_structured(out / f"{system.name}_2k.log_structured.csv", messages, templates)
            if drain:
                theirs.append(run_parser(drain3_parse, messages, truth)[0])
            progress.advance(task)
    table = score_table([s.name for s in found], ours, theirs if drain else None)
    # Nine columns need room: never squeeze the table below a readable width.
    Console(width=max(console.width, 132)).print(table)
    speed = _speed(ours)
    line = f"warroom: {speed:,.0f} lines/s"
    if drain:
        baseline = _speed(theirs)
        line += f"; drain3: {baseline:,.0f} lines/s; ratio {speed / max(baseline, 1e-9):.1f}x"
    console.print(line + f" (median of {_TIMED_RUNS} runs, same messages)")
