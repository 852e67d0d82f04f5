"""Line-oriented logs (plain text, JSON lines, logfmt) -> ``LogRecord``s.

A caller may rely on: the header is learned from the first lines of each input; a line that
does not start with it (a stack frame, ``Caused by:``...) is joined onto the record before
it with "\\n"; records outside the window are dropped, records without a time are kept; a
JSON-lines file reports each malformed line as an ``IngestError`` and loads the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from warroom.ingest.entities import service_of
from warroom.ingest.header import HeaderFormat, detect_header
from warroom.ingest.inner import InnerLines
from warroom.ingest.records import IngestError, LogRecord
from warroom.ingest.stacktrace import ContinuationRule
from warroom.ingest.timeparse import TimeReader
from warroom.ingest.window import Bounds

SAMPLE_LINES = 200


def entity_from_path(path: str) -> str | None:
    """A service from a log file name: ``payment-7d9f8b6c4d-x2x4z_prod_app.log`` -> ``payment``."""
    stem = Path(path).name
    for suffix in (".gz", ".log", ".txt", ".jsonl", ".json", ".ndjson", ".csv"):
        stem = stem.removesuffix(suffix)
    stem = stem.split("_", 1)[0]
    return service_of(stem) if stem else None


class _Builder:
    """Accumulates records, joining continuation lines and applying the window."""

    def __init__(self, source: str, entity: str | None, bounds: Bounds | None) -> None:
        self.records: list[LogRecord] = []
        self._source = source
        self._entity = entity
        self._bounds = bounds
        self._current: LogRecord | None = None
        self._parts: list[str] = []
        self._keep = True

    def start(self, ts: float | None, fields: dict[str, str], message: str, line: int) -> None:
        self.flush()
        bounds = self._bounds
        self._keep = ts is None or bounds is None or bounds[0] <= ts <= bounds[1]
        if not self._keep:
            self._current = None
            return
        pod = fields.get("pod")
        entity = fields.get("service") or (service_of(pod) if pod else None) or self._entity
        self._current = LogRecord(
            ts=ts,
            entity=entity,
            level=fields.get("level"),
            message=message,
            source=self._source,
            line=line,
            trace_id=fields.get("trace_id"),
            instance=pod or fields.get("host"),
        )
        self._parts = [message]

    def extend(self, text: str, line: int) -> None:
        if self._current is None and self._keep:
            self.start(None, {}, text.strip(), line)
            return
        if self._current is not None:
            self._parts.append(text.rstrip())

    def flush(self) -> None:
        if self._current is not None:
            if len(self._parts) > 1:
                self._current.message = "\n".join(self._parts)
            self.records.append(self._current)
        self._current = None
        self._parts = []


def read_log_lines(
    lines: Iterable[str],
    source: str,
    bounds: Bounds | None,
    entity: str | None = None,
    header: HeaderFormat | None = None,
) -> tuple[list[LogRecord], list[IngestError]]:
    """Records from the lines of one input, in file order."""
    it: Iterator[str] = iter(lines)
    head: list[str] = []
    for raw in it:
        head.append(raw)
        if len(head) >= SAMPLE_LINES:
            break
    if header is None:
        header = detect_header(head)
    builder = _Builder(source, entity, bounds)
    errors: list[IngestError] = []
    read_time = TimeReader()
    rule = ContinuationRule() if header.kind == "none" else None
    structured = header.kind in ("json", "logfmt")
    inner = _inner_lines(header, head) if structured else None
    number = 0
    for raw in _chain(head, it):
        number += 1
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if rule is not None:
            if rule.continues(line):
                builder.extend(line, number)
            else:
                builder.start(None, {}, line.strip(), number)
            continue
        parsed = header.parse(line)
        if parsed is None:
            if structured and line.lstrip().startswith("{"):
                errors.append(_bad_json(source, number, line))
                continue
            builder.extend(line, number)
            continue
        fields, message, ts = parsed
        if structured:
            ts = read_time(fields["timestamp"]) if "timestamp" in fields else None
            if inner is not None:
                split = inner.apply(message)
                if split is None:
                    builder.extend(message, number)
                    continue
                level, message = split
                if level and "level" not in fields:
                    fields["level"] = level
        builder.start(ts, fields, message, number)
    builder.flush()
    return builder.records, errors


def _inner_lines(header: HeaderFormat, head: list[str]) -> InnerLines | None:
    messages = []
    for line in head:
        parsed = header.parse(line)
        if parsed is not None and "level" not in parsed[0]:
            messages.append(parsed[1])
    if len(messages) < max(1, len(head) // 2):
        return None  # the records carry their own level
    inner = InnerLines(messages)
    return inner if inner.header is not None else None


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def _bad_json(source: str, number: int, line: str) -> IngestError:
    found = line.strip()
    shown = found if len(found) <= 80 else found[:77] + "..."
    return IngestError(
        source,
        number,
        "one complete JSON object on this line (JSON lines: one object a line); fix or "
        "remove the line, the others were loaded",
        f"malformed JSON: {shown!r}",
    )
