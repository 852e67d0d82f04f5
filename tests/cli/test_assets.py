"""`warroom assets ...` over the local store, and `warroom investigate` using what it keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.assets.repos import (
    JAVA_AT,
    JAVA_SERVICE_FILE,
    SampleRepo,
    build_java_repo,
    write_incident_logs,
)
from warroom.cli import app

DESIGN = Path(__file__).parents[1] / "assets" / "design" / "data"
AT = "2024-03-21 10:15:00"


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("WARROOM_DATA_DIR", str(data))
    monkeypatch.delenv("WARROOM_DATABASE_URL", raising=False)
    return data


@pytest.fixture
def java(tmp_path: Path) -> SampleRepo:
    return build_java_repo(tmp_path / "repos")


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def sources() -> list[dict[str, Any]]:
    listed = run("assets", "list", "--json")
    assert listed.exit_code == 0, listed.output
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def test_add_repo_prints_stats_and_keeps_the_graph(store_dir: Path, java: SampleRepo) -> None:
    added = run("assets", "add-repo", str(java.path), "--service", "order-service")
    assert added.exit_code == 0, added.output
    assert "commits" in added.stdout and "methods" in added.stdout
    [source] = sources()
    assert source["kind"] == "repository" and source["location"] == str(java.path.resolve())
    assert source["stats"]["service"] == "order-service"
    assert source["stats"]["head"] == java.commits[-1]
    assert source["id"] in added.stdout
    table = run("assets", "list")
    assert table.exit_code == 0 and "repository" in table.stdout
    # Adding it again replaces it.
    assert run("assets", "add-repo", str(java.path)).exit_code == 0
    assert [s["id"] for s in sources()] == [source["id"]]


def test_add_repo_of_a_folder_that_is_not_a_repository_exits_2(
    store_dir: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run("assets", "add-repo", str(plain))
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr
    assert run("assets", "add-repo", str(tmp_path / "gone")).exit_code == 2
    assert sources() == []


def test_add_design_and_remove(store_dir: Path, tmp_path: Path) -> None:
    added = run("assets", "add-design", str(DESIGN), "--name", "shop design")
    assert added.exit_code == 0, added.output
    assert "openapi" in added.stdout and "ddl" in added.stdout
    [source] = sources()
    assert source["kind"] == "design" and source["location"] == "shop design"
    removed = run("assets", "remove", source["id"])
    assert removed.exit_code == 0 and sources() == []
    again = run("assets", "remove", source["id"])
    assert again.exit_code == 2 and "no source with id" in again.stderr


def test_add_design_refuses_what_gives_nothing(store_dir: Path, tmp_path: Path) -> None:
    blob = tmp_path / "notes.bin"
    blob.write_bytes(b"\x00\x01\x02")
    result = run("assets", "add-design", str(blob))
    assert result.exit_code == 2 and "nothing was stored" in result.stderr
    missing = run("assets", "add-design", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    reserved = run("assets", "add-design", str(DESIGN), "--name", "case:inc_1")
    assert reserved.exit_code == 2
    assert sources() == []


def test_path_and_show(store_dir: Path, java: SampleRepo) -> None:
    assert run("assets", "add-repo", str(java.path)).exit_code == 0
    found = run("assets", "path", f"service:{java.service}", java.bug_method)
    assert found.exit_code == 0, found.output
    lines = found.stdout.splitlines()
    assert lines[0] == f"service:{java.service}"
    assert java.bug_method in lines[-1]
    as_json = json.loads(run("assets", "path", java.bug_class, java.bug_method, "--json").stdout)
    assert [n["id"] for n in as_json["nodes"]] == [java.bug_class, java.bug_method]
    none = run(
        "assets",
        "path",
        f"file:{JAVA_SERVICE_FILE}",
        "repository:order-service",
        "--directed",
    )
    assert none.exit_code == 1 and "no path" in none.stderr
    unknown = run("assets", "path", "class:com.nowhere.X", java.bug_method)
    assert unknown.exit_code == 2 and "holds no node" in unknown.stderr

    shown = run("assets", "show", java.bug_class)
    assert shown.exit_code == 0, shown.output
    assert "role: service" in shown.stdout and "contains" in shown.stdout
    near = json.loads(run("assets", "show", java.bug_method, "--direction", "in", "--json").stdout)
    assert near["node"]["id"] == java.bug_method
    assert java.bug_class in {n["id"] for n in near["nodes"]}
    assert run("assets", "show", "planet:mars").exit_code == 2
    assert run("assets", "show", java.bug_class, "--direction", "sideways").exit_code == 2


def test_investigate_uses_the_stored_assets_unless_told_not_to(
    store_dir: Path, java: SampleRepo, tmp_path: Path
) -> None:
    logs = write_incident_logs(java, tmp_path / "logs", JAVA_AT)
    assert run("assets", "add-repo", str(java.path)).exit_code == 0
    assert run("assets", "add-design", str(DESIGN)).exit_code == 0
    used = run("investigate", str(logs), "--at", AT, "-f", "json", "-q")
    assert used.exit_code == 0, used.output
    assert "using stored assets" in used.stderr and "repository order-service" in used.stderr
    report = json.loads(used.stdout)
    assert report["verdict"]["suspect_commit"] == java.bug_commit
    # The investigation's graph joined the store.
    assert any(s["kind"] == "incident" for s in sources())

    skipped = run("investigate", str(logs), "--at", AT, "-f", "json", "-q", "--no-assets")
    assert skipped.exit_code == 0, skipped.output
    assert "using stored assets" not in skipped.stderr
    assert json.loads(skipped.stdout)["verdict"]["suspect_commit"] is None
