"""Specification of the Loghub runner on a tiny labelled sample written to a temp folder."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from warroom.bench.loghub import find_systems, loghub_command, read_messages


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
        _app(), ["--data", str(tmp_path / "data"), "--out", str(out)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    with (out / "Toy_2k.log_structured.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40
    assert rows[1]["EventTemplate"] == "Served block <*> to <*>"
    assert "Toy" in result.output and "1.000" in result.output
    assert "drain3" in result.output and "ratio" in result.output


def test_runner_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["--data", str(tmp_path / "nope"), "--out", str(tmp_path), "--no-drain"]
    )
    assert result.exit_code == 2
