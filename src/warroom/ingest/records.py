"""The parsed telemetry that ingest hands to the evidence engine.

Records are plain slotted dataclasses, not pydantic models: a day of logs is millions of
them. Times are UTC epoch seconds as floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class LogRecord:
    ts: float | None
    entity: str | None  # service (pod names are folded to their service)
    level: str | None  # upper-case: ERROR, WARN, INFO, DEBUG... or None when unknown
    message: str  # the message part, header stripped; continuation lines joined with "\n"
    source: str  # file path
    line: int  # 1-based line number of the record's first line in the file
    trace_id: str | None = None
    instance: str | None = None  # pod / host, when known


@dataclass(slots=True)
class MetricSeries:
    entity: str  # service
    name: str  # metric name, e.g. "CpuUsageRate(%)"
    ts: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    source: str = ""
    instance: str | None = None


@dataclass(slots=True)
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None  # None for a root span
    service: str
    operation: str
    start: float  # epoch seconds
    duration_ms: float
    error: bool | None = None  # None when the source carries no status
    source: str = ""
    line: int = 0
    instance: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class IngestError:
    """A problem with one input file; the other files still load."""

    path: str
    line: int | None
    expected: str
    found: str
    # The file as a whole fits no telemetry format (as opposed to a bad line in a known one).
    unrecognised: bool = False

    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: expected {self.expected}, found {self.found}"


@dataclass(slots=True)
class Telemetry:
    """All runtime telemetry of one incident, filtered to its window."""

    logs: list[LogRecord] = field(default_factory=list)
    metrics: list[MetricSeries] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # files that loaded
    skipped: list[str] = field(default_factory=list)  # files outside the window
    ignored: list[str] = field(default_factory=list)  # files in folders that are not telemetry

    def extend(self, other: Telemetry) -> None:
        self.logs.extend(other.logs)
        self.metrics.extend(other.metrics)
        self.spans.extend(other.spans)
        self.errors.extend(other.errors)
        self.files.extend(other.files)
        self.skipped.extend(other.skipped)
        self.ignored.extend(other.ignored)
