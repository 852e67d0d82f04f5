from __future__ import annotations

import json

from warroom.domain import Report
from warroom.report import render_report, report_json

SEED_FIELDS = [
    "root_cause",
    "evidence_chain",
    "fix_suggestion",
    "impact_analysis",
    "risk_level",
    "rollback_recommended",
    "responsible_team",
    "confidence",
]


def test_json_has_the_required_top_level_keys_in_a_stable_order(report: Report) -> None:
    data = report_json(report)
    assert list(data) == [
        "verdict",
        "ranking",
        "suspects",
        "incident",
        "evidence",
        "debate",
        "struck",
        "knowledge",
        "usage",
        "rounds",
        "consensus",
        "lang",
        "run_id",
        "generated_at",
    ]


def test_json_verdict_has_every_seed_field_and_the_extras(report: Report) -> None:
    verdict = report_json(report)["verdict"]
    extras = [
        "component",
        "fault_type",
        "code_location",
        "suspect_commit",
        "alternatives",
        "degraded_roles",
    ]
    assert list(verdict) == SEED_FIELDS + extras
    assert verdict["risk_level"] == "high"
    assert verdict["rollback_recommended"] is True
    assert verdict["fault_type"] == "dependency_failure"
    assert verdict["evidence_chain"][2] == {
        "statement": "order and web errors followed a minute later.",
        "evidence_ids": ["log:err:order", "log:err:web"],
    }
    assert verdict["alternatives"][0]["component"] == "order"


def test_json_ranking_is_component_names_best_first(report: Report) -> None:
    data = report_json(report)
    assert data["ranking"] == ["payment", "order", "web"]
    assert [s["rank"] for s in data["suspects"]] == [1, 2, 3]
    assert data["suspects"][0]["evidence_ids"] == ["metric:payment:latency", "log:exc:payment:1"]


def test_json_lists_cited_evidence_first(report: Report) -> None:
    evidence = report_json(report)["evidence"]
    assert [e["id"] for e in evidence] == [
        "metric:payment:latency",
        "log:exc:payment:1",
        "log:err:order",
        "log:err:web",
        "log:tmpl:stock:1",
    ]
    assert [e["cited"] for e in evidence] == [True, True, True, True, False]
    assert evidence[1]["source"]["lines"] == [1204, 1205, 1311]


def test_json_datetimes_are_iso_utc(report: Report) -> None:
    data = report_json(report)
    assert data["generated_at"] == "2026-03-14T14:10:00Z"
    assert data["incident"]["alert_time"] == "2026-03-14T14:07:00Z"
    assert data["evidence"][0]["onset"] == "2026-03-14T14:05:00Z"


def test_rendered_json_round_trips_and_keeps_chinese(report: Report) -> None:
    zh = report.model_copy(update={"lang": "zh"}, deep=True)
    zh.verdict.root_cause = "支付服务数据库连接池耗尽"
    text = render_report(zh, "json", "zh")
    assert "支付服务数据库连接池耗尽" in text
    assert json.loads(text) == report_json(zh)


def test_json_payloads_become_plain_json(report: Report) -> None:
    report.debate[0].payload = {"at": report.generated_at, "score": float("nan"), "ids": ("a",)}
    payload = report_json(report)["debate"][0]["payload"]
    assert payload == {"at": "2026-03-14T14:10:00Z", "score": None, "ids": ["a"]}
    json.dumps(report_json(report), allow_nan=False)
