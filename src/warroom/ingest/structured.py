"""Fields of structured log lines (JSON objects, logfmt) under their common key names.

A caller may rely on: ``fields_of`` maps whatever keys a logger used onto ``timestamp``,
``level``, ``component``, ``pid``, ``host``, ``service``, ``pod``, ``trace_id`` (only those
present), and returns the message text (the whole line when no message key exists).
"""

from __future__ import annotations

import json
import re
from typing import Any

LEVEL_NAMES: dict[str, str] = {
    "TRACE": "TRACE", "FINEST": "TRACE", "FINER": "TRACE",
    "DEBUG": "DEBUG", "FINE": "DEBUG", "DBG": "DEBUG",
    "INFO": "INFO", "INFORMATION": "INFO", "NOTICE": "INFO", "CONFIG": "INFO", "INF": "INFO",
    "WARN": "WARN", "WARNING": "WARN", "WRN": "WARN",
    "ERROR": "ERROR", "ERR": "ERROR", "SEVERE": "ERROR", "FAILURE": "ERROR", "FAIL": "ERROR",
    "FATAL": "FATAL", "CRITICAL": "FATAL", "CRIT": "FATAL", "ALERT": "FATAL",
    "EMERG": "FATAL", "EMERGENCY": "FATAL", "PANIC": "FATAL",
}  # fmt: skip
# pino / bunyan numeric levels
_NUMERIC_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}


def normalize_level(value: object) -> str | None:
    """One of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, or None when ``value`` names no level."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _NUMERIC_LEVELS.get(value)
    if not isinstance(value, str):
        return None
    text = value.strip().strip("[]<>():").upper()
    if text.isdigit():
        return _NUMERIC_LEVELS.get(int(text))
    return LEVEL_NAMES.get(text)


_KEYS: dict[str, tuple[str, ...]] = {
    "timestamp": ("@timestamp", "timestamp", "time", "ts", "datetime", "date", "eventTime",
                  "asctime", "t", "Timestamp", "TimeUnixNano", "time_local"),
    "level": ("level", "severity", "lvl", "loglevel", "log.level", "levelname",
              "severity_text", "SeverityText", "@level", "Level", "Severity"),
    "component": ("logger", "logger_name", "loggerName", "log.logger", "component", "module",
                  "caller"),
    "pid": ("pid", "process.pid", "process_id"),
    "host": ("host", "hostname", "host.name", "node", "nodename", "Node"),
    "service": ("service.name", "service", "service_name", "serviceName", "app",
                "application", "app_name", "kubernetes.labels.app", "kubernetes.container_name",
                "container"),
    "pod": ("kubernetes.pod_name", "kubernetes.pod.name", "k8s.pod.name", "pod", "pod_name",
            "podName", "PodName"),
    "trace_id": ("trace_id", "traceId", "traceID", "trace.id", "TraceID", "dd.trace_id",
                 "otelTraceID", "trace"),
}  # fmt: skip
_MESSAGE_KEYS = ("msg", "message", "log", "text", "body", "Body", "event", "@message", "MESSAGE",
                 "Log", "content", "Content")  # fmt: skip


def _lookup(obj: dict[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    if "." in key:
        node: Any = obj
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node
    return None


def fields_of(obj: dict[str, Any], line: str) -> tuple[dict[str, str], str]:
    """(fields, message) of one parsed structured record; ``line`` is its raw text."""
    fields: dict[str, str] = {}
    for name, keys in _KEYS.items():
        for key in keys:
            value = _lookup(obj, key)
            if value is not None and value != "" and not isinstance(value, dict | list):
                fields[name] = str(value)
                break
    if "level" in fields:
        normal = normalize_level(fields["level"])
        if normal:
            fields["level"] = normal
    for key in _MESSAGE_KEYS:
        value = _lookup(obj, key)
        if isinstance(value, str):
            return fields, value.rstrip("\n")
    return fields, line.strip()


def parse_json_object(line: str) -> dict[str, Any] | None:
    """The JSON object on ``line``, or None when the line is not one."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


_LOGFMT = re.compile(r'([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))')


def parse_logfmt(line: str) -> dict[str, Any] | None:
    """The key=value pairs of a logfmt line (two pairs at least, starting the line), or None."""
    text = line.strip()
    pairs = _LOGFMT.findall(text)
    if len(pairs) < 2 or not text.startswith(pairs[0][0] + "="):
        return None
    return {k: (q.replace('\\"', '"') if q else v) for k, q, v in pairs}
