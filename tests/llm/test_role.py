"""run_role against a scripted OpenAI-compatible server: typed output, retries, fallback."""

from __future__ import annotations

import json
import socket

import pytest
from pydantic import BaseModel

from warroom.config import Settings
from warroom.domain.debate import (
    Citation,
    Claim,
    CodeFindings,
    Critique,
    DomainFindings,
    FaultType,
    LogFindings,
    Objection,
    Rebuttal,
    Response,
)
from warroom.domain.verdict import EvidenceLink, RiskLevel, Verdict
from warroom.llm import RoleOutcome, UsageLedger, run_role
from warroom.llm import role as role_module
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply

from .conftest import OFFLINE_FINDING, Finding, fast_settings

GOOD = Finding(component="payment", confidence=0.8)


def offline() -> Finding:
    return OFFLINE_FINDING


async def ask(
    settings: Settings, ledger: UsageLedger | None = None, role: str = "judge"
) -> RoleOutcome[Finding]:
    return await run_role(
        role,
        output_type=Finding,
        instructions="You are the judge. Cite evidence ids.",
        prompt="Which component failed?",
        offline=offline,
        settings=settings,
        ledger=ledger or UsageLedger(settings),
    )


async def test_role_runs_offline_reasoner_when_no_base_url() -> None:
    settings = Settings(llm_model="glm-4")
    ledger = UsageLedger(settings)

    outcome = await ask(settings, ledger)

    assert outcome.output == OFFLINE_FINDING
    assert (outcome.model, outcome.degraded, outcome.attempts) == ("offline", False, 0)
    assert [(r.role, r.model, r.requests) for r in ledger.rows()] == [("judge", "offline", 0)]


async def test_output_delivered_as_tool_call_is_parsed_into_the_typed_model(
    server: ScriptedOpenAIServer,
) -> None:
    critique = Critique(
        objections=[Objection(target="order", kind="victim", text="order only reacts")],
        summary="order is a victim",
    )
    server.enqueue(ScriptedReply.output(critique))

    outcome = await run_role(
        "critic",
        output_type=Critique,
        instructions="Attack the hypotheses.",
        prompt="Table: order, payment",
        offline=Critique,
        settings=fast_settings(server),
        ledger=UsageLedger(fast_settings(server)),
    )

    assert outcome.output == critique
    assert (outcome.model, outcome.degraded, outcome.attempts) == ("glm-4", False, 1)


async def test_each_role_sends_the_model_named_for_it_in_settings(
    server: ScriptedOpenAIServer,
) -> None:
    settings = fast_settings(server, llm_role_models={"judge": "deepseek-chat"})
    server.enqueue(ScriptedReply.output(GOOD), ScriptedReply.output(GOOD))

    judged = await ask(settings, role="judge")
    criticised = await ask(settings, role="critic")

    assert [r.model for r in server.requests] == ["deepseek-chat", "glm-4"]
    assert (judged.model, criticised.model) == ("deepseek-chat", "glm-4")


async def test_instructions_prompt_and_tools_reach_the_model(server: ScriptedOpenAIServer) -> None:
    def get_evidence(ids: list[str]) -> str:
        """Full records (JSON) of the given evidence ids."""
        return json.dumps({i: f"record of {i}" for i in ids})

    server.enqueue(
        ScriptedReply.tool_call("get_evidence", {"ids": ["log:tmpl:17"]}),
        ScriptedReply.output(GOOD),
    )
    settings = fast_settings(server)

    outcome = await run_role(
        "judge",
        output_type=Finding,
        instructions="You are the judge. Cite evidence ids.",
        prompt="Which component failed?",
        offline=offline,
        settings=settings,
        ledger=UsageLedger(settings),
        tools=[get_evidence],
    )

    first, second = server.requests
    assert "You are the judge" in first.text_of("system")
    assert "Which component failed?" in first.text_of("user")
    assert set(first.tool_names) == {"get_evidence", "final_result"}
    assert "record of log:tmpl:17" in second.text_of("tool")
    # A call of the role's own tool is work, not a failed attempt.
    assert (outcome.output, outcome.attempts) == (GOOD, 1)


async def test_malformed_body_then_good_reply_succeeds_on_second_attempt(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(ScriptedReply.malformed(), ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server))

    assert (outcome.output, outcome.degraded, outcome.attempts) == (GOOD, False, 2)


async def test_plain_text_instead_of_output_then_good_succeeds_on_second_attempt(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(ScriptedReply.text("I think it is payment."), ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server))

    assert (outcome.output, outcome.attempts) == (GOOD, 2)


async def test_broken_json_arguments_then_good_succeeds_on_second_attempt(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(ScriptedReply.output('{"component": "pay'), ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server))

    assert (outcome.output, outcome.attempts) == (GOOD, 2)


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_retryable_http_error_then_good_succeeds_on_second_attempt(
    server: ScriptedOpenAIServer, status: int
) -> None:
    server.enqueue(ScriptedReply.status_error(status), ScriptedReply.output(GOOD))
    settings = fast_settings(server)
    ledger = UsageLedger(settings)

    outcome = await ask(settings, ledger)

    assert (outcome.output, outcome.degraded, outcome.attempts) == (GOOD, False, 2)
    assert ledger.rows()[0].requests == 2


async def test_timeouts_beyond_the_bound_fall_back_to_offline_with_a_reason(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(*[ScriptedReply.output(GOOD).delayed(2.0)] * 3)
    settings = fast_settings(server, llm_timeout_s=0.2)
    ledger = UsageLedger(settings)

    outcome = await ask(settings, ledger)

    assert outcome.output == OFFLINE_FINDING
    assert (outcome.degraded, outcome.attempts, outcome.model) == (True, 3, "glm-4")
    assert outcome.degraded_reason == (
        "judge: model 'glm-4' timed out (limit 0.2 s) after 3 attempts; used the offline reasoner"
    )
    row = ledger.rows()[0]
    assert (row.degraded, row.degraded_reason) == (True, outcome.degraded_reason)
    assert len(server.requests) == 3


async def test_repeated_schema_failures_fall_back_to_offline(server: ScriptedOpenAIServer) -> None:
    bad = ScriptedReply.output({"component": "payment", "confidence": 7})
    server.enqueue(bad, bad, bad, ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server))

    assert (outcome.output, outcome.degraded, outcome.attempts) == (OFFLINE_FINDING, True, 3)
    assert outcome.degraded_reason is not None
    assert "does not fit Finding (confidence: Input should be less than or equal to 1)" in (
        outcome.degraded_reason
    )
    assert "after 3 attempts" in outcome.degraded_reason
    # pydantic-ai's own output retries spent the same budget: the good reply was never asked for.
    assert (len(server.requests), server.pending) == (3, 1)


async def test_http_and_output_failures_share_one_retry_bound(server: ScriptedOpenAIServer) -> None:
    bad = ScriptedReply.output({"component": "payment"})
    server.enqueue(ScriptedReply.status_error(429), bad, bad, ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server, llm_max_retries=2))

    assert (outcome.degraded, outcome.attempts) == (True, 3)
    assert (len(server.requests), server.pending) == (3, 1)


async def test_rejected_request_falls_back_without_retrying(server: ScriptedOpenAIServer) -> None:
    server.enqueue(ScriptedReply.status_error(401, "invalid api key"), ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server))

    assert (outcome.degraded, outcome.attempts) == (True, 1)
    assert outcome.degraded_reason is not None
    assert "HTTP 401" in outcome.degraded_reason
    assert "invalid api key" in outcome.degraded_reason
    assert server.pending == 1


async def test_zero_retries_means_a_single_attempt(server: ScriptedOpenAIServer) -> None:
    server.enqueue(ScriptedReply.text("not an answer"), ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server, llm_max_retries=0))

    assert (outcome.degraded, outcome.attempts, len(server.requests)) == (True, 1, 1)


async def test_exception_inside_a_tool_is_raised_not_hidden(server: ScriptedOpenAIServer) -> None:
    def get_evidence(ids: list[str]) -> str:
        """Full records of the given evidence ids."""
        raise KeyError(ids[0])

    server.enqueue(ScriptedReply.tool_call("get_evidence", {"ids": ["x"]}))
    settings = fast_settings(server)

    with pytest.raises(KeyError):
        await run_role(
            "judge",
            output_type=Finding,
            instructions="Judge.",
            prompt="Decide.",
            offline=offline,
            settings=settings,
            ledger=UsageLedger(settings),
            tools=[get_evidence],
        )


TRIBUNAL_OUTPUTS: list[BaseModel] = [
    LogFindings(exception_type="TimeoutError", suspected_components=["payment"], confidence=0.7),
    DomainFindings(domain="orders", affected_entities=["Order"]),
    CodeFindings(
        root_cause="pool exhausted",
        evidence_chain=[Claim(text="pool at max", citations=[Citation(evidence_id="m:1")])],
        confidence=0.6,
    ),
    Critique(objections=[Objection(target="order", text="victim")]),
    Rebuttal(responses=[Response(target="payment", text="first", revised_confidence=0.8)]),
    Verdict(
        root_cause="payment's connection pool is exhausted",
        evidence_chain=[EvidenceLink(statement="pool at max", evidence_ids=["m:1"])],
        fix_suggestion="raise the pool size",
        impact_analysis="checkout fails",
        risk_level=RiskLevel.HIGH,
        rollback_recommended=False,
        responsible_team="payments",
        confidence=0.8,
        component="payment",
        fault_type=FaultType.DEPENDENCY,
    ),
]


@pytest.mark.parametrize("expected", TRIBUNAL_OUTPUTS, ids=lambda m: type(m).__name__)
async def test_every_tribunal_output_type_arrives_typed_from_the_model(
    server: ScriptedOpenAIServer, expected: BaseModel
) -> None:
    server.enqueue(ScriptedReply.output(expected))
    settings = fast_settings(server)

    outcome = await run_role(
        "judge",
        output_type=type(expected),
        instructions="Answer.",
        prompt="Case.",
        offline=lambda: expected.model_copy(),
        settings=settings,
        ledger=UsageLedger(settings),
    )

    assert (outcome.output, outcome.degraded) == (expected, False)
    assert server.requests[0].tool_names == ["final_result"]


async def test_retries_back_off_exponentially(
    server: ScriptedOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(role_module, "pause", record_sleep)
    server.enqueue(*[ScriptedReply.status_error(500)] * 3, ScriptedReply.output(GOOD))

    outcome = await ask(fast_settings(server, llm_max_retries=3, llm_backoff_s=0.5))

    assert (outcome.output, outcome.attempts) == (GOOD, 4)
    assert waits == [0.5, 1.0, 2.0]


async def test_unreachable_endpoint_falls_back_with_its_address() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        llm_base_url=f"http://127.0.0.1:{port}/v1",
        llm_model="glm-4",
        llm_timeout_s=0.3,
        llm_backoff_s=0.0,
    )

    outcome = await ask(settings)

    assert outcome.output == OFFLINE_FINDING
    assert outcome.degraded_reason is not None
    assert f"could not be reached at http://127.0.0.1:{port}/v1" in outcome.degraded_reason


async def test_model_looping_on_tools_is_cut_off_and_degrades(server: ScriptedOpenAIServer) -> None:
    def get_evidence(ids: list[str]) -> str:
        """Full records of the given evidence ids."""
        return "{}"

    server.enqueue(*[ScriptedReply.tool_call("get_evidence", {"ids": ["a"]})] * 20)
    settings = fast_settings(server)

    outcome = await run_role(
        "judge",
        output_type=Finding,
        instructions="Judge.",
        prompt="Decide.",
        offline=offline,
        settings=settings,
        ledger=UsageLedger(settings),
        tools=[get_evidence],
    )

    assert (outcome.output, outcome.degraded) == (OFFLINE_FINDING, True)
    assert outcome.degraded_reason is not None
    assert "kept calling tools" in outcome.degraded_reason
    assert len(server.requests) < 20
