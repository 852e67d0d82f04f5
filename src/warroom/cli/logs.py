"""``warroom logs mine FILE...``: the templates of log files, streamed line by line.

A caller may rely on: files are read one line at a time (memory stays flat however large they
are: the miner keeps one example a template, and its caches are bounded); each file's header is
learned from its first few hundred lines, and lines that do not start with it (stack frames,
continuations) are skipped; first and last seen are the header's timestamps (UTC, ISO 8601)
when it has them, else ``file:line``; a file that cannot be read exits with code 2 and a
message naming it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from warroom.evidence.logs.miner import TemplateMiner
from warroom.ingest.header import HeaderFormat, detect_header

logs_app = typer.Typer(
    name="logs",
    help="Work with raw log files: mine their templates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

_HEADER_SAMPLE = 300
_EXAMPLE_CHARS = 300
_PROGRESS_STEP = (
    1 << 20
)  # bytes between progress updates: a per-line update costs more than the line
_COLUMNS = ("id", "count", "template", "first_seen", "last_seen", "example")


@logs_app.callback()
def logs_group() -> None:
    """Work with raw log files."""


@dataclass(frozen=True, slots=True)
class _Sighting:
    """Where a line was: enough to say when, computed only for the lines shown."""

    path: Path
    number: int
    line: str
    header: HeaderFormat

    def when(self) -> str:
        parsed = self.header.parse(self.line)
        ts = parsed[2] if parsed is not None else None
        if ts is None:
            return f"{self.path.name}:{self.number}"
        stamp = datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")
        return stamp.replace("+00:00", "Z")


@dataclass(slots=True)
class _Seen:
    first: _Sighting
    last: _Sighting


def _learn_header(path: Path) -> HeaderFormat:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return detect_header(list(islice(handle, _HEADER_SAMPLE)))


def _check_readable(files: list[Path]) -> None:
    for path in files:
        if not path.is_file():
            raise OSError(f"{path}: expected a readable log file, found none; check the path")
        with path.open("rb") as handle:
            handle.read(1)


def mine_files(
    files: list[Path], miner: TemplateMiner, progress: Progress | None = None
) -> dict[int, _Seen]:
    """Feed every message line of ``files`` to ``miner``; first and last seen per template."""
    seen: dict[int, _Seen] = {}
    task = None
    if progress is not None:
        total = sum(p.stat().st_size for p in files)
        task = progress.add_task("mining", total=total)
    for path in files:
        header = _learn_header(path)
        if progress is not None and task is not None:
            progress.update(task, description=f"mining {path.name}")
        pending = 0
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                pending += len(raw)
                if pending >= _PROGRESS_STEP and progress is not None and task is not None:
                    progress.advance(task, pending)
                    pending = 0
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                # The header is split without converting the timestamp: only the first and
                # last sighting of each template are ever shown, converted then.
                parts = header.split(line) if line.strip() else None
                if parts is None or not parts[1]:
                    continue  # blank, or a continuation of the previous message
                template_id = miner.add(parts[1])
                entry = seen.get(template_id)
                if entry is None:
                    here = _Sighting(path, number, line, header)
                    seen[template_id] = _Seen(here, here)
                else:
                    entry.last = _Sighting(path, number, line, header)
        if progress is not None and task is not None:
            progress.advance(task, pending)
    return seen


def _rows(miner: TemplateMiner, seen: dict[int, _Seen], top: int | None) -> list[list[str]]:
    templates = sorted(miner.templates(), key=lambda t: (-t.count, t.id))
    if top is not None:
        templates = templates[:top]
    rows: list[list[str]] = []
    for t in templates:
        when = seen.get(t.id)
        first, last = (when.first.when(), when.last.when()) if when is not None else ("", "")
        example = t.example[:_EXAMPLE_CHARS]
        rows.append([str(t.id), str(t.count), t.text, first, last, example])
    return rows


@logs_app.command("mine")
def mine_command(
    files: Annotated[list[Path], typer.Argument(help="Log files to mine, read as streams.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every template to this CSV.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Templates shown in the table.")] = 20,
) -> None:
    """Mine the log templates of FILE... and show the most frequent ones."""
    console = Console()
    try:
        _check_readable(files)
    except OSError as exc:
        Console(stderr=True).print(f"[red]cannot read log file: {exc}[/red]")
        raise typer.Exit(2) from exc
    miner = TemplateMiner()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            seen = mine_files(files, miner, progress)
    except OSError as exc:
        Console(stderr=True).print(f"[red]reading failed: {exc}; check the file and retry[/red]")
        raise typer.Exit(2) from exc
    table = Table(title=f"{len(miner)} templates in {len(files)} file(s)")
    for name in _COLUMNS:
        table.add_column(name, justify="right" if name in ("id", "count") else "left")
    for row in _rows(miner, seen, top):
        table.add_row(*row)
    console.print(table)
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(_COLUMNS)
            writer.writerows(_rows(miner, seen, None))
        console.print(f"wrote {len(miner)} templates to {out}")
