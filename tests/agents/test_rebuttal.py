"""The offline rebuttal answers a 'victim' objection from the engine's propagation-aware rank."""

from __future__ import annotations

from tests.factories import sample_incident, sample_pack
from warroom.agents import critic, rebuttal
from warroom.agents.case import CaseFile
from warroom.agents.reasoning import build_hypothesis


def case_with_scores(order: float, payment: float) -> CaseFile:
    pack = sample_pack()
    for s in pack.ranking:
        if s.component == "order":
            s.score = order
        if s.component == "payment":
            s.score = payment
    pack.ranking = sorted(pack.ranking, key=lambda s: -s.score)
    return CaseFile(incident=sample_incident(), pack=pack)


def answer_for_order(case: CaseFile) -> bool:
    h = build_hypothesis(case, "order", by="test")
    assert h is not None
    objections = [o for o in critic.objections_against(case, h) if o.kind == "victim"]
    assert objections, "order calls payment, which is anomalous: the critic must object"
    reply = rebuttal.offline(case, [h], critic.Critique(objections=objections))
    (response,) = reply.responses
    return response.conceded


def test_a_caller_weaker_than_its_anomalous_callee_concedes() -> None:
    assert answer_for_order(case_with_scores(order=2.0, payment=4.0)) is True


def test_a_caller_that_outranks_its_anomalous_callee_defends_itself() -> None:
    assert answer_for_order(case_with_scores(order=5.0, payment=4.0)) is False
