"""Specification of `warroom logs mine`: streamed mining, table, CSV, and bad files."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from warroom.cli.logs import logs_app


def _write_log(path: Path, lines: int) -> None:
    with path.open("w") as handle:
        for i in range(lines):
            second = i % 60
            if i % 3 == 0:
                handle.write(
                    f"2024-05-01 10:00:{second:02d},123 INFO pool.Db: "
                    f"Connection to 10.0.0.{i % 9}:5432 opened in {i % 40}ms\n"
                )
            else:
                handle.write(
                    f"2024-05-01 10:01:{second:02d},456 WARN api.Http: "
                    f"Request {i} failed with status 503\n"
                )


def test_logs_mine_prints_a_table_of_templates_with_counts(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    _write_log(log, 3_000)
    result = CliRunner().invoke(logs_app, ["mine", str(log)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Request <*> failed with status <*>" in result.output
    assert "2000" in result.output
    assert "Connection to <*>:<*> opened in <*>" in result.output
    assert "1000" in result.output


def test_logs_mine_writes_every_template_to_csv(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    _write_log(log, 300)
    out = tmp_path / "templates.csv"
    result = CliRunner().invoke(logs_app, ["mine", str(log), "--out", str(out), "--top", "1"])
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    by_text = {r["template"]: r for r in rows}
    assert set(by_text) == {
        "Request <*> failed with status <*>",
        "Connection to <*>:<*> opened in <*>",
    }
    first = by_text["Connection to <*>:<*> opened in <*>"]
    assert first["count"] == "100"
    assert first["first_seen"] == "2024-05-01T10:00:00Z"
    assert first["example"].startswith("Connection to 10.0.0.0:5432")


def test_logs_mine_uses_line_numbers_when_lines_have_no_timestamp(tmp_path: Path) -> None:
    log = tmp_path / "plain.log"
    log.write_text("".join(f"worker {i} started\n" for i in range(10)))
    out = tmp_path / "t.csv"
    result = CliRunner().invoke(logs_app, ["mine", str(log), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(out.open()))
    assert (row["first_seen"], row["last_seen"]) == ("plain.log:1", "plain.log:10")


def test_logs_mine_exits_2_naming_a_missing_file(tmp_path: Path) -> None:
    good = tmp_path / "ok.log"
    good.write_text("worker 1 started\n")
    missing = tmp_path / "missing.log"
    result = CliRunner().invoke(logs_app, ["mine", str(good), str(missing)])
    assert result.exit_code == 2
    assert "missing.log" in result.output
