"""Spans from CSV rows, OTLP JSON and Jaeger JSON -> ``Span``.

A caller may rely on: times in epoch seconds, durations in milliseconds (end - start when
both are known, else the duration column, whose unit is read from its name: ``_ms``,
``_us``, ``_ns``; a bare ``duration`` next to start/end columns counts only as a fallback);
a parent of ``root``, ``0``, empty or all zeros is ``None``; ids are lower-case hex (OTLP's
base64 ids are converted); ``error`` is None when the source carries no status.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from warroom.ingest.columns import (
    DURATION,
    END,
    OPERATION,
    PARENT_ID,
    SPAN_ID,
    STATUS,
    TRACE_ID,
    Layout,
    find,
    norm,
)
from warroom.ingest.entities import service_of
from warroom.ingest.records import IngestError, Span
from warroom.ingest.timeparse import TimeReader, epoch_from_number
from warroom.ingest.window import Bounds

_NO_PARENT = {"", "root", "0", "none", "null", "-"}
_ERROR_WORDS = {"error", "true", "2", "status_code_error", "fail", "failed", "failure"}
_OK_WORDS = {"ok", "false", "0", "1", "unset", "status_code_ok", "status_code_unset", "success"}


def _parent(value: str | None) -> str | None:
    if value is None or value.strip().lower() in _NO_PARENT or not value.strip("0"):
        return None
    return value


def _status(value: str, column: str) -> bool | None:
    text = value.strip().lower()
    if column in ("httpstatuscode",) or (text.isdigit() and len(text) == 3):
        return int(text) >= 500 if text.isdigit() else None
    if text in _ERROR_WORDS:
        return True
    if text in _OK_WORDS:
        return False
    return None


def _duration_scale(column: str) -> float:
    """Multiplier from a duration column's unit to milliseconds."""
    if column.endswith(("us", "micros", "microseconds")):
        return 1e-3
    if column.endswith(("ns", "nanos", "nanoseconds")):
        return 1e-6
    if column.endswith(("sec", "seconds")) or column == "durations":
        return 1e3
    return 1.0


def _in(bounds: Bounds | None, ts: float) -> bool:
    return bounds is None or bounds[0] <= ts <= bounds[1]


def read_csv_spans(
    rows: Iterator[list[str]], header: list[str], layout: Layout, source: str, bounds: Bounds | None
) -> tuple[list[Span], list[IngestError]]:
    names = [norm(h) for h in header]
    cols = {key: find(names, wanted) for key, wanted in (
        ("trace", TRACE_ID), ("span", SPAN_ID), ("parent", PARENT_ID), ("op", OPERATION),
        ("end", END), ("duration", DURATION), ("status", STATUS))}  # fmt: skip
    trace, span = cols["trace"], cols["span"]
    assert trace is not None and span is not None
    start_col, end_col, dur_col = layout.time, cols["end"], cols["duration"]
    scale = _duration_scale(names[dur_col]) if dur_col is not None else 1.0
    read_time = TimeReader()
    spans: list[Span] = []
    errors: list[IngestError] = []
    number = 1
    for row in rows:
        number += 1
        if len(row) != len(header):
            if row:
                errors.append(IngestError(source, number, f"{len(header)} fields", f"{len(row)}"))
            continue
        start = read_time(row[start_col]) if start_col is not None else None
        end = read_time(row[end_col]) if end_col is not None else None
        if start is None:
            errors.append(
                IngestError(source, number, "a span start time", repr(row[start_col or 0]))
            )
            continue
        if not _in(bounds, start):
            continue
        if end is not None:
            duration = (end - start) * 1e3
        elif dur_col is not None and row[dur_col]:
            duration = float(row[dur_col]) * scale
        else:
            duration = 0.0
        raw = row[layout.entity] if layout.entity is not None else ""
        status_col = cols["status"]
        spans.append(
            Span(
                trace_id=row[trace],
                span_id=row[span],
                parent_id=_parent(row[cols["parent"]]) if cols["parent"] is not None else None,
                service=(service_of(raw) if layout.entity_is_pod else raw) or "unknown",
                operation=row[cols["op"]] if cols["op"] is not None else "",
                start=start,
                duration_ms=duration,
                error=_status(row[status_col], names[status_col])
                if status_col is not None
                else None,
                source=source,
                line=number,
                instance=raw or None,
            )
        )
    return spans, errors[:20]


def _hex_id(value: object) -> str:
    text = str(value or "")
    if all(c in "0123456789abcdefABCDEF" for c in text):
        return text.lower()
    try:
        return base64.b64decode(text, validate=True).hex()
    except (binascii.Error, ValueError):
        return text


def _attr_value(value: dict[str, Any]) -> str:
    for key in ("stringValue", "intValue", "boolValue", "doubleValue"):
        if key in value:
            return str(value[key]).lower() if key == "boolValue" else str(value[key])
    return ""


def _attributes(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {a.get("key", ""): _attr_value(a.get("value") or {}) for a in items or []}


def read_otlp(doc: dict[str, Any], source: str, bounds: Bounds | None) -> list[Span]:
    """Spans of an OTLP/JSON export (``resourceSpans[].scopeSpans[].spans[]``)."""
    spans: list[Span] = []
    for resource_spans in doc.get("resourceSpans") or []:
        resource = _attributes((resource_spans.get("resource") or {}).get("attributes"))
        pod = resource.get("k8s.pod.name")
        service = resource.get("service.name") or (service_of(pod) if pod else "unknown")
        scopes = (
            resource_spans.get("scopeSpans")
            or resource_spans.get("instrumentationLibrarySpans")
            or []
        )
        for scope in scopes:
            for s in scope.get("spans") or []:
                start = epoch_from_number(float(s.get("startTimeUnixNano") or 0))
                end = epoch_from_number(float(s.get("endTimeUnixNano") or 0))
                if not _in(bounds, start):
                    continue
                code = (s.get("status") or {}).get("code")
                error = None if code is None else code in (2, "STATUS_CODE_ERROR", "2")
                spans.append(
                    Span(
                        trace_id=_hex_id(s.get("traceId")),
                        span_id=_hex_id(s.get("spanId")),
                        parent_id=_parent(_hex_id(s.get("parentSpanId"))),
                        service=service,
                        operation=str(s.get("name") or ""),
                        start=start,
                        duration_ms=max(0.0, (end - start) * 1e3),
                        error=error,
                        source=source,
                        instance=pod or resource.get("host.name"),
                        attributes=_attributes(s.get("attributes")),
                    )
                )
    return spans


def read_jaeger(doc: dict[str, Any], source: str, bounds: Bounds | None) -> list[Span]:
    """Spans of a Jaeger JSON export (``data[].spans[]`` with ``processes``)."""
    spans: list[Span] = []
    for trace in doc.get("data") or []:
        processes = trace.get("processes") or {}
        for s in trace.get("spans") or []:
            start = float(s.get("startTime") or 0) / 1e6  # Jaeger: microseconds
            if not _in(bounds, start):
                continue
            tags = {t.get("key", ""): str(t.get("value")).lower() for t in s.get("tags") or []}
            process = processes.get(s.get("processID")) or s.get("process") or {}
            parent = next(
                (
                    r.get("spanID")
                    for r in s.get("references") or []
                    if r.get("refType") == "CHILD_OF"
                ),
                None,
            )
            error = tags.get("error") == "true" or tags.get("otel.status_code") == "error"
            status = tags.get("http.status_code", "")
            spans.append(
                Span(
                    trace_id=str(s.get("traceID") or trace.get("traceID") or ""),
                    span_id=str(s.get("spanID") or ""),
                    parent_id=_parent(parent),
                    service=str(process.get("serviceName") or "unknown"),
                    operation=str(s.get("operationName") or ""),
                    start=start,
                    duration_ms=float(s.get("duration") or 0) / 1e3,
                    error=error or (status.isdigit() and int(status) >= 500),
                    source=source,
                    attributes={k: v for k, v in tags.items()},
                )
            )
    return spans
