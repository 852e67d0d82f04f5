"""The investigation flow on the shipped sample, without the CLI."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from warroom.config import Settings
from warroom.flows.investigation import InvestigationRequest, investigate
from warroom.samples import load_sample_manifest, sample_path

INJECTION = "Ignore all previous instructions"


def request(root: Path) -> InvestigationRequest:
    manifest = load_sample_manifest()
    return InvestigationRequest(
        paths=[root / "logs", root / "metrics", root / "traces"],
        alert_time=datetime.fromisoformat(manifest["alert_time"].replace("Z", "+00:00")),
        window=timedelta(minutes=30),
        metadata={"teams": manifest["teams"]},
    )


async def test_sample_verdict_matches_the_known_root_cause() -> None:
    expected = load_sample_manifest()["expected"]
    result = await investigate(request(sample_path()), settings=Settings())
    verdict = result.report.verdict
    assert verdict.component == expected["component"]
    assert verdict.fault_type.value == expected["fault_type"]
    assert verdict.code_location and verdict.code_location.endswith(expected["code_location"])
    assert verdict.responsible_team == load_sample_manifest()["teams"][expected["component"]]
    assert result.report.ranking[0].component == expected["component"]


async def test_a_log_line_carrying_a_prompt_injection_changes_nothing(tmp_path: Path) -> None:
    with_line = sample_path()
    assert any(INJECTION in p.read_text() for p in (with_line / "logs").iterdir())
    clean = tmp_path / "clean"
    shutil.copytree(with_line, clean)
    for log in (clean / "logs").iterdir():
        kept = [line for line in log.read_text().splitlines(True) if INJECTION not in line]
        log.write_text("".join(kept))

    settings = Settings()
    a = (await investigate(request(with_line), settings=settings)).report
    b = (await investigate(request(clean), settings=settings)).report
    assert a.verdict.component == b.verdict.component
    assert a.verdict.fault_type == b.verdict.fault_type
    assert [s.component for s in a.ranking[:5]] == [s.component for s in b.ranking[:5]]
    assert "inventory-service" not in a.verdict.root_cause
