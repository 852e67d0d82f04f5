"""Alert payloads (Alertmanager, Grafana, generic JSON) -> typed ``Alert`` values.

``parse_alertmanager``, ``parse_grafana`` and ``parse_generic`` take the decoded JSON body of
a webhook and return one ``Alert`` per alert it carries, or raise ``AlertPayloadError`` saying
what was expected. Parsing is pure and cheap: no I/O, no model.

The text of an alert (labels, annotations, summary) is data about the incident; callers must
put it into evidence, never into a prompt as an instruction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from warroom.domain.incident import Severity

MAX_ALERTS = 1000
# Labels that name the component an alert is about, most specific first.
_SERVICE_LABELS = (
    "service",
    "service_name",
    "app.kubernetes.io/name",
    "app",
    "application",
    "component",
    "job",
    "container",
)
_SEVERITY_WORDS = {
    Severity.CRITICAL: {"critical", "crit", "fatal", "emergency", "page", "p0", "p1", "disaster"},
    Severity.HIGH: {"high", "error", "major", "p2", "severe"},
    Severity.MEDIUM: {"medium", "warning", "warn", "average", "p3", "moderate"},
    Severity.LOW: {"low", "info", "informational", "minor", "p4", "p5", "none", "notice"},
}
_RESOLVED_WORDS = {"resolved", "ok", "normal", "inactive", "closed", "recovered"}
_FRACTION = re.compile(r"(\.\d{6})\d+")


class AlertPayloadError(ValueError):
    """The payload is not the shape the webhook expects; the message says what to send."""


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Alert(BaseModel):
    """One alert. ``fingerprint`` identifies it across repeats; ``group_key`` says which
    alerts belong to the same incident (the sender's group key, else name and service)."""

    fingerprint: str
    name: str
    status: AlertStatus
    severity: Severity
    service: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime
    ends_at: datetime | None = None
    summary: str = ""
    group_key: str
    source: str
    url: str | None = None

    @property
    def entity(self) -> str:
        return self.service or "alert"


def parse_alertmanager(body: Any, *, now: datetime | None = None) -> list[Alert]:
    """Alertmanager's webhook (``version`` 4): ``{"alerts": [...], "groupKey": ...}``."""
    data = _object(body, "an Alertmanager webhook body")
    return _grouped(data, "alertmanager", now=now)


def parse_grafana(body: Any, *, now: datetime | None = None) -> list[Alert]:
    """Grafana unified alerting (Alertmanager-like, with ``alerts``) or the legacy
    notification (``ruleName``, ``state``, ``evalMatches``)."""
    data = _object(body, "a Grafana webhook body")
    if "alerts" in data:
        return _grouped(data, "grafana", now=now)
    if "ruleName" not in data and "title" not in data:
        raise AlertPayloadError(
            "expected a Grafana webhook with 'alerts' (unified alerting) or 'ruleName' and "
            f"'state' (legacy); got keys {sorted(data)[:10]}"
        )
    tags = _strings(data.get("tags"))
    name = str(data.get("ruleName") or data.get("title") or "grafana alert")
    labels = {"alertname": name, **tags}
    annotations = {k: str(data[k]) for k in ("message", "ruleUrl") if data.get(k)}
    state = str(data.get("state", "alerting"))
    return [
        _alert(
            labels=labels,
            annotations=annotations,
            status=state,
            starts_at=now,
            fingerprint=str(data["ruleId"]) if data.get("ruleId") is not None else None,
            group_key=None,
            source="grafana",
            url=data.get("ruleUrl"),
            summary=str(data.get("message") or data.get("title") or name),
            now=now,
        )
    ]


def parse_generic(body: Any, *, now: datetime | None = None) -> list[Alert]:
    """Any JSON: one alert object, a list of them, or ``{"alerts": [...]}``.

    Each needs a name (``name``, ``alertname``, ``title`` or ``labels.alertname``); the
    rest is optional: ``status``, ``severity``, ``service``/``entity``, ``labels``,
    ``annotations``, ``starts_at``/``startsAt``/``timestamp`` (ISO 8601 or epoch seconds),
    ``summary``/``message``, ``fingerprint``, ``group_key``.
    """
    if isinstance(body, Mapping) and isinstance(body.get("alerts"), list):
        items: list[Any] = body["alerts"]
    elif isinstance(body, list):
        items = body
    else:
        items = [_object(body, "a JSON alert object, a list of them, or {'alerts': [...]}")]
    _check_count(items)
    alerts = []
    for i, item in enumerate(items):
        one = _object(item, f"alert #{i} to be a JSON object")
        labels = _strings(one.get("labels"))
        name = one.get("name") or one.get("alertname") or one.get("title")
        name = name or labels.get("alertname")
        if not name:
            raise AlertPayloadError(
                f"alert #{i} has no name; send 'name' (or 'alertname', 'title', "
                '\'labels.alertname\'), e.g. {"name": "HighErrorRate", "service": "api"}'
            )
        labels.setdefault("alertname", str(name))
        service = one.get("service") or one.get("entity")
        if service:
            labels.setdefault("service", str(service))
        if one.get("severity"):
            labels.setdefault("severity", str(one["severity"]))
        alerts.append(
            _alert(
                labels=labels,
                annotations=_strings(one.get("annotations")),
                status=str(one.get("status", "firing")),
                starts_at=_time(
                    one.get("starts_at") or one.get("startsAt") or one.get("timestamp"),
                    f"alert #{i} starts_at",
                ),
                ends_at=_time(one.get("ends_at") or one.get("endsAt"), f"alert #{i} ends_at"),
                fingerprint=_text(one.get("fingerprint")),
                group_key=_text(one.get("group_key") or one.get("groupKey")),
                source="generic",
                url=one.get("url"),
                summary=str(one.get("summary") or one.get("message") or ""),
                now=now,
            )
        )
    return alerts


def _grouped(data: Mapping[str, Any], source: str, *, now: datetime | None) -> list[Alert]:
    items = data.get("alerts")
    if not isinstance(items, list):
        raise AlertPayloadError(
            f"expected 'alerts' to be a list of alerts in the {source} webhook body, "
            f"got {type(items).__name__}; check the receiver's webhook configuration"
        )
    _check_count(items)
    common_labels = _strings(data.get("commonLabels"))
    common_notes = _strings(data.get("commonAnnotations"))
    group_key = _text(data.get("groupKey"))
    alerts = []
    for i, item in enumerate(items):
        one = _object(item, f"alerts[{i}] to be a JSON object")
        labels = {**common_labels, **_strings(one.get("labels"))}
        annotations = {**common_notes, **_strings(one.get("annotations"))}
        alerts.append(
            _alert(
                labels=labels,
                annotations=annotations,
                status=str(one.get("status") or data.get("status") or "firing"),
                starts_at=_time(one.get("startsAt"), f"alerts[{i}].startsAt"),
                ends_at=_time(one.get("endsAt"), f"alerts[{i}].endsAt"),
                fingerprint=_text(one.get("fingerprint")),
                group_key=group_key,
                source=source,
                url=one.get("generatorURL"),
                summary="",
                now=now,
            )
        )
    return alerts


def _alert(
    *,
    labels: dict[str, str],
    annotations: dict[str, str],
    status: str,
    starts_at: datetime | None,
    fingerprint: str | None,
    group_key: str | None,
    source: str,
    url: object,
    summary: str,
    now: datetime | None,
    ends_at: datetime | None = None,
) -> Alert:
    name = labels.get("alertname") or "alert"
    service = next((labels[k] for k in _SERVICE_LABELS if labels.get(k)), None)
    summary = (
        summary
        or annotations.get("summary")
        or annotations.get("description")
        or annotations.get("message")
        or name
    )
    return Alert(
        fingerprint=fingerprint or label_fingerprint(labels),
        name=name,
        status=AlertStatus.RESOLVED
        if status.strip().lower() in _RESOLVED_WORDS
        else AlertStatus.FIRING,
        severity=severity_of(labels.get("severity") or labels.get("priority")),
        service=service,
        labels=labels,
        annotations=annotations,
        starts_at=starts_at or now or datetime.now(UTC),
        ends_at=ends_at,
        summary=summary[:2000],
        group_key=group_key or f"{name}|{service or ''}",
        source=source,
        url=str(url) if url else None,
    )


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """A stable id of a label set: the same labels in any order give the same value."""
    text = json.dumps(sorted(labels.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def severity_of(word: str | None) -> Severity:
    """The severity a label names (``critical``, ``warning``, ``P2``...); MEDIUM if unknown."""
    text = (word or "").strip().lower()
    for severity, words in _SEVERITY_WORDS.items():
        if text in words:
            return severity
    return Severity.MEDIUM


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise AlertPayloadError(f"expected {what}, got {type(value).__name__}")
    return value


def _check_count(items: list[Any]) -> None:
    if len(items) > MAX_ALERTS:
        raise AlertPayloadError(
            f"expected at most {MAX_ALERTS} alerts in one request, got {len(items)}; "
            "split the batch or lower the receiver's max_alerts"
        )


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _time(value: Any, field: str) -> datetime | None:
    """ISO 8601 (nanoseconds and ``Z`` allowed) or epoch seconds/milliseconds, as UTC.

    Alertmanager's zero time (year 1) means "not set" and gives None.
    """
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    text = _FRACTION.sub(r"\1", str(value).strip()).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AlertPayloadError(
            f"{field}: expected an ISO 8601 time like 2026-03-14T14:07:00Z or epoch seconds, "
            f"got {value!r}"
        ) from None
    if moment.year <= 1:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
