"""Every file of the shipped sample parses with the standard library, and its times fall
inside the telemetry range the manifest states."""

from __future__ import annotations

import csv
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from warroom.domain.debate import FaultType
from warroom.samples import load_sample_manifest, sample_path

SAMPLE = sample_path()
MANIFEST = load_sample_manifest()
SPRING = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) +(INFO|WARN|ERROR|DEBUG) 1 --- \[[^\]]{15}\] "
    r"\S.{39} : "
)
BRACKETED = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\] (INFO|WARN|ERROR) user-service ")
CONTINUATION = re.compile(
    r"^(\tat |\t\.\.\. \d+ common frames omitted|Caused by: |[\w.$]+(Exception|Error)\b)"
)
LOGFMT = re.compile(r'(\w+)=("[^"]*"|\S+)')


def _time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


START = _time(MANIFEST["telemetry"]["start"])
END = _time(MANIFEST["telemetry"]["end"])


def _in_range(times: list[datetime]) -> None:
    assert times, "no timestamps found"
    assert min(times) >= START, min(times)
    assert max(times) <= END, max(times)


@pytest.mark.parametrize("name", ["payment-service.log", "order-service.log"])
def test_spring_logs_are_headers_or_stack_trace_continuations(name: str) -> None:
    times, continuations = [], 0
    for line in (SAMPLE / "logs" / name).read_text().splitlines():
        if match := SPRING.match(line):
            times.append(_time(match.group(1)))
        else:
            assert CONTINUATION.match(line), line
            continuations += 1
    assert continuations > 0, "expected multi-line stack traces"
    assert times == sorted(times)
    _in_range(times)


@pytest.mark.parametrize("name", ["inventory-service.jsonl", "notification-service.jsonl"])
def test_json_lines_parse_and_carry_the_documented_fields(name: str) -> None:
    lines = (SAMPLE / "logs" / name).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    for r in records:
        assert {"ts", "level", "service", "logger", "msg"} <= r.keys()
        assert r["service"] == name.removesuffix(".jsonl")
        assert r["level"] in {"info", "warning", "error"}
    assert any("trace_id" in r for r in records)
    _in_range([_time(r["ts"]) for r in records])


def test_gateway_logfmt_lines_carry_status_upstream_and_duration() -> None:
    times = []
    for line in (SAMPLE / "logs" / "web-gateway.log").read_text().splitlines():
        pairs = {k: v.strip('"') for k, v in LOGFMT.findall(line)}
        assert {"ts", "level", "status", "upstream", "duration_ms"} <= pairs.keys(), line
        float(pairs["duration_ms"])
        times.append(_time(pairs["ts"]))
    _in_range(times)


def test_user_service_lines_use_the_bracketed_format() -> None:
    lines = (SAMPLE / "logs" / "user-service.log").read_text().splitlines()
    matches = [BRACKETED.match(line) for line in lines]
    assert all(matches)
    _in_range([_time(m.group(1)) for m in matches if m])


def _csv(name: str) -> list[dict[str, str]]:
    with (SAMPLE / "metrics" / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_metrics_csv_is_long_form_every_15_seconds() -> None:
    rows = _csv("metrics.csv")
    assert list(rows[0]) == ["timestamp", "service", "metric", "value"]
    for r in rows:
        float(r["value"])
    times = sorted({_time(r["timestamp"]) for r in rows})
    assert {(b - a).total_seconds() for a, b in itertools.pairwise(times)} == {15.0}
    _in_range(times)
    names = {r["metric"] for r in rows}
    assert {
        "cpu_usage_percent",
        "http_server_latency_p99_ms",
        "http_server_error_rate",
        "db_pool_active_connections",
        "db_pool_pending_threads",
        "jvm_gc_pause_ms",
    } <= names
    assert len({r["service"] for r in rows}) == 6


def test_pods_csv_is_wide_form_keyed_by_kubernetes_pod_names() -> None:
    rows = _csv("pods.csv")
    assert list(rows[0])[:2] == ["timestamp", "pod"]
    pod = re.compile(r"^[a-z-]+-[0-9a-f]{10}-[0-9a-z]{5}$")
    assert all(pod.match(r["pod"]) for r in rows)
    assert "payment-service-7d9f8b6c4d-x2k9p" in {r["pod"] for r in rows}
    _in_range([_time(r["timestamp"]) for r in rows])


def _spans() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    doc = json.loads((SAMPLE / "traces" / "traces.json").read_text())
    out = []
    for rs in doc["resourceSpans"]:
        attrs = {a["key"]: a["value"]["stringValue"] for a in rs["resource"]["attributes"]}
        for scope in rs["scopeSpans"]:
            out.extend((attrs, span) for span in scope["spans"])
    return out


def test_traces_are_otlp_json_with_complete_trees() -> None:
    spans = _spans()
    assert len(spans) > 800
    assert {a["service.name"] for a, _ in spans} == set(MANIFEST["teams"])
    ids = {(s["traceId"], s["spanId"]) for _, s in spans}
    for _, s in spans:
        assert re.fullmatch(r"[0-9a-f]{32}", s["traceId"])
        assert re.fullmatch(r"[0-9a-f]{16}", s["spanId"])
        if "parentSpanId" in s:
            assert (s["traceId"], s["parentSpanId"]) in ids, "a span's parent is missing"
        assert int(s["startTimeUnixNano"]) <= int(s["endTimeUnixNano"])
    _in_range(
        [
            datetime.fromtimestamp(int(s[k]) / 1e9, UTC)
            for _, s in spans
            for k in ("startTimeUnixNano", "endTimeUnixNano")
        ]
    )


def test_failing_payment_spans_have_error_status_and_no_sql() -> None:
    spans = _spans()
    children: dict[str, list[dict[str, Any]]] = {}
    for _, s in spans:
        children.setdefault(s.get("parentSpanId", ""), []).append(s)
    failing = [
        s
        for a, s in spans
        if a["service.name"] == "payment-service" and s["status"].get("code") == 2
    ]
    assert failing
    for s in failing:
        assert s["events"][0]["name"] == "exception"
        assert not children.get(s["spanId"]), "a charge that never got a connection ran SQL"
    sql = [
        s
        for _, s in spans
        if any(
            a["key"] == "db.statement" and "payments" in a["value"]["stringValue"]
            for a in s["attributes"]
        )
    ]
    assert sql


def test_manifest_states_alert_window_teams_and_a_valid_expected_answer() -> None:
    assert _time(MANIFEST["alert_time"]) == datetime(2026, 3, 14, 14, 7, tzinfo=UTC)
    assert MANIFEST["window"] == "30m"
    assert MANIFEST["severity"] == "critical"
    assert MANIFEST["alert"]["labels"]["alertname"] == "HighErrorRate"
    expected = MANIFEST["expected"]
    assert expected["component"] == "payment-service"
    assert FaultType(expected["fault_type"]) is FaultType.EXCEPTION
    assert expected["fault_type_reason"]
    assert expected["code_location"] == "PaymentServiceImpl#87"
    assert MANIFEST["teams"]["payment-service"] == "payments-team"


def test_readme_says_the_sample_is_synthetic() -> None:
    assert "synthetic" in (SAMPLE / "README.md").read_text().lower()
