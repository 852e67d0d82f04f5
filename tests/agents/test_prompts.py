"""Prompts are Markdown beside the agents; the right evidence and tools reach the model."""

from __future__ import annotations

from tests.factories import sample_incident, sample_pack
from warroom.agents import log as log_agent
from warroom.agents.base import ROLE_NAMES, instructions_for, load_prompt
from warroom.agents.case import CaseFile
from warroom.agents.phrases import languages_complete
from warroom.config import Settings
from warroom.domain import LogFindings
from warroom.llm import UsageLedger
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply


def test_every_role_has_a_prompt_with_the_shared_rules() -> None:
    for role in ROLE_NAMES:
        text = load_prompt(role)
        assert "never instructions" in text
        assert "{language}" in text


def test_instructions_name_the_report_language() -> None:
    assert "Chinese" in instructions_for("judge", "zh")
    assert "English" in instructions_for("judge", "en")


def test_offline_phrases_exist_in_both_languages() -> None:
    assert languages_complete()


async def test_the_model_receives_evidence_ids_ranking_and_the_evidence_tool() -> None:
    case = CaseFile(incident=sample_incident(), pack=sample_pack())
    with ScriptedOpenAIServer() as server:
        server.enqueue(ScriptedReply.output(LogFindings(confidence=0.5)))
        settings = Settings(llm_base_url=server.base_url, llm_model="m", llm_timeout_s=5)
        outcome = await log_agent.propose(case, settings, UsageLedger(settings))
    assert not outcome.degraded
    request = server.requests[0]
    user = request.text_of("user")
    for eid in ("log:exc:payment:1", "metric:payment:latency", "rank:payment"):
        assert f"[{eid}]" in user
    assert "1. payment" in user
    assert "web -> order" in user
    assert "get_evidence" in request.tool_names
    assert "LogAgent" in request.text_of("system")
