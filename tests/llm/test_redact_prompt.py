"""No secret reaches a model: prompts are masked before they leave the process."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from warroom.flows.investigation import InvestigationRequest, investigate
from warroom.llm import UsageLedger, run_role
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply
from warroom.samples import load_sample_manifest, sample_path

from .conftest import OFFLINE_FINDING, Finding, fast_settings

SECRET = "Sup3rS3cretValue"
AWS = "AKIAIOSFODNN7EXAMPLE"


def _sent(server: ScriptedOpenAIServer) -> str:
    return "\n".join(json.dumps(r.body) for r in server.requests)


async def test_secrets_in_a_role_prompt_are_masked_before_the_model_sees_them(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(ScriptedReply.output({"component": "db", "confidence": 0.5}))
    settings = fast_settings(server)
    outcome = await run_role(
        "judge",
        output_type=Finding,
        instructions=f"You judge. (operator note: api_key={SECRET})",
        prompt=f"the alert said: login failed password={SECRET} with {AWS}, mail ops@corp.example",
        offline=lambda: OFFLINE_FINDING,
        settings=settings,
        ledger=UsageLedger(settings),
    )
    assert outcome.output.component == "db"
    sent = _sent(server)
    assert server.requests, "the model should have been asked"
    assert SECRET not in sent and AWS not in sent and "ops@corp.example" not in sent
    assert "<redacted:password>" in sent and "<redacted:aws_key>" in sent


async def test_a_secret_in_telemetry_or_the_incident_never_reaches_any_prompt(
    server: ScriptedOpenAIServer, tmp_path: Path
) -> None:
    root = tmp_path / "sample"
    shutil.copytree(sample_path(), root)
    log = sorted((root / "logs").glob("*.log"))[0]
    lines = log.read_text().splitlines(True)
    head = lines[len(lines) // 2].split(" : ")[0]
    lines.insert(len(lines) // 2, f"{head} : db login password={SECRET} token={AWS}\n")
    log.write_text("".join(lines))
    manifest = load_sample_manifest()
    request = InvestigationRequest(
        paths=[root / "logs", root / "metrics", root / "traces"],
        alert_time=datetime.fromisoformat(manifest["alert_time"].replace("Z", "+00:00")),
        window=timedelta(minutes=30),
        description=f"paged; the on-call tried secret={SECRET}",
        metadata={"teams": manifest["teams"]},
    )
    # No reply queued: every request is answered 500 and recorded; the roles fall back.
    settings = fast_settings(server, llm_max_retries=0)
    result = await investigate(request, settings=settings)
    assert server.requests, "the roles should have asked the model"
    sent = _sent(server)
    assert SECRET not in sent and AWS not in sent
    assert result.report.verdict.component == manifest["expected"]["component"]
