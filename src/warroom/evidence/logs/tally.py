"""One pass over the log records: per entity and template, what happened in each window.

Only records inside the baseline or the current window are mined and counted (a record on
both sides of an overlap counts as current). Records without a timestamp cannot be placed and
are only counted in ``skipped_no_ts``.

Records that carry a trace id are also gathered per (entity, trace): the templates the entity
logged while serving that one request, in time order (``TraceLog``). Comparing those between
the windows shows a code path that stopped running for the same requests (``flows``).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.domain.evidence import TimeWindow
from warroom.evidence.logs.exceptions import (
    location_of,
    mentions_exception,
    might_hold_exception,
)
from warroom.evidence.logs.levels import ERROR_LEVELS, is_error_like
from warroom.evidence.logs.miner import TemplateMiner
from warroom.evidence.logs.naming import EntityNames
from warroom.evidence.logs.sources import stripped_locations
from warroom.ingest.records import LogRecord

SAMPLE_LINES = 5
MAX_BUCKETS = 240
# Requests remembered per entity and window for the flow comparison (memory stays bounded).
MAX_TRACES = 5_000


def epoch(moment: datetime) -> float:
    """Epoch seconds; a naive datetime is taken as UTC, as everywhere in warroom."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class Buckets:
    """Equal time buckets over the current window, for per-minute charts."""

    start: float
    step: float
    size: int

    @classmethod
    def over(cls, start: float, end: float) -> Buckets:
        minutes = max(1, math.ceil((end - start) / 60.0))
        step = 60.0 * max(1, math.ceil(minutes / MAX_BUCKETS))
        return cls(start=start, step=step, size=max(1, math.ceil((end - start) / step)))

    def index(self, ts: float) -> int:
        return min(self.size - 1, max(0, int((ts - self.start) // self.step)))


@dataclass(slots=True)
class Occurrences:
    """How one thing (a template, the error lines, all lines) occurred in one entity."""

    baseline: int = 0
    current: int = 0
    first_current: float | None = None
    last_seen: float | None = None
    # Occurrences per minute of the baseline (epoch minute -> count).
    baseline_minutes: Counter[int] = field(default_factory=Counter)
    per_bucket: list[int] = field(default_factory=list)
    levels: Counter[str] = field(default_factory=Counter)
    example: str = ""
    example_is_current: bool = False
    path: str = ""
    lines: list[int] = field(default_factory=list)

    def see(self, record: LogRecord, ts: float, current: bool, buckets: Buckets) -> None:
        if self.last_seen is None or ts > self.last_seen:
            self.last_seen = ts
        if record.level:
            self.levels[record.level] += 1
        if current:
            self.current += 1
            if self.first_current is None or ts < self.first_current:
                self.first_current = ts
            if not self.per_bucket:
                self.per_bucket = [0] * buckets.size
            self.per_bucket[buckets.index(ts)] += 1
            if not self.example_is_current:
                # The example shown should come from the window under suspicion.
                self.example_is_current = True
                self.example, self.path, self.lines = "", "", []
        else:
            self.baseline += 1
            self.baseline_minutes[int(ts // 60)] += 1
            if self.example_is_current:
                return
        if not self.example:
            self.example = record.message.partition("\n")[0][:500]
            self.path = record.source
        if len(self.lines) < SAMPLE_LINES and record.source == self.path:
            self.lines.append(record.line)

    def copy(self) -> Occurrences:
        """An independent copy (merging into it leaves this one as it was)."""
        return Occurrences(
            baseline=self.baseline,
            current=self.current,
            first_current=self.first_current,
            last_seen=self.last_seen,
            baseline_minutes=Counter(self.baseline_minutes),
            per_bucket=list(self.per_bucket),
            levels=Counter(self.levels),
            example=self.example,
            example_is_current=self.example_is_current,
            path=self.path,
            lines=list(self.lines),
        )

    def merge(self, other: Occurrences) -> None:
        """Fold another tally of the same thing into this one (templates that ended alike)."""
        self.baseline += other.baseline
        self.current += other.current
        if other.first_current is not None:
            self.first_current = min(self.first_current or other.first_current, other.first_current)
        if other.last_seen is not None:
            self.last_seen = max(self.last_seen or other.last_seen, other.last_seen)
        self.baseline_minutes.update(other.baseline_minutes)
        if other.per_bucket:
            if not self.per_bucket:
                self.per_bucket = list(other.per_bucket)
            else:
                pairs = zip(self.per_bucket, other.per_bucket, strict=True)
                self.per_bucket = [a + b for a, b in pairs]
        self.levels.update(other.levels)


def series(counts: Tally, occ: Occurrences) -> list[list[int]]:
    """``[[epoch_seconds, count], ...]``: the baseline per minute, then the current buckets.

    A long baseline is summed into at most `MAX_BUCKETS` points. With a reference baseline
    (another period) the two parts are not contiguous; each point carries its own time.
    """
    first = int(counts.baseline_start // 60)
    minutes = max(1, math.ceil(counts.baseline_seconds / 60.0))
    step = max(1, math.ceil(minutes / MAX_BUCKETS))
    base = [0] * math.ceil(minutes / step)
    for minute, n in occ.baseline_minutes.items():
        i = (minute - first) // step
        if 0 <= i < len(base):
            base[i] += n
    points = [[(first + i * step) * 60, n] for i, n in enumerate(base)]
    buckets = counts.buckets
    now = occ.per_bucket or [0] * buckets.size
    points += [[round(buckets.start + i * buckets.step), n] for i, n in enumerate(now)]
    return points


@dataclass(slots=True)
class TraceLog:
    """What one entity logged while serving one request (trace), in time order."""

    first: float
    steps: list[tuple[float, int]] = field(default_factory=list)  # (ts, template id)
    thrown: bool = False  # an error line of it reported an exception (see `mentions_exception`)
    failed: bool = False  # it logged an error-level line (warnings do not count)
    named: set[str] = field(default_factory=set)  # other components its error lines name

    def templates(self) -> list[int]:
        """Template ids in the order they were logged, each once (first occurrence)."""
        return list(dict.fromkeys(tid for _, tid in sorted(self.steps)))


@dataclass(slots=True)
class EntityTally:
    lines: Occurrences = field(default_factory=Occurrences)
    errors: Occurrences = field(default_factory=Occurrences)
    templates: dict[int, Occurrences] = field(default_factory=dict)
    error_templates: Counter[int] = field(default_factory=Counter)
    error_locations: Counter[str] = field(default_factory=Counter)
    traces_baseline: dict[str, TraceLog] = field(default_factory=dict)
    traces_current: dict[str, TraceLog] = field(default_factory=dict)
    error_ids: set[int] = field(default_factory=set)  # templates seen at an error level


@dataclass(slots=True)
class Tally:
    """Everything the evidence step needs from the records."""

    miner: TemplateMiner
    buckets: Buckets
    baseline_seconds: float
    current_seconds: float
    baseline_start: float = 0.0  # epoch seconds of the baseline actually used
    entities: dict[str, EntityTally] = field(default_factory=dict)
    exception_records_baseline: list[LogRecord] = field(default_factory=list)
    exception_records_current: list[LogRecord] = field(default_factory=list)
    records: int = 0
    in_baseline: int = 0
    in_current: int = 0
    skipped_no_ts: int = 0
    outside: int = 0


def tally(
    records: Sequence[LogRecord],
    *,
    baseline: TimeWindow,
    current: TimeWindow,
    miner: TemplateMiner | None = None,
    reference: Sequence[LogRecord] = (),
    names: EntityNames | None = None,
) -> Tally:
    """Count the records of both windows; see the module docstring.

    With ``reference`` records (a known fault-free period, at any time), those make the
    baseline, over the whole minutes they span, and records in ``baseline`` are not counted.
    ``names`` finds the other components a request's error lines name (``TraceLog.named``).
    """
    b0, b1 = epoch(baseline.start), epoch(baseline.end)
    c0, c1 = epoch(current.start), epoch(current.end)
    stamps = [r.ts for r in reference if r.ts is not None]
    if stamps:
        b0 = math.floor(min(stamps) / 60.0) * 60.0
        b1 = max(b0 + 60.0, math.ceil(max(stamps) / 60.0) * 60.0)
    result = Tally(
        miner=miner or TemplateMiner(),
        buckets=Buckets.over(c0, c1),
        baseline_seconds=max(b1 - b0, 1.0),
        current_seconds=max(c1 - c0, 1.0),
        baseline_start=b0,
    )
    add = result.miner.add
    buckets = result.buckets
    entities = result.entities
    counted = itertools.chain(
        reference if stamps else (),
        (
            r
            for r in records
            if r.ts is not None and (c0 <= r.ts <= c1 or (not stamps and b0 <= r.ts <= b1))
        ),
    )
    # A location the header carried (and ingest stripped) is part of what a line is.
    restored = stripped_locations(counted)
    # Reference records first, so the current window's own lines cannot fall in the baseline.
    tagged = ((r, True) for r in reference) if stamps else iter(())
    for record, is_reference in itertools.chain(tagged, ((r, False) for r in records)):
        result.records += 1
        ts = record.ts
        if ts is None:
            result.skipped_no_ts += 1
            continue
        if is_reference:
            is_current = False
            result.in_baseline += 1
        elif c0 <= ts <= c1:
            is_current = True
            result.in_current += 1
        elif not stamps and b0 <= ts <= b1:
            is_current = False
            result.in_baseline += 1
        else:
            result.outside += 1
            continue
        where = restored.get((record.source, record.line)) if restored else None
        template_id = add(f"{where} {record.message}" if where else record.message)
        entity = record.entity or "unknown"
        state = entities.get(entity)
        if state is None:
            state = entities[entity] = EntityTally()
        state.lines.see(record, ts, is_current, buckets)
        occurrences = state.templates.get(template_id)
        if occurrences is None:
            occurrences = state.templates[template_id] = Occurrences()
        occurrences.see(record, ts, is_current, buckets)
        error_like = is_error_like(record.level, record.message)
        if record.trace_id:
            _follow(state, record, ts, template_id, is_current, error_like, names)
        if error_like:
            state.error_ids.add(template_id)
            state.errors.see(record, ts, is_current, buckets)
            if is_current:
                state.error_templates[template_id] += 1
                where = where or location_of(record.message)
                if where:
                    state.error_locations[where] += 1
        if might_hold_exception(record.message):
            if is_current:
                result.exception_records_current.append(record)
            else:
                result.exception_records_baseline.append(record)
    return result


def _follow(
    state: EntityTally,
    record: LogRecord,
    ts: float,
    template_id: int,
    is_current: bool,
    error_like: bool,
    names: EntityNames | None,
) -> None:
    """Add a record to the request (trace) it belongs to, within the `MAX_TRACES` bound."""
    assert record.trace_id is not None
    traces = state.traces_current if is_current else state.traces_baseline
    trace = traces.get(record.trace_id)
    if trace is None:
        if len(traces) >= MAX_TRACES:
            return
        trace = traces[record.trace_id] = TraceLog(first=ts)
    trace.first = min(trace.first, ts)
    trace.steps.append((ts, template_id))
    if error_like:
        trace.failed = trace.failed or record.level is None or record.level in ERROR_LEVELS
        if not trace.thrown:
            trace.thrown = mentions_exception(record.message)
        if names is not None:
            trace.named.update(names.named(record.message.partition("\n")[0], record.entity))
