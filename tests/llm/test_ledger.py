"""Usage and cost per role, from the scripted endpoint's reported tokens."""

from __future__ import annotations

import pytest

from warroom.config import Settings
from warroom.llm import UsageLedger, run_role
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply

from .conftest import OFFLINE_FINDING, Finding, fast_settings

GOOD = Finding(component="payment", confidence=0.8)


async def ask(settings: Settings, ledger: UsageLedger, role: str) -> None:
    await run_role(
        role,
        output_type=Finding,
        instructions="Judge.",
        prompt="Decide.",
        offline=lambda: OFFLINE_FINDING,
        settings=settings,
        ledger=ledger,
    )


async def test_tokens_and_cost_are_recorded_per_role(server: ScriptedOpenAIServer) -> None:
    settings = fast_settings(
        server,
        llm_role_models={"critic": "qwen-plus"},
        llm_price_per_mtok={"glm-4": (1.0, 2.0)},
    )
    ledger = UsageLedger(settings)
    server.enqueue(
        ScriptedReply.output(GOOD, input_tokens=1000, output_tokens=500),
        ScriptedReply.output(GOOD, input_tokens=300, output_tokens=100),
    )

    await ask(settings, ledger, "judge")
    await ask(settings, ledger, "critic")

    critic, judge = ledger.rows()  # tribunal order, not call order
    assert (judge.role, judge.model, judge.requests) == ("judge", "glm-4", 1)
    assert (judge.input_tokens, judge.output_tokens) == (1000, 500)
    assert judge.cost_usd == pytest.approx(0.001 + 0.001)
    # No price known for qwen-plus: tokens recorded, cost 0.
    assert (critic.model, critic.input_tokens, critic.cost_usd) == ("qwen-plus", 300, 0.0)
    assert ledger.total_cost_usd == pytest.approx(0.002)
    assert ledger.total_tokens == 1900


async def test_tokens_of_rejected_outputs_still_count(server: ScriptedOpenAIServer) -> None:
    settings = fast_settings(server, llm_price_per_mtok={"glm-4": (1.0, 1.0)})
    ledger = UsageLedger(settings)
    server.enqueue(
        ScriptedReply.output({"component": "x"}, input_tokens=100, output_tokens=10),
        ScriptedReply.output(GOOD, input_tokens=200, output_tokens=20),
    )

    await ask(settings, ledger, "judge")

    (row,) = ledger.rows()
    assert (row.requests, row.input_tokens, row.output_tokens) == (2, 300, 30)
    assert row.cost_usd == pytest.approx(330 / 1_000_000)
    assert row.degraded is False


async def test_repeated_calls_of_a_role_add_up_and_remember_degradation(
    server: ScriptedOpenAIServer,
) -> None:
    settings = fast_settings(server, llm_max_retries=0)
    ledger = UsageLedger(settings)
    server.enqueue(ScriptedReply.output(GOOD), ScriptedReply.status_error(500))

    await ask(settings, ledger, "critic")
    await ask(settings, ledger, "critic")

    (row,) = ledger.rows()
    assert (row.requests, row.input_tokens, row.degraded) == (2, 10, True)
    assert row.degraded_reason is not None
    assert row.degraded_reason.startswith("critic: model 'glm-4' failed with HTTP 500")


def test_unpriced_model_costs_nothing() -> None:
    ledger = UsageLedger(Settings(llm_price_per_mtok={"deepseek-chat": (0.27, 1.1)}))

    assert ledger.cost_usd("gpt-4o", 10**6, 10**6) == 0.0
    assert ledger.cost_usd("deepseek-chat", 10**6, 10**6) == pytest.approx(1.37)


async def test_usage_adds_up_across_attempts_after_a_failed_request(
    server: ScriptedOpenAIServer,
) -> None:
    settings = fast_settings(server)
    ledger = UsageLedger(settings)
    server.enqueue(
        ScriptedReply.text("no tool call", input_tokens=40, output_tokens=4),
        ScriptedReply.status_error(503),
        ScriptedReply.output(GOOD, input_tokens=60, output_tokens=6),
    )

    await ask(settings, ledger, "judge")

    (row,) = ledger.rows()
    assert (row.requests, row.input_tokens, row.output_tokens, row.degraded) == (3, 100, 10, False)
