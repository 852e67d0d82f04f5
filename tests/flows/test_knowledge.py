"""Investigations with development and design assets: the verdict names the failing line, the
commit that introduced it and the owning team, and the report shows the path to it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.assets.repos import (
    JAVA_AT,
    SampleRepo,
    build_java_repo,
    build_python_repo,
    write_incident_logs,
)
from warroom.cli import app
from warroom.config import Settings
from warroom.domain.evidence import EvidenceKind
from warroom.flows.investigation import Investigation, InvestigationRequest, investigate
from warroom.report import render_report

DESIGN = Path(__file__).parents[1] / "assets" / "design" / "data"


async def _investigate(
    logs: Path, at: datetime, *, repos: list[Path], design: Sequence[Path] = ()
) -> Investigation:
    request = InvestigationRequest(
        paths=[logs],
        alert_time=at,
        window=timedelta(minutes=30),
        repo_paths=repos,
        design_paths=list(design),
    )
    return await investigate(request, settings=Settings())


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRepo, Path]:
    tmp = tmp_path_factory.mktemp("java")
    repo = build_java_repo(tmp / "repo")
    return repo, write_incident_logs(repo, tmp / "logs", JAVA_AT)


async def test_java_verdict_names_line_commit_and_team(java: tuple[SampleRepo, Path]) -> None:
    repo, logs = java
    result = await _investigate(logs, JAVA_AT, repos=[repo.path])
    verdict = result.report.verdict
    assert verdict.component == repo.service
    assert verdict.code_location == f"{repo.bug_file}:{repo.bug_line}"
    assert verdict.suspect_commit == repo.bug_commit
    assert verdict.responsible_team == repo.team.removeprefix("team:")
    kinds = {e.kind for e in result.pack.items}
    assert {EvidenceKind.CODE_LINK, EvidenceKind.CODE_CHANGE} <= kinds
    # The verdict's chain cites the code evidence, and the citations held.
    cited = {i for link in verdict.evidence_chain for i in link.evidence_ids}
    assert any(i.startswith("code:commit:") for i in cited)
    knowledge = result.report.knowledge
    assert knowledge is not None and knowledge.path is not None
    ids = [n.id for n in knowledge.path.nodes]
    assert ids[0] == f"service:{repo.service}"
    assert repo.bug_method in ids
    assert ids[-1] == f"commit:{repo.bug_commit}"
    placed = knowledge.placement(repo.service)
    assert placed is not None and placed.aggregate_root == "Order"


async def test_java_with_design_places_the_domain_and_recalls_cases(
    java: tuple[SampleRepo, Path],
) -> None:
    repo, logs = java
    result = await _investigate(logs, JAVA_AT, repos=[repo.path], design=[DESIGN])
    knowledge = result.report.knowledge
    assert knowledge is not None
    placed = knowledge.placement(repo.service)
    assert placed is not None
    assert placed.bounded_context == "ordering"
    assert "orders" in placed.tables
    domain = next(t for t in result.report.debate if t.role == "DomainAgent")
    assert domain.payload["output"]["bounded_context"] == "ordering"
    assert domain.payload["output"]["aggregate_root"] == "Order"
    # The past case about the same service comes back, as evidence too.
    assert knowledge.similar_cases and knowledge.similar_cases[0].component == repo.service
    assert any(e.kind is EvidenceKind.SIMILAR_CASE for e in result.pack.items)
    text = render_report(result.report, "md", "en")
    assert "From symptom to cause" in text and repo.bug_commit[:10] in text
    assert "限界上下文" in render_report(result.report, "md", "zh")


async def test_without_assets_nothing_changes(java: tuple[SampleRepo, Path]) -> None:
    _, logs = java
    result = await _investigate(logs, JAVA_AT, repos=[])
    assert result.report.knowledge is None
    assert result.report.verdict.suspect_commit is None
    assert not any(e.kind is EvidenceKind.CODE_LINK for e in result.pack.items)


async def test_python_traceback_links_to_file_line_commit_and_team(tmp_path: Path) -> None:
    repo = build_python_repo(tmp_path / "repo")
    at = datetime(2024, 3, 22, 9, 35, tzinfo=UTC)
    logs = write_incident_logs(repo, tmp_path / "logs", at)
    result = await _investigate(logs, at, repos=[repo.path])
    verdict = result.report.verdict
    assert verdict.component == repo.service
    assert verdict.code_location == f"{repo.bug_file}:{repo.bug_line}"
    assert verdict.suspect_commit == repo.bug_commit
    assert verdict.responsible_team == repo.team.removeprefix("team:")


def test_cli_investigate_with_repo_prints_the_fields(java: tuple[SampleRepo, Path]) -> None:
    repo, logs = java
    run = CliRunner().invoke(
        app,
        [
            "investigate",
            str(logs),
            "--at",
            "2024-03-21 10:15:00",
            "--repo",
            str(repo.path),
            "--format",
            "json",
            "-q",
        ],
    )
    assert run.exit_code == 0, run.output
    verdict = json.loads(run.stdout[: run.stdout.rindex("}") + 1])["verdict"]
    assert verdict["code_location"] == f"{repo.bug_file}:{repo.bug_line}"
    assert verdict["suspect_commit"] == repo.bug_commit
    assert verdict["responsible_team"] == repo.team.removeprefix("team:")


def test_cli_repo_that_is_not_a_git_repository_exits_2(
    java: tuple[SampleRepo, Path], tmp_path: Path
) -> None:
    _, logs = java
    run = CliRunner().invoke(
        app, ["investigate", str(logs), "--at", "2024-03-21 10:15:00", "--repo", str(tmp_path)]
    )
    assert run.exit_code == 2
    assert "git" in run.output.lower()
