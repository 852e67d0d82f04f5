"""The tribunal on a hand-made evidence pack: offline, and with a scripted model for one role."""

from __future__ import annotations

from typing import Any

from tests.factories import sample_incident, sample_pack
from warroom.agents.case import CaseFile
from warroom.config import Settings
from warroom.domain import (
    Citation,
    Claim,
    FaultType,
    Hypothesis,
    LogFindings,
    RunEventType,
)
from warroom.flows.debate import Tribunal
from warroom.llm import UsageLedger
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply


class ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[RunEventType, str | None, dict[str, Any]]] = []

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        self.events.append((type, role, payload))


def case(lang: str = "en") -> CaseFile:
    return CaseFile(incident=sample_incident(), pack=sample_pack(), lang=lang)


def offline_settings(**kw: Any) -> Settings:
    return Settings(llm_base_url=None, **kw)


async def test_tribunal_convicts_the_component_whose_own_behaviour_changed_first() -> None:
    settings = offline_settings()
    result = await Tribunal(case(), settings=settings, ledger=UsageLedger(settings)).run(3)
    v = result.verdict
    assert v.component == "payment"
    assert v.fault_type is FaultType.EXCEPTION
    assert v.code_location == "PaymentServiceImpl#87"
    assert v.responsible_team == "payments-team"
    assert v.rollback_recommended is True
    assert v.evidence_chain and all(link.evidence_ids for link in v.evidence_chain)
    assert {a.component for a in v.alternatives} >= {"order"}
    assert not v.degraded_roles


async def test_tribunal_stops_early_when_nothing_new_is_raised() -> None:
    settings = offline_settings()
    result = await Tribunal(case(), settings=settings, ledger=UsageLedger(settings)).run(3)
    assert result.consensus
    assert result.rounds < 3
    roles = [t.role for t in result.turns]
    assert roles[:3] == ["LogAgent", "DomainAgent", "CodeAgent"]
    assert roles[-1] == "JudgeAgent"
    assert "CriticAgent" in roles


async def test_victim_caller_loses_with_the_reason_given() -> None:
    settings = offline_settings()
    result = await Tribunal(case(), settings=settings, ledger=UsageLedger(settings)).run(3)
    order = next(a for a in result.verdict.alternatives if a.component == "order")
    assert "payment" in order.why_lost


async def test_zero_rounds_goes_straight_to_the_judge() -> None:
    settings = offline_settings()
    result = await Tribunal(case(), settings=settings, ledger=UsageLedger(settings)).run(0)
    assert result.rounds == 0
    assert result.verdict.component == "payment"


async def test_offline_reasoner_speaks_chinese_when_asked() -> None:
    settings = offline_settings()
    result = await Tribunal(case("zh"), settings=settings, ledger=UsageLedger(settings)).run(3)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.verdict.root_cause)


async def test_events_are_emitted_for_every_turn_and_the_verdict() -> None:
    settings = offline_settings()
    sink = ListSink()
    result = await Tribunal(case(), settings=settings, ledger=UsageLedger(settings), sink=sink).run(
        3
    )
    messages = [e for e in sink.events if e[0] is RunEventType.AGENT_MESSAGE]
    assert len(messages) == len(result.turns)
    assert sink.events[-1][0] is RunEventType.VERDICT


async def test_model_claims_with_bad_citations_are_struck_before_the_judge() -> None:
    bogus = LogFindings(
        confidence=0.99,
        suspected_components=["stock"],
        hypotheses=[
            Hypothesis(
                component="stock",
                fault_type=FaultType.EXCEPTION,
                statement="stock is broken",
                confidence=0.99,
                claims=[
                    Claim(
                        text="made up",
                        citations=[Citation(evidence_id="log:exc:ghost", role="cause")],
                    ),
                    Claim(
                        text="wrong one",
                        citations=[Citation(evidence_id="log:exc:payment:1", role="cause")],
                    ),
                ],
            )
        ],
    )
    with ScriptedOpenAIServer() as server:
        server.enqueue(ScriptedReply.output(bogus))
        settings = Settings(
            llm_base_url=server.base_url,
            llm_role_models={"log": "scripted-log"},
            llm_timeout_s=5,
            llm_backoff_s=0.01,
        )
        sink = ListSink()
        result = await Tribunal(
            case(), settings=settings, ledger=UsageLedger(settings), sink=sink
        ).run(3)
    reasons = {(s.component, s.reason) for s in result.struck}
    assert ("stock", "unknown_evidence") in reasons
    assert ("stock", "wrong_entity") in reasons
    assert result.verdict.component == "payment"
    stock = next(a for a in result.verdict.alternatives if a.component == "stock")
    assert stock.confidence == 0.0
    assert any(e[0] is RunEventType.CLAIM_STRUCK for e in sink.events)
    assert server.requests[0].model == "scripted-log"


async def test_a_role_whose_model_keeps_failing_degrades_and_the_verdict_says_so() -> None:
    with ScriptedOpenAIServer() as server:
        server.enqueue(*[ScriptedReply.status_error(503) for _ in range(3)])
        settings = Settings(
            llm_base_url=server.base_url,
            llm_role_models={"judge": "scripted-judge"},
            llm_max_retries=2,
            llm_timeout_s=5,
            llm_backoff_s=0.01,
        )
        ledger = UsageLedger(settings)
        result = await Tribunal(case(), settings=settings, ledger=ledger).run(3)
    assert result.verdict.component == "payment"
    assert "JudgeAgent" in result.verdict.degraded_roles
    judge_row = next(r for r in ledger.rows() if r.role == "judge")
    assert judge_row.degraded and judge_row.degraded_reason
