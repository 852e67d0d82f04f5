"""traces.json in OTLP/JSON: one ``resourceSpans`` entry per pod, scopes per instrumentation.

Follows the protobuf JSON mapping: ids are lower-case hex, times and 64-bit integers are
decimal strings, an unset status is ``{}`` and an error status is ``{"code": 2, ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from warroom.samples.synth.clock import nanos
from warroom.samples.synth.model import CLIENT, CONSUMER, PODS, PRODUCER, SimSpan

_LANGUAGE = {
    "web-gateway": "go",
    "order-service": "java",
    "payment-service": "java",
    "user-service": "java",
    "inventory-service": "python",
    "notification-service": "python",
}
_SCOPES = {
    ("go", "server"): ("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.49.0"),
    ("java", "server"): ("io.opentelemetry.spring-webmvc-6.0", "2.1.0-alpha"),
    ("java", "db"): ("io.opentelemetry.jdbc", "2.1.0-alpha"),
    ("java", "http"): ("io.opentelemetry.java-http-client", "2.1.0-alpha"),
    ("java", "messaging"): ("io.opentelemetry.kafka-clients-2.6", "2.1.0-alpha"),
    ("python", "server"): ("opentelemetry.instrumentation.fastapi", "0.44b0"),
    ("python", "db"): ("opentelemetry.instrumentation.redis", "0.44b0"),
    ("python", "http"): ("opentelemetry.instrumentation.httpx", "0.44b0"),
    ("python", "messaging"): ("opentelemetry.instrumentation.aiokafka", "0.44b0"),
}


def _value(v: str | int) -> dict[str, str]:
    return {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}


def _attrs(attrs: dict[str, str | int]) -> list[dict[str, Any]]:
    return [{"key": k, "value": _value(v)} for k, v in attrs.items()]


def _scope_kind(span: SimSpan) -> str:
    if span.kind in (PRODUCER, CONSUMER):
        return "messaging"
    if span.kind == CLIENT:
        return "db" if "db.system" in span.attrs else "http"
    return "server"


def _span(s: SimSpan) -> dict[str, Any]:
    out: dict[str, Any] = {"traceId": s.trace_id, "spanId": s.span_id}
    if s.parent_id:
        out["parentSpanId"] = s.parent_id
    out |= {
        "name": s.name,
        "kind": s.kind,
        "startTimeUnixNano": nanos(s.start),
        "endTimeUnixNano": nanos(s.end),
        "attributes": _attrs(s.attrs),
    }
    if s.exception:
        kind, message = s.exception
        out["events"] = [
            {
                "timeUnixNano": nanos(s.end),
                "name": "exception",
                "attributes": _attrs({"exception.type": kind, "exception.message": message}),
            }
        ]
    out["status"] = {"code": 2, "message": s.error} if s.error else {}
    return out


def render_traces(spans: list[SimSpan]) -> str:
    resources: list[dict[str, Any]] = []
    for pod in PODS:
        mine = [s for s in spans if s.pod == pod.name]
        if not mine:
            continue
        lang = _LANGUAGE[pod.service]
        scopes: dict[str, list[dict[str, Any]]] = {}
        for s in mine:
            scopes.setdefault(_scope_kind(s), []).append(_span(s))
        resource = {
            "service.name": pod.service,
            "service.version": pod.version,
            "service.namespace": "shop",
            "k8s.pod.name": pod.name,
            "k8s.namespace.name": "shop-prod",
            "telemetry.sdk.language": lang,
        }
        resources.append(
            {
                "resource": {"attributes": _attrs(dict(resource))},
                "scopeSpans": [
                    {
                        "scope": {
                            "name": _SCOPES[lang, kind][0],
                            "version": _SCOPES[lang, kind][1],
                        },
                        "spans": found,
                    }
                    for kind, found in sorted(scopes.items())
                ],
            }
        )
    # One resource per line keeps the file greppable and diffs small.
    body = ",\n".join(json.dumps(r, separators=(",", ":")) for r in resources)
    return '{"resourceSpans":[\n' + body + "\n]}\n"
