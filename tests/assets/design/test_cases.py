from __future__ import annotations

from pathlib import Path

import pytest

from warroom.assets.design.cases import (
    case_id,
    fault_type_of,
    looks_like_cases,
    parse_case_markdown,
    read_cases_json,
)
from warroom.domain.graph import EdgeKind, NodeKind

DATA = Path(__file__).parent / "data" / "cases"


def test_markdown_write_up_with_front_matter_becomes_a_case_node() -> None:
    parsed = parse_case_markdown((DATA / "pool-exhausted.md").read_text(), "pool.md")

    assert parsed.errors == []
    case = parsed.fragment.node("case:case-2024-031")
    assert case is not None
    attrs = case.attrs
    assert attrs["title"] == "Order API timeouts: connection pool exhausted"
    assert attrs["summary"].startswith("GET /api/orders/{id} timed out")
    assert "HikariPool-1" in attrs["root_cause"]
    assert attrs["fix"].startswith("Added an index on order_lines")
    assert attrs["component"] == "order-service"
    assert attrs["fault_type"] == "dependency_failure"
    assert attrs["occurred_at"] == "2024-03-14T02:10:00+00:00"
    assert "## Root cause" in attrs["text"]
    assert [(e.src, e.kind, e.dst) for e in parsed.fragment.edges] == [
        ("case:case-2024-031", EdgeKind.IMPLICATES, "service:order-service")
    ]


def test_chinese_write_up_with_label_lines_and_chinese_sections() -> None:
    parsed = parse_case_markdown((DATA / "payment-oom.md").read_text(encoding="utf-8"), "oom.md")

    assert parsed.errors == []
    [case] = [n for n in parsed.fragment.nodes if n.kind == NodeKind.CASE]
    assert case.attrs["title"] == "支付服务内存溢出导致下单失败"
    assert case.attrs["component"] == "payment-service"
    assert case.attrs["fault_type"] == "memory_pressure"
    assert case.attrs["occurred_at"] == "2024-05-02T14:30:00"
    assert case.attrs["summary"] == "下单接口大量返回 500，支付回调堆积。"
    assert "OutOfMemoryError" in case.attrs["root_cause"]
    assert case.attrs["fix"].startswith("为本地缓存设置容量上限")
    # no id given: derived from title and time, so reading it twice gives the same case
    assert case.id == f"case:{case_id(case.attrs['title'], case.attrs['occurred_at'])}"


def test_unheaded_lead_paragraph_is_the_summary() -> None:
    text = (
        "# Cache stampede\n\nEvery pod refilled the cache at once.\n\n"
        "Root cause: TTLs expired together.\n"
    )
    parsed = parse_case_markdown(text, "c.md")

    [case] = parsed.fragment.nodes
    assert case.attrs["summary"] == "Every pod refilled the cache at once."
    assert case.attrs["root_cause"] == "TTLs expired together."


def test_a_write_up_without_cause_fix_or_summary_is_an_error() -> None:
    parsed = parse_case_markdown("# Just a title\n\n## Timeline\n- 02:10: alert\n", "t.md")

    assert parsed.fragment.nodes == []
    assert [e.found for e in parsed.errors] == ["no summary, root cause or fix"]


def test_json_cases_accept_camel_case_and_aliases_and_report_bad_entries() -> None:
    data = {
        "cases": [
            {
                "id": "c-1",
                "title": "Disk full on db host",
                "rootCause": "binlogs were never purged",
                "service": "mysql",
                "resolution": "purge and set expire_logs_days",
                "occurredAt": "2023-11-02T08:00:00Z",
                "faultType": "CPU contention",
                "tags": ["db", "disk"],
            },
            {"title": "no body"},
            "not an object",
        ]
    }
    parsed = read_cases_json(data, "cases.json")

    case = parsed.fragment.node("case:c-1")
    assert case is not None
    assert case.attrs["root_cause"] == "binlogs were never purged"
    assert case.attrs["fix"] == "purge and set expire_logs_days"
    assert case.attrs["component"] == "mysql"
    assert case.attrs["fault_type"] == "cpu_contention"
    assert case.attrs["tags"] == ["db", "disk"]
    assert [e.expected for e in parsed.errors] == [
        "a past-incident write-up with a title and a summary, root cause or fix at cases[1]",
        "a case object at cases[2]",
    ]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("dependency_failure", "dependency_failure"),
        ("OOM kill", "memory_pressure"),
        ("网络延迟", "network_delay"),
        ("NullPointer exception", "exception"),
        ("Redis cache down", "dependency_failure"),
        ("config drift", "config drift"),
    ],
)
def test_fault_type_words_map_onto_fault_types(words: str, expected: str) -> None:
    assert fault_type_of(words) == expected


def test_looks_like_cases_needs_a_title_and_a_cause_fix_or_summary() -> None:
    assert looks_like_cases([{"title": "a", "root_cause": "b"}])
    assert looks_like_cases({"cases": []})
    assert not looks_like_cases({"title": "a"})
    assert not looks_like_cases({"name": "x", "version": 1})
