"""The CLI as a person uses it, through Typer's runner, on a temporary data folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warroom.cli import app
from warroom.samples import load_sample_manifest

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def test_demo_prints_a_verdict_naming_the_known_root_cause() -> None:
    result = runner.invoke(app, ["demo", "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    expected = load_sample_manifest()["expected"]
    assert report["verdict"]["component"] == expected["component"]
    assert report["ranking"][0] == expected["component"]
    for field in (
        "root_cause",
        "evidence_chain",
        "fix_suggestion",
        "impact_analysis",
        "risk_level",
        "rollback_recommended",
        "responsible_team",
        "confidence",
        "component",
        "fault_type",
    ):
        assert field in report["verdict"]
    assert report["verdict"]["evidence_chain"], "a verdict must cite evidence"
    cited = {i for link in report["verdict"]["evidence_chain"] for i in link["evidence_ids"]}
    known = {e["id"] for e in report["evidence"]}
    assert cited <= known


def test_demo_markdown_in_chinese() -> None:
    result = runner.invoke(app, ["demo", "--lang", "zh", "--quiet"])
    assert result.exit_code == 0, result.output
    assert re.search(r"[\u4e00-\u9fff]", result.stdout)


def test_runs_show_replays_the_stored_events() -> None:
    result = runner.invoke(app, ["demo", "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout)["run_id"]
    shown = runner.invoke(app, ["runs", "show", run_id, "--json"])
    assert shown.exit_code == 0, shown.output
    events = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    assert [e["seq"] for e in events] == list(range(len(events)))
    types = {e["type"] for e in events}
    assert {"agent_message", "verdict", "status"} <= types


def test_runs_show_unknown_id_exits_2() -> None:
    result = runner.invoke(app, ["runs", "show", "run_nope"])
    assert result.exit_code == 2
    assert "no run with id" in result.output


def test_investigate_rejects_a_bad_time_with_exit_2(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("2026-03-14 14:00:00 ERROR boom\n")
    result = runner.invoke(app, ["investigate", str(log), "--at", "yesterday-ish"])
    assert result.exit_code == 2
    assert "expected a time like" in result.output


def test_investigate_missing_path_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["investigate", str(tmp_path / "nope"), "--at", "2026-03-14 14:07:00"]
    )
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_investigate_names_the_bad_file_and_still_uses_the_good_ones(tmp_path: Path) -> None:
    from warroom.samples import sample_path

    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"ts": "2026-03-14T14:05:00Z", "msg": "ok", "level": "info"}\n{"ts": oops\n')
    manifest = load_sample_manifest()
    result = runner.invoke(
        app,
        [
            "investigate",
            str(sample_path() / "logs"),
            str(sample_path() / "metrics"),
            str(sample_path() / "traces"),
            str(bad),
            "--at",
            manifest["alert_time"],
            "--format",
            "json",
            "--quiet",
        ],
    )
    assert result.exit_code == 2
    assert "broken.jsonl:2" in result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"]["component"] == manifest["expected"]["component"]


def test_investigate_outside_the_data_window_exits_2_with_advice() -> None:
    from warroom.samples import sample_path

    result = runner.invoke(
        app, ["investigate", str(sample_path()), "--at", "2001-01-01 00:00:00", "--quiet"]
    )
    assert result.exit_code == 2
    assert "check --at" in result.output


def test_investigate_missing_baseline_folder_exits_2(tmp_path: Path) -> None:
    from warroom.samples import sample_path

    result = runner.invoke(
        app,
        [
            "investigate",
            str(sample_path() / "logs"),
            "--baseline",
            str(tmp_path / "nope"),
            "--at",
            "2026-03-14 14:07:00",
        ],
    )
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_demo_writes_a_pdf_report(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = runner.invoke(app, ["demo", "--format", "pdf", "--out", str(target), "--quiet"])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")


def test_pdf_without_an_output_file_exits_2() -> None:
    result = runner.invoke(app, ["demo", "--format", "pdf", "--quiet"])
    assert result.exit_code == 2
    assert "give --out" in result.output
