"""``warroom bench loghub``: template mining scored on Loghub-2.0's labelled 2k samples.

For every ``DATA/<System>/<System>_2k.log`` the runner learns the header from the raw lines
(``detect_header``, no per-system format), mines the message parts with warroom's miner and,
unless ``--no-drain``, with ``drain3`` on the very same messages, and writes
``OUT/<System>_2k.log_structured.csv`` (``LineId``, ``Content``, ``EventTemplate``). Where the
corrected truth sits beside the log, it prints GA, FGA, PA and FTA per system and their means.

Speed is measured so that both miners are treated alike (``time_parsers``): the same list of
message strings; one untimed warm-up run of each before any timing; per system ``--runs``
rounds that alternate which miner goes first, each run with a fresh miner and after a full
garbage collection (the loaded data is frozen out of it, so it costs little; the collector
stays on during the run); CPU time of the timing thread (not the progress bar's); the median
run per system. Both are timed over the same phases, from raw
message strings to one template text per line: drain3 through its public
``TemplateMiner.add_log_message`` and the final cluster templates, warroom through
``refine_templates`` (mining and the refinement pass). The speed table gives each system's
lines per second and ratio, and the totals as all lines over all (median) seconds per side.

drain3 runs with its stock settings (``TemplateMinerConfig()``: depth 4, sim_th 0.4,
max_children 100, numeric tokens parametrised, no masking instructions): the plain baseline,
since Loghub's tuned Drain numbers need a regex list per system, which a product cannot have.
"""

from __future__ import annotations

import csv
import gc
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
_TIMED_RUNS = 9

Parser = Callable[[list[str]], list[str]]


@dataclass(frozen=True, slots=True)
class LoghubSystem:
    """One labelled sample: its raw log and, when present, the corrected truth."""

    name: str
    log: Path
    truth: Path | None


@dataclass(frozen=True, slots=True)
class SystemResult:
    """What one parser did on one system: scores (None without truth) and its median time."""

    scores: ParsingScores | None
    lines: int
    seconds: float

    @property
    def lines_per_second(self) -> float:
        """Lines over the median CPU seconds of the timed runs."""
        return self.lines / max(self.seconds, 1e-9)


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


def time_parsers(
    parsers: dict[str, Parser], messages: list[str], runs: int = _TIMED_RUNS
) -> dict[str, tuple[list[str], float]]:
    """Each parser's templates and median CPU seconds (this thread's) over ``runs`` rounds.

    Rounds alternate the order the parsers run in; every run builds a fresh miner (the parsers
    make their own), gets the same list and starts from the same collector state: a full
    collection just before it (cheap: ``loghub_command`` freezes what is loaded), the collector
    left on during it, as in use.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    names = list(parsers)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    templates: dict[str, list[str]] = {}
    for round_ in range(runs):
        for name in names if round_ % 2 == 0 else names[::-1]:
            gc.collect()
            start = time.thread_time()
            templates[name] = parsers[name](messages)
            seconds[name].append(time.thread_time() - start)
    return {name: (templates[name], statistics.median(seconds[name])) for name in names}


def warm_up(parsers: dict[str, Parser], messages: list[str]) -> None:
    """Run every parser once, untimed: imports, regex compilation and caches are paid here."""
    for parse in parsers.values():
        parse(messages)


def result_of(templates: list[str], seconds: float, truth: list[str] | None) -> SystemResult:
    """A parser's result on one system: scored against ``truth`` when it has one per line."""
    scores = None
    if truth is not None and len(truth) == len(templates):
        scores = score_parsing(truth, templates)
    return SystemResult(scores, len(templates), seconds)


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


def overall_speed(results: list[SystemResult]) -> float:
    """All lines over all seconds (the median run of each system), in lines per second."""
    return sum(r.lines for r in results) / max(sum(r.seconds for r in results), 1e-9)


def speed_table(
    names: list[str], ours: list[SystemResult], drain: list[SystemResult] | None
) -> Table:
    """Lines per second per system for both miners, their ratio, and the overall figures."""
    table = Table(title="Mining speed (lines per CPU second)")
    table.add_column("system")
    table.add_column("lines", justify="right")
    table.add_column("warroom", justify="right")
    if drain is not None:
        table.add_column("drain3", justify="right")
        table.add_column("ratio", justify="right")

    def row(label: str, lines: int, mine: float, theirs: float | None) -> list[str]:
        cells = [label, f"{lines:,}", f"{mine:,.0f}"]
        if theirs is not None:
            cells += [f"{theirs:,.0f}", f"{mine / max(theirs, 1e-9):.2f}x"]
        return cells

    for i, name in enumerate(names):
        theirs = drain[i].lines_per_second if drain is not None else None
        table.add_row(*row(name, ours[i].lines, ours[i].lines_per_second, theirs))
    table.add_section()
    total = sum(r.lines for r in ours)
    baseline = overall_speed(drain) if drain is not None else None
    table.add_row(*row("all", total, overall_speed(ours), baseline), style="bold")
    return table


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
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Timed runs per system and miner (median).")
    ] = _TIMED_RUNS,
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
    parsers: dict[str, Parser] = {"warroom": warroom_parse}
    if drain:
        parsers["drain3"] = drain3_parse
    loaded = [
        (system, read_messages(system.log), read_truth(system.truth) if system.truth else None)
        for system in found
    ]
    warm_up(parsers, loaded[0][1])
    ours: list[SystemResult] = []
    theirs: list[SystemResult] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # What is loaded stays out of every collection: a collection before or during a timed run
    # walks only what runs made, whatever this process holds besides.
    gc.collect()
    gc.freeze()
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
            task = progress.add_task("mining", total=len(found))
            for system, messages, truth in loaded:
                progress.update(task, description=f"mining {system.name}")
                timed = time_parsers(parsers, messages, runs)
                templates, seconds = timed["warroom"]
                ours.append(result_of(templates, seconds, truth))
                name = f"{system.name}_2k.log_structured.csv"
                write_structured(out / name, messages, templates)
                if drain:
                    theirs.append(result_of(*timed["drain3"], truth))
                progress.advance(task)
    finally:
        gc.unfreeze()
    names = [s.name for s in found]
    baseline = theirs if drain else None
    # Nine columns need room: never squeeze the table below a readable width.
    wide = Console(width=max(console.width, 132))
    wide.print(score_table(names, ours, baseline))
    wide.print(speed_table(names, ours, baseline))
    line = f"warroom: {overall_speed(ours):,.0f} lines/s"
    if drain:
        ratio = overall_speed(ours) / max(overall_speed(theirs), 1e-9)
        line += f"; drain3: {overall_speed(theirs):,.0f} lines/s; ratio {ratio:.2f}x"
    console.print(
        line + f" (all lines / all seconds; median of {runs} runs per system, CPU time, "
        "same messages)"
    )
