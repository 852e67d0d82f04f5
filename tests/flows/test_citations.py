from tests.factories import sample_pack
from warroom.domain import Citation, Claim, Hypothesis
from warroom.flows.citations import CitationChecker


def checker() -> CitationChecker:
    pack = sample_pack()
    return CitationChecker(pack.items, pack.stats["call_graph"])


def claim(*cites: tuple[str, str]) -> Claim:
    return Claim(text="t", citations=[Citation(evidence_id=i, role=r) for i, r in cites])  # type: ignore[arg-type]


def test_claim_citing_own_evidence_stands() -> None:
    assert (
        checker().check_claim(claim(("log:exc:payment:1", "cause")), component="payment", by="x")
        is None
    )


def test_critic_strikes_claim_citing_unknown_evidence() -> None:
    struck = checker().check_claim(claim(("log:exc:nope", "cause")), component="payment", by="x")
    assert struck is not None
    assert struck.reason == "unknown_evidence"
    assert struck.evidence_id == "log:exc:nope"


def test_claim_citing_evidence_about_another_component_as_cause_is_struck() -> None:
    struck = checker().check_claim(claim(("log:err:web", "cause")), component="payment", by="x")
    assert struck is not None and struck.reason == "wrong_entity"


def test_effect_in_a_connected_caller_is_accepted() -> None:
    c = claim(("metric:payment:latency", "cause"), ("log:err:web", "effect"))
    assert checker().check_claim(c, component="payment", by="x") is None


def test_effect_in_an_unconnected_component_is_struck() -> None:
    pack = sample_pack()
    chk = CitationChecker(pack.items, {"web": ["order"]})  # stock not connected to web
    c = claim(("log:err:web", "cause"), ("log:tmpl:stock:1", "effect"))
    struck = chk.check_claim(c, component="web", by="x")
    assert struck is not None and struck.reason == "wrong_entity"


def test_effect_that_began_before_its_cause_is_struck() -> None:
    # web's errors (14:06:30) cannot be the cause of order's errors (14:06) ... but the other
    # way round: payment latency (14:05) claimed as effect of web errors (14:06:30).
    c = claim(("log:err:web", "cause"), ("metric:payment:latency", "effect"))
    struck = checker().check_claim(c, component="web", by="x")
    assert struck is not None
    assert struck.reason == "effect_before_cause"
    assert struck.evidence_id == "metric:payment:latency"


def test_uncited_claim_is_struck() -> None:
    struck = checker().check_claim(Claim(text="trust me"), component="payment", by="x")
    assert struck is not None and struck.reason == "uncited"


def test_check_hypothesis_keeps_only_sound_claims() -> None:
    h = Hypothesis(
        component="payment",
        statement="s",
        confidence=0.5,
        claims=[claim(("log:exc:payment:1", "cause")), claim(("ghost", "cause"))],
    )
    kept, struck = checker().check_hypothesis(h, by="LogAgent")
    assert len(kept.claims) == 1
    assert [s.reason for s in struck] == ["unknown_evidence"]
    assert struck[0].by == "LogAgent"
