"""Specification of the Loghub runner on a tiny labelled sample written to a temp folder."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from warroom.bench.loghub import (
    SystemResult,
    find_systems,
    loghub_command,
    overall_speed,
    read_messages,
    speed_table,
    time_parsers,
)


def _sample(root: Path) -> None:
    folder = root / "Toy"
    folder.mkdir(parents=True)
    lines, rows = [], []
    for i in range(40):
        if i % 2:
            content, template = f"Served block blk_{i} to /10.0.0.{i}", "Served block <*> to <*>"
        else:
            content, template = f"Deleting file {i}", "Deleting file <*>"
        lines.append(f"081109 2035{i % 10:02d} {100 + i} INFO dfs.DataNode: {content}\n")
        rows.append([i + 1, content, template])
    (folder / "Toy_2k.log").write_text("".join(lines))
    with (folder / "Toy_2k.log_structured_corrected.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LineId", "Content", "EventTemplate"])
        writer.writerows(rows)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(loghub_command)
    return app


def test_runner_finds_systems_and_strips_the_learned_header(tmp_path: Path) -> None:
    _sample(tmp_path)
    (system,) = find_systems(tmp_path)
    assert system.name == "Toy" and system.truth is not None
    messages = read_messages(system.log)
    assert messages[0] == "Deleting file 0"
    assert messages[1] == "Served block blk_1 to /10.0.0.1"


def test_runner_writes_structured_csv_and_prints_scores(tmp_path: Path) -> None:
    _sample(tmp_path / "data")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        _app(),
        ["--data", str(tmp_path / "data"), "--out", str(out), "--runs", "1"],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    with (out / "Toy_2k.log_structured.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40
    assert rows[1]["EventTemplate"] == "Served block <*> to <*>"
    assert "Toy" in result.output and "1.000" in result.output
    assert "drain3" in result.output and "ratio" in result.output
    assert "all lines / all seconds" in result.output


def test_runner_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["--data", str(tmp_path / "nope"), "--out", str(tmp_path), "--no-drain"]
    )
    assert result.exit_code == 2


def test_time_parsers_alternates_order_and_takes_the_median() -> None:
    calls: list[str] = []

    def parser(name: str) -> Callable[[list[str]], list[str]]:
        def parse(messages: list[str]) -> list[str]:
            calls.append(name)
            return [name] * len(messages)

        return parse

    timed = time_parsers({"a": parser("a"), "b": parser("b")}, ["x", "y"], runs=3)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert timed["a"][0] == ["a", "a"] and timed["b"][0] == ["b", "b"]
    assert all(seconds >= 0.0 for _, seconds in timed.values())


def test_time_parsers_refuses_zero_runs() -> None:
    with pytest.raises(ValueError, match="runs"):
        time_parsers({"a": lambda m: m}, ["x"], runs=0)


def test_overall_speed_is_all_lines_over_all_seconds() -> None:
    results = [SystemResult(None, 1000, 1.0), SystemResult(None, 3000, 0.5)]
    # Not the mean of 1,000 and 6,000 lines per second.
    assert overall_speed(results) == pytest.approx(4000 / 1.5)


def test_speed_table_shows_each_ratio_and_the_overall_one() -> None:
    ours = [SystemResult(None, 100, 0.1), SystemResult(None, 100, 0.3)]
    theirs = [SystemResult(None, 100, 0.3), SystemResult(None, 100, 0.6)]
    console = Console(width=120, record=True)
    console.print(speed_table(["A", "B"], ours, theirs))
    text = console.export_text()
    assert "3.00x" in text and "2.00x" in text
    assert "2.25x" in text  # 200 lines / 0.4 s against 200 lines / 0.9 s
