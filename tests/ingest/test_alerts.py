"""Alert payloads become typed alerts; bad payloads say what was expected."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.domain import Severity
from warroom.ingest.alerts import (
    AlertPayloadError,
    AlertStatus,
    label_fingerprint,
    parse_alertmanager,
    parse_generic,
    parse_grafana,
)

AT = datetime(2026, 3, 14, 14, 7, tzinfo=UTC)


def alertmanager_body() -> dict[str, object]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="HighLatency"}',
        "status": "firing",
        "commonLabels": {"env": "prod"},
        "commonAnnotations": {"runbook": "https://runbooks/latency"},
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "HighLatency",
                    "service": "payment",
                    "severity": "critical",
                },
                "annotations": {"summary": "p99 latency above 2s"},
                "startsAt": "2026-03-14T14:07:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prom/graph",
                "fingerprint": "abc123",
            },
            {
                "status": "resolved",
                "labels": {"alertname": "HighLatency", "app": "order", "severity": "warning"},
                "annotations": {},
                "startsAt": "2026-03-14T14:01:00Z",
                "endsAt": "2026-03-14T14:05:00Z",
            },
        ],
    }


def test_alertmanager_alerts_keep_fingerprint_service_severity_and_times() -> None:
    first, second = parse_alertmanager(alertmanager_body())
    assert first.fingerprint == "abc123"
    assert first.name == "HighLatency"
    assert first.service == "payment"
    assert first.severity is Severity.CRITICAL
    assert first.status is AlertStatus.FIRING
    assert first.starts_at == datetime(2026, 3, 14, 14, 7, 0, 123456, tzinfo=UTC)
    assert first.ends_at is None  # Alertmanager's zero time means "not set"
    assert first.summary == "p99 latency above 2s"
    assert first.labels["env"] == "prod"
    assert first.annotations["runbook"] == "https://runbooks/latency"
    assert first.group_key == '{}:{alertname="HighLatency"}'
    assert second.status is AlertStatus.RESOLVED
    assert second.service == "order"
    assert second.severity is Severity.MEDIUM
    assert second.fingerprint == label_fingerprint(second.labels)


def test_label_fingerprint_ignores_label_order() -> None:
    assert label_fingerprint({"a": "1", "b": "2"}) == label_fingerprint({"b": "2", "a": "1"})
    assert label_fingerprint({"a": "1"}) != label_fingerprint({"a": "2"})


def test_grafana_unified_and_legacy_payloads_parse() -> None:
    unified = parse_grafana({**alertmanager_body(), "orgId": 1, "title": "[FIRING:1]"})
    assert unified[0].source == "grafana" and unified[0].service == "payment"
    legacy = parse_grafana(
        {
            "ruleId": 7,
            "ruleName": "CPU high",
            "state": "ok",
            "message": "cpu back to normal",
            "tags": {"service": "stock"},
        },
        now=AT,
    )
    assert legacy[0].name == "CPU high"
    assert legacy[0].status is AlertStatus.RESOLVED
    assert legacy[0].service == "stock"
    assert legacy[0].fingerprint == "7"
    assert legacy[0].starts_at == AT


def test_generic_accepts_object_list_and_alerts_key_and_epoch_times() -> None:
    one = parse_generic(
        {"name": "DiskFull", "service": "db", "severity": "P1", "timestamp": 1773497220}
    )
    assert one[0].service == "db" and one[0].severity is Severity.CRITICAL
    assert one[0].starts_at == datetime.fromtimestamp(1773497220, UTC)
    assert one[0].group_key == "DiskFull|db"
    many = parse_generic([{"title": "A"}, {"alertname": "B", "status": "resolved"}], now=AT)
    assert [a.name for a in many] == ["A", "B"]
    assert many[1].status is AlertStatus.RESOLVED
    assert len(parse_generic({"alerts": [{"name": "C"}]}, now=AT)) == 1


def test_generic_alert_without_a_name_is_refused_with_an_example() -> None:
    with pytest.raises(AlertPayloadError, match="has no name"):
        parse_generic({"service": "db"})


def test_bad_time_and_wrong_shapes_are_refused() -> None:
    with pytest.raises(AlertPayloadError, match="ISO 8601"):
        parse_generic({"name": "X", "starts_at": "yesterday"})
    with pytest.raises(AlertPayloadError, match="list of alerts"):
        parse_alertmanager({"alerts": "nope"})
    with pytest.raises(AlertPayloadError, match="expected"):
        parse_grafana(["not", "an", "object"])
