"""One pass over the log records: per entity and template, what happened in each window.

Only records inside the baseline or the current window are mined and counted (a record on
both sides of an overlap counts as current). Records without a timestamp cannot be placed and
are only counted in ``skipped_no_ts``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.domain.evidence import TimeWindow
from warroom.evidence.logs.exceptions import location_of, might_hold_exception
from warroom.evidence.logs.levels import is_error_like
from warroom.evidence.logs.miner import TemplateMiner
from warroom.ingest.records import LogRecord

SAMPLE_LINES = 5
MAX_BUCKETS = 240


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
    baseline_minutes: set[int] = field(default_factory=set)
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
            self.baseline_minutes.add(int(ts // 60))
            if self.example_is_current:
                return
        if not self.example:
            self.example = record.message.partition("\n")[0][:500]
            self.path = record.source
        if len(self.lines) < SAMPLE_LINES and record.source == self.path:
            self.lines.append(record.line)

    def merge(self, other: Occurrences) -> None:
        """Fold another tally of the same thing into this one (templates that ended alike)."""
        self.baseline += other.baseline
        self.current += other.current
        if other.first_current is not None:
            self.first_current = min(self.first_current or other.first_current, other.first_current)
        if other.last_seen is not None:
            self.last_seen = max(self.last_seen or other.last_seen, other.last_seen)
        self.baseline_minutes |= other.baseline_minutes
        if other.per_bucket:
            if not self.per_bucket:
                self.per_bucket = list(other.per_bucket)
            else:
                pairs = zip(self.per_bucket, other.per_bucket, strict=True)
                self.per_bucket = [a + b for a, b in pairs]
        self.levels.update(other.levels)


@dataclass(slots=True)
class EntityTally:
    lines: Occurrences = field(default_factory=Occurrences)
    errors: Occurrences = field(default_factory=Occurrences)
    templates: dict[int, Occurrences] = field(default_factory=dict)
    error_templates: Counter[int] = field(default_factory=Counter)
    error_locations: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Tally:
    """Everything the evidence step needs from the records."""

    miner: TemplateMiner
    buckets: Buckets
    baseline_seconds: float
    current_seconds: float
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
) -> Tally:
    """Count the records of both windows; see the module docstring.

    With ``reference`` records (a known fault-free period, at any time), those make the
    baseline, over the whole minutes they span, and records in ``baseline`` are not counted.
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
    )
    add = result.miner.add
    buckets = result.buckets
    entities = result.entities
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
        template_id = add(record.message)
        entity = record.entity or "unknown"
        state = entities.get(entity)
        if state is None:
            state = entities[entity] = EntityTally()
        state.lines.see(record, ts, is_current, buckets)
        occurrences = state.templates.get(template_id)
        if occurrences is None:
            occurrences = state.templates[template_id] = Occurrences()
        occurrences.see(record, ts, is_current, buckets)
        if is_error_like(record.level, record.message):
            state.errors.see(record, ts, is_current, buckets)
            if is_current:
                state.error_templates[template_id] += 1
                where = location_of(record.message)
                if where:
                    state.error_locations[where] += 1
        if might_hold_exception(record.message):
            if is_current:
                result.exception_records_current.append(record)
            else:
                result.exception_records_baseline.append(record)
    return result
