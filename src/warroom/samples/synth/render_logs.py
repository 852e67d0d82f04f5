"""The six log files, each in the format its service really writes.

payment-service and order-service: Spring Boot console lines with multi-line stack traces;
inventory-service and notification-service: JSON lines; web-gateway: logfmt access lines;
user-service: a bracketed plain format.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from warroom.samples.synth.clock import iso_ms, iso_s
from warroom.samples.synth.javalog import spring_line
from warroom.samples.synth.model import LogEvent


def _spring(e: LogEvent) -> list[str]:
    return [spring_line(e.t, e.level, e.thread, e.logger, e.message), *e.stack]


def _json(e: LogEvent) -> list[str]:
    level = {"WARN": "warning"}.get(e.level, e.level.lower())
    record = {
        "ts": iso_ms(e.t),
        "level": level,
        "service": e.service,
        "logger": e.logger,
        "msg": e.message,
    }
    if e.trace_id:
        record["trace_id"] = e.trace_id
    return [json.dumps(record, ensure_ascii=False)]


def _logfmt_value(value: str) -> str:
    return f'"{value}"' if (" " in value or not value) else value


def _logfmt(e: LogEvent) -> list[str]:
    pairs = {"ts": iso_ms(e.t), "level": e.level.lower(), "msg": e.message, **e.fields}
    if e.trace_id:
        pairs["trace_id"] = e.trace_id
    return [" ".join(f"{k}={_logfmt_value(v)}" for k, v in pairs.items())]


def _bracketed(e: LogEvent) -> list[str]:
    return [f"[{iso_s(e.t)}] {e.level} {e.service} {e.logger}: {e.message}"]


FILES: dict[str, tuple[str, Callable[[LogEvent], list[str]]]] = {
    "web-gateway": ("web-gateway.log", _logfmt),
    "order-service": ("order-service.log", _spring),
    "payment-service": ("payment-service.log", _spring),
    "inventory-service": ("inventory-service.jsonl", _json),
    "notification-service": ("notification-service.jsonl", _json),
    "user-service": ("user-service.log", _bracketed),
}


def render_logs(events: list[LogEvent]) -> dict[str, str]:
    """File name -> text, lines in time order, ``\\n`` line ends, a final newline."""
    lines: dict[str, list[str]] = {name: [] for name, _ in FILES.values()}
    for e in sorted(events, key=lambda e: e.t):
        name, render = FILES[e.service]
        lines[name].extend(render(e))
    return {name: "\n".join(text) + "\n" for name, text in lines.items()}
