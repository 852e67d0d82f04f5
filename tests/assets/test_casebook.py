from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.factories import sample_incident, sample_pack
from warroom.assets.casebook import CaseLibrary, case_from_report, query_from_pack, tokens
from warroom.assets.design import load_design
from warroom.assets.design.cases import read_cases_json
from warroom.domain.debate import FaultType
from warroom.domain.graph import GraphFragment, Node, NodeKind
from warroom.domain.verdict import EvidenceLink, Report, RiskLevel, Verdict

CASES = Path(__file__).parent / "design" / "data" / "cases"

# Distractors share words with the queries, so the ranking has something to decide.
OTHERS = [
    {
        "id": "dns",
        "title": "Intermittent DNS resolution failures on GET /api/stock",
        "root_cause": "the node-local DNS cache was evicted under memory pressure; "
        "connection attempts timed out",
        "fix": "raise the cache pod's memory limit",
    },
    {
        "id": "gateway",
        "title": "网关限流配置错误导致下单失败",
        "root_cause": "发布时限流阈值被误改为每秒 10 次，服务大量返回 429",
        "fix": "回滚网关配置",
    },
    {
        "id": "stock-cache",
        "title": "Inventory reads slow after cache node restart",
        "root_cause": "cold cache sent every stock read to the database; connection timeouts",
        "fix": "warm the cache before taking traffic",
    },
]


def _library() -> CaseLibrary:
    design = load_design([CASES])
    extra = read_cases_json(OTHERS, "others.json").fragment
    return CaseLibrary.from_fragment(design.fragment.merge(extra))


def test_tokens_split_latin_words_and_make_cjk_bigrams() -> None:
    assert tokens("HikariPool-1 connections to the DB") == [
        "hikaripool-1",
        "hikari",
        "pool",
        "1",
        "connection",
        "db",
    ]
    assert tokens("连接池耗尽") == ["连接", "接池", "池耗", "耗尽"]
    assert tokens("库") == ["库"]


def test_an_english_query_ranks_the_relevant_case_first() -> None:
    library = _library()

    hits = library.search("HikariPool connection timeouts on GET /api/orders", k=3)

    assert hits[0].case.id == "case:case-2024-031"
    assert len(hits) == 3
    assert {"hikari", "pool", "connection", "timeout"} <= set(hits[0].matched)
    assert hits[0].score > hits[1].score >= hits[2].score


def test_a_chinese_query_ranks_the_relevant_case_first_and_joins_matched_bigrams() -> None:
    library = _library()

    hits = library.search("支付服务堆内存溢出，下单失败")

    assert [h.case.id for h in hits][:2] == ["case:case-ed103f7cc0", "case:gateway"]
    assert hits[0].case.attrs["component"] == "payment-service"
    assert hits[0].matched == ["支付服务", "堆内存溢出", "下单失败"]
    assert hits[1].matched == ["服务", "下单失败"]
    assert hits[0].score > hits[1].score


def test_a_query_with_no_known_term_finds_nothing() -> None:
    assert _library().search("zzz qqq") == []
    assert _library().search("the of and") == []
    assert CaseLibrary().search("connection pool") == []


def test_k_limits_the_hits_and_must_be_positive() -> None:
    library = _library()

    assert len(library.search("cache memory database", k=2)) == 2
    with pytest.raises(ValueError, match="k must be at least 1"):
        library.search("cache", k=0)


def test_only_case_nodes_are_accepted() -> None:
    with pytest.raises(ValueError, match="case nodes"):
        CaseLibrary([Node.make(NodeKind.TABLE, "orders")])


def _report() -> Report:
    pack = sample_pack()
    verdict = Verdict(
        root_cause="payment exhausted its database connection pool after a slow query",
        evidence_chain=[
            EvidenceLink(
                statement="payment threw SQLTransientConnectionException first",
                evidence_ids=["log:exc:payment:1", "metric:payment:latency"],
            )
        ],
        fix_suggestion="add the missing index and cap the pool wait",
        impact_analysis="checkout failed for 12 minutes",
        risk_level=RiskLevel.HIGH,
        rollback_recommended=False,
        responsible_team="payments-team",
        confidence=0.8,
        component="payment",
        fault_type=FaultType.DEPENDENCY,
        code_location="PaymentServiceImpl#87",
    )
    return Report(
        incident=sample_incident(),
        verdict=verdict,
        ranking=pack.ranking,
        evidence=pack.items,
        debate=[],
    )


def test_a_confirmed_verdict_becomes_a_case_keyed_by_the_incident() -> None:
    at = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)

    case = case_from_report(_report(), confirmed_by="alice@example.com", confirmed_at=at)

    assert case.id == "case:inc_test"
    assert case.kind == NodeKind.CASE
    attrs = case.attrs
    assert attrs["title"] == "Checkout failing"
    assert attrs["component"] == "payment"
    assert attrs["fault_type"] == "dependency_failure"
    assert attrs["fix"] == "add the missing index and cap the pool wait"
    assert attrs["occurred_at"] == "2026-03-14T14:07:00+00:00"
    assert (attrs["confirmed_by"], attrs["confirmed_at"]) == ("alice@example.com", at.isoformat())
    # the cited evidence's summaries are part of what a later search sees
    assert "log:exc:payment:1" in attrs["text"]


def test_a_confirmed_case_round_trips_into_a_searchable_case() -> None:
    case = case_from_report(_report(), confirmed_by="alice")
    library = _library()
    library.add(case)
    stored = GraphFragment(nodes=[Node.model_validate_json(case.model_dump_json())])
    reloaded = CaseLibrary.from_fragment(stored)

    query = query_from_pack(sample_pack(), sample_incident())
    assert library.search(query)[0].case.id == "case:inc_test"
    assert reloaded.search("SQLTransientConnectionException checkout")[0].case == case


def test_confirming_without_a_name_is_refused() -> None:
    with pytest.raises(ValueError, match="confirmed_by"):
        case_from_report(_report(), confirmed_by="  ")


def test_query_from_pack_names_title_top_suspect_fault_and_its_evidence() -> None:
    query = query_from_pack(sample_pack(), sample_incident(), summaries=5)

    lines = query.splitlines()
    assert lines[:3] == ["Checkout failing", "payment", "exception"]
    assert "payment log_exception log:exc:payment:1" in lines
    assert "web log_error_rate log:err:web" not in lines
    assert len(query_from_pack(sample_pack(), summaries=1).splitlines()) == 3
