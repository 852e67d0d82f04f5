"""Log evidence: what changed in each entity's logs between the baseline and current window.

Per entity it reports templates that are new, that burst, or that vanished or dropped while
they were steady; the change of the share of error-like lines; the total volume when it jumps
or collapses; and exceptions grouped by (type, top frame). Every finding is tested with an
exact binomial test on counts scaled by window length (see ``significance``), so three lines
in a short window are judged as fairly as three thousand.

Template, error-share and volume items carry ``data["series"]``: ``[[epoch_seconds, count],
...]`` per minute over the baseline and the current window (see ``tally.series``).

Evidence ids are derived from content, so the same input gives the same ids:
``log:tmpl:<entity>:<8 hex>``, ``log:exc:<entity>:<8 hex>``, ``log:err:<entity>``,
``log:vol:<entity>``. Text inside logs is data: it is counted and quoted, never obeyed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource, TimeWindow
from warroom.evidence.calls import reachable
from warroom.evidence.logs.exceptions import (
    ExceptionInfo,
    extract_exceptions,
    location_of,
    locations_in_sources,
)
from warroom.evidence.logs.flows import failed_below, flow_evidence
from warroom.evidence.logs.levels import ERROR_LEVELS, WARN_LEVELS
from warroom.evidence.logs.miner import TemplateMiner
from warroom.evidence.logs.naming import EntityNames
from warroom.evidence.logs.significance import binomial_lower, binomial_upper, score_of
from warroom.evidence.logs.tally import Buckets, EntityTally, Occurrences, Tally, series, tally
from warroom.ingest.records import LogRecord

PER_ENTITY_LIMIT = 10
TOTAL_LIMIT = 300
MIN_SCORE = 0.3
# Effect sizes below these are not worth a person's attention, however significant.
BURST_RATIO = 2.0
DROP_RATIO = 0.25
ERROR_SHARE_RATIO = 1.5
# Volume alone says little about where a fault is (load moves it too), hence its lower weight.
WEIGHT = {"error": 1.5, "warn": 1.2, "info": 1.0, "volume": 0.8}


@dataclass(slots=True)
class LogAnalysis:
    """The log findings, the miner that templated the lines, and counts for the pack's stats."""

    evidence: list[Evidence]
    miner: TemplateMiner
    stats: dict[str, Any] = field(default_factory=dict)
    exceptions: list[ExceptionInfo] = field(default_factory=list)


def log_evidence(
    records: Sequence[LogRecord],
    *,
    baseline: TimeWindow,
    current: TimeWindow,
    per_entity_limit: int = PER_ENTITY_LIMIT,
    total_limit: int = TOTAL_LIMIT,
    min_score: float = MIN_SCORE,
    miner: TemplateMiner | None = None,
    reference: Sequence[LogRecord] = (),
    entities: Iterable[str] = (),
    call_graph: Mapping[str, set[str]] | None = None,
) -> LogAnalysis:
    """Compare each entity's current window with its baseline; see the module docstring.

    At most ``per_entity_limit`` items per entity and ``total_limit`` in all are returned,
    strongest first; items scoring below ``min_score`` are dropped. ``reference`` records (a
    known fault-free period) replace the in-window baseline when given. ``entities`` are
    further component names (beside those of the records) that error lines may name: such
    items carry ``data["names"]`` (see ``naming``). With ``call_graph`` (caller -> callees),
    error and broken-flow items whose requests failed further down as well carry
    ``data["downstream"]``: the callees that logged errors in the same requests.
    """
    started = time.perf_counter()
    names = EntityNames({*entities, *(r.entity for r in records if r.entity)})
    counts = tally(
        records,
        baseline=baseline,
        current=current,
        miner=miner,
        reference=reference,
        names=names,
    )
    found: list[Evidence] = []
    for entity in sorted(counts.entities):
        state = counts.entities[entity]
        found += _template_findings(entity, state, counts, current)
        found += _error_findings(entity, state, counts, current)
        found += _volume_findings(entity, state, counts, current)
    exceptions_now = extract_exceptions(counts.exception_records_current)
    exceptions_before = extract_exceptions(counts.exception_records_baseline)
    found += _exception_findings(exceptions_now, exceptions_before, counts, current)
    reach = reachable(call_graph or {})
    found += flow_evidence(counts, current, reach)
    _name_dependencies(found, names)
    _downstream_failures(found, counts, reach)
    kept = [e for e in found if e.score >= min_score]
    kept = _bounded(kept, per_entity_limit, total_limit)
    _fill_locations(kept)
    return LogAnalysis(
        evidence=kept,
        miner=counts.miner,
        exceptions=exceptions_now,
        stats={
            "records": counts.records,
            "in_baseline": counts.in_baseline,
            "in_current": counts.in_current,
            "skipped_no_ts": counts.skipped_no_ts,
            "outside_windows": counts.outside,
            "entities": len(counts.entities),
            "templates": len(counts.miner),
            "exception_groups": len(exceptions_now),
            "evidence_found": len(found),
            "evidence_kept": len(kept),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )


def _name_dependencies(items: list[Evidence], names: EntityNames) -> None:
    """``data["names"]``: other components an error item's example or message names."""
    for item in items:
        if "names" in item.data:
            continue
        error = item.kind in (EvidenceKind.LOG_EXCEPTION, EvidenceKind.LOG_ERROR_RATE) or (
            item.data.get("level") in ERROR_LEVELS
        )
        if not error:
            continue
        text = " ".join(str(item.data.get(key) or "") for key in ("example", "message", "template"))
        named = names.named(text, item.entity)
        if named:
            item.data["names"] = named


def _downstream_failures(
    items: list[Evidence], counts: Tally, reach: Mapping[str, set[str]]
) -> None:
    """``data["downstream"]`` of an entity's error items: callees that failed in most of the
    same requests (the entity passed their failure on)."""
    by_entity: dict[str, list[str]] = {}
    for entity, state in counts.entities.items():
        failing = [tid for tid, t in state.traces_current.items() if t.failed]
        if failing:
            by_entity[entity] = failed_below(failing, entity, counts, reach)
    for item in items:
        below = by_entity.get(item.entity)
        if not below or "downstream" in item.data:
            continue
        error = item.kind in (EvidenceKind.LOG_EXCEPTION, EvidenceKind.LOG_ERROR_RATE) or (
            item.data.get("level") in ERROR_LEVELS and item.data.get("change") in ("new", "burst")
        )
        if error:
            item.data["downstream"] = below


def _bounded(items: list[Evidence], per_entity: int, total: int) -> list[Evidence]:
    items = sorted(items, key=lambda e: (-e.score, e.id))
    taken: dict[str, int] = {}
    kept: list[Evidence] = []
    for item in items:
        if taken.get(item.entity, 0) < per_entity:
            taken[item.entity] = taken.get(item.entity, 0) + 1
            kept.append(item)
    return kept[:total]


def _fill_locations(items: list[Evidence]) -> None:
    """Give template and error-share items the ``Class#line`` of their raw source lines.

    Only items whose message did not already name a location are looked up.
    """
    wanted: dict[str, set[int]] = {}
    missing = [
        e
        for e in items
        if e.kind in (EvidenceKind.LOG_TEMPLATE, EvidenceKind.LOG_ERROR_RATE)
        and not e.data.get("location")
        and e.data.get("template") != "*"
        and e.source is not None
        and e.source.path
        and e.source.lines
    ]
    for item in missing:
        assert item.source is not None
        wanted.setdefault(item.source.path, set()).update(item.source.lines[:1])
    found = locations_in_sources(wanted)
    for item in missing:
        assert item.source is not None
        where = found.get((item.source.path, item.source.lines[0]))
        if where:
            item.data["location"] = where


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]


def _clock(ts: float | None) -> str:
    if ts is None:
        return "?"
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M:%S")


def _moment(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)


def _quote(text: str, limit: int = 100) -> str:
    # Log text is data: shown flat and short so it cannot pass for the summary's own words.
    short = text if len(text) <= limit else text[: limit - 3] + "..."
    return short if short.isprintable() else "".join(c if c.isprintable() else " " for c in short)


def _level(occ: Occurrences) -> str | None:
    if not occ.levels:
        return None
    return occ.levels.most_common(1)[0][0]


def _weight(level: str | None) -> float:
    if level in ERROR_LEVELS:
        return WEIGHT["error"]
    if level in WARN_LEVELS:
        return WEIGHT["warn"]
    return WEIGHT["info"]


def _per_minute(buckets: Buckets, occ: Occurrences) -> dict[str, Any]:
    return {
        "start": datetime.fromtimestamp(buckets.start, tz=UTC).isoformat(),
        "step_s": buckets.step,
        "counts": occ.per_bucket or [0] * buckets.size,
    }


def _rise_onset(occ: Occurrences, counts: Tally) -> float | None:
    """When a count that already existed started to rise: the first bucket well above normal."""
    buckets = counts.buckets
    expected = occ.baseline / counts.baseline_seconds * buckets.step
    for i, value in enumerate(occ.per_bucket):
        if value > 2 * expected + 1:
            return max(buckets.start + i * buckets.step, occ.first_current or 0.0)
    return occ.first_current


def _share(baseline_lines: int, current_lines: int, counts: Tally) -> float:
    """The chance that one occurrence falls in the current window if nothing changed.

    Taken from line counts when both windows have lines, else from the windows' lengths.
    """
    if baseline_lines and current_lines:
        return current_lines / (baseline_lines + current_lines)
    return counts.current_seconds / (counts.current_seconds + counts.baseline_seconds)


def _source(occ: Occurrences) -> EvidenceSource:
    return EvidenceSource(path=occ.path, lines=list(occ.lines))


def _template_findings(
    entity: str, state: EntityTally, counts: Tally, current: TimeWindow
) -> list[Evidence]:
    # Traffic shifts move every template of a service together; a template is judged against
    # its own service's lines, so only a change in the mix counts.
    share = _share(state.lines.baseline, state.lines.current, counts)
    by_lines = bool(state.lines.baseline and state.lines.current)
    base_total = state.lines.baseline if by_lines else counts.baseline_seconds
    current_total = state.lines.current if by_lines else counts.current_seconds
    minutes_in_baseline = max(1, round(counts.baseline_seconds / 60))
    by_text: dict[str, Occurrences] = {}
    for template_id, occ in state.templates.items():
        text = counts.miner.template(template_id).text
        if text in by_text:
            by_text[text].merge(occ)
        else:
            by_text[text] = occ.copy()
    found: list[Evidence] = []
    for text, occ in by_text.items():
        nb, nc = occ.baseline, occ.current
        rate_b = nb / counts.baseline_seconds
        rate_c = nc / counts.current_seconds
        rel_b, rel_c = nb / base_total, nc / current_total
        level = _level(occ)
        label = f"{level} " if level else ""
        quoted = _quote(text)
        onset: float | None
        if nb == 0:
            change = "new"
            p_value = binomial_upper(nc, nc, share)
            onset = occ.first_current
            summary = (
                f"{entity}: new {label}template '{quoted}' x{nc} since {_clock(onset)}"
                " (0 in baseline)"
            )
        elif rel_c >= BURST_RATIO * rel_b:
            change = "burst"
            p_value = binomial_upper(nc, nb + nc, share)
            onset = _rise_onset(occ, counts)
            summary = (
                f"{entity}: {label}template '{quoted}' bursts to x{nc} vs {nb} in baseline "
                f"({rel_c / rel_b:.1f}x its usual share) since {_clock(onset)}"
            )
        elif rel_c <= DROP_RATIO * rel_b and _steady(occ, minutes_in_baseline):
            change = "vanished" if nc == 0 else "dropped"
            p_value = binomial_lower(nc, nb + nc, share)
            last = occ.last_seen if nc else None
            onset = max(last or counts.buckets.start, counts.buckets.start)
            summary = (
                f"{entity}: steady {label}template '{quoted}' {change}: x{nc} vs {nb} in "
                f"baseline ({rel_c / rel_b:.0%} of its usual share)"
            )
        else:
            continue
        # A vanishing line is judged by what it was: a steady INFO line that stops is not an error.
        score = score_of(p_value, _weight(level) if change != "vanished" else 1.0)
        found.append(
            Evidence(
                id=f"log:tmpl:{entity}:{_digest(text)}",
                kind=EvidenceKind.LOG_TEMPLATE,
                entity=entity,
                window=current,
                onset=_moment(onset),
                summary=summary,
                score=score,
                data={
                    "change": change,
                    "template": text,
                    "count_baseline": nb,
                    "count_current": nc,
                    "rate_baseline_per_min": round(rate_b * 60, 3),
                    "rate_current_per_min": round(rate_c * 60, 3),
                    "p_value": p_value,
                    "level": level,
                    "example": occ.example,
                    "location": location_of(text) or location_of(occ.example),
                    "per_minute": _per_minute(counts.buckets, occ),
                    "series": series(counts, occ),
                },
                source=_source(occ),
            )
        )
    return found


def _steady(occ: Occurrences, minutes_in_baseline: int) -> bool:
    """Seen often, and in at least half of the baseline's minutes: its silence means something."""
    return occ.baseline >= 5 and len(occ.baseline_minutes) * 2 >= min(minutes_in_baseline, 10)


def _error_findings(
    entity: str, state: EntityTally, counts: Tally, current: TimeWindow
) -> list[Evidence]:
    lines, errors = state.lines, state.errors
    eb, ec = errors.baseline, errors.current
    if ec == 0:
        return []
    share_b = eb / lines.baseline if lines.baseline else 0.0
    share_c = ec / lines.current
    if lines.baseline:
        if share_c < ERROR_SHARE_RATIO * share_b:
            return []
        # Given the error lines of both windows, do they fall in the current one more often
        # than its share of all lines says they should?
        p_value = binomial_upper(ec, eb + ec, lines.current / (lines.baseline + lines.current))
    else:
        share_t = counts.current_seconds / (counts.current_seconds + counts.baseline_seconds)
        p_value = binomial_upper(ec, ec, share_t)
    onset = _rise_onset(errors, counts)
    top = [
        {"template": counts.miner.template(tid).text, "count": n}
        for tid, n in state.error_templates.most_common(3)
    ]
    location = state.error_locations.most_common(1)[0][0] if state.error_locations else None
    summary = (
        f"{entity}: error share {share_c:.0%} ({ec}/{lines.current}) vs {share_b:.0%} "
        f"({eb}/{lines.baseline}) in baseline, rising since {_clock(onset)}"
    )
    return [
        Evidence(
            id=f"log:err:{entity}",
            kind=EvidenceKind.LOG_ERROR_RATE,
            entity=entity,
            window=current,
            onset=_moment(onset),
            summary=summary,
            score=score_of(p_value, WEIGHT["error"]),
            data={
                "errors_baseline": eb,
                "errors_current": ec,
                "lines_baseline": lines.baseline,
                "lines_current": lines.current,
                "share_baseline": round(share_b, 4),
                "share_current": round(share_c, 4),
                "p_value": p_value,
                "top_templates": top,
                "example": errors.example,
                "location": location,
                "per_minute": _per_minute(counts.buckets, errors),
                "series": series(counts, errors),
            },
            source=_source(errors),
        )
    ]


def _volume_findings(
    entity: str, state: EntityTally, counts: Tally, current: TimeWindow
) -> list[Evidence]:
    """A service that goes quiet (or floods) is a signal even when no single line says so."""
    lines = state.lines
    nb, nc = lines.baseline, lines.current
    if nb == 0:
        return []
    # Judged against all services' lines when there are several, so that a load change that
    # moves every service does not single one out.
    several = sum(1 for e in counts.entities.values() if e.lines.baseline) >= 3
    if several:
        share = _share(counts.in_baseline, counts.in_current, counts)
        rel_b, rel_c = nb / counts.in_baseline, nc / max(counts.in_current, 1)
    else:
        share = _share(0, 0, counts)
        rel_b, rel_c = nb / counts.baseline_seconds, nc / counts.current_seconds
    rate_b, rate_c = nb / counts.baseline_seconds, nc / counts.current_seconds
    minutes_in_baseline = max(1, round(counts.baseline_seconds / 60))
    if rel_c <= DROP_RATIO * rel_b and _steady(lines, minutes_in_baseline):
        change, p_value = "volume_drop", binomial_lower(nc, nb + nc, share)
        onset = max(counts.buckets.start, lines.last_seen or 0.0) if nc else counts.buckets.start
    elif rel_c >= BURST_RATIO * rel_b:
        change, p_value = "volume_burst", binomial_upper(nc, nb + nc, share)
        onset = _rise_onset(lines, counts) or counts.buckets.start
    else:
        return []
    verb = "fell" if change == "volume_drop" else "rose"
    return [
        Evidence(
            id=f"log:vol:{entity}",
            kind=EvidenceKind.LOG_TEMPLATE,
            entity=entity,
            window=current,
            onset=_moment(onset),
            summary=(
                f"{entity}: log volume {verb} to {rate_c * 60:.1f}/min from "
                f"{rate_b * 60:.1f}/min in baseline ({nc} vs {nb} lines)"
            ),
            score=score_of(p_value, WEIGHT["volume"]),
            data={
                "change": change,
                "template": "*",
                "count_baseline": nb,
                "count_current": nc,
                "rate_baseline_per_min": round(rate_b * 60, 3),
                "rate_current_per_min": round(rate_c * 60, 3),
                "p_value": p_value,
                "per_minute": _per_minute(counts.buckets, lines),
                "series": series(counts, lines),
            },
            source=_source(lines),
        )
    ]


def _exception_findings(
    now: list[ExceptionInfo], before: list[ExceptionInfo], counts: Tally, current: TimeWindow
) -> list[Evidence]:
    seen_before = {(e.entity, e.type, e.top_frame): e.count for e in before}
    found: list[Evidence] = []
    for info in now:
        key = (info.entity, info.type, info.top_frame)
        nb, nc = seen_before.get(key, 0), info.count
        state = counts.entities.get(info.entity)
        share = _share(state.lines.baseline, state.lines.current, counts) if state else 0.5
        p_value = binomial_upper(nc, nb + nc, share)
        top = info.top_frame
        key_text = f"{info.type}|{top or ''}"
        where = f" at {top}" if top else ""
        summary = (
            f"{info.entity}: {info.type}{where} x{nc} since {_clock(info.first_ts)} "
            f"({nb} in baseline): '{_quote(info.message, 80)}'"
        )
        found.append(
            Evidence(
                id=f"log:exc:{info.entity}:{_digest(key_text)}",
                kind=EvidenceKind.LOG_EXCEPTION,
                entity=info.entity,
                window=current,
                onset=_moment(info.first_ts),
                summary=summary,
                score=score_of(p_value, WEIGHT["error"]),
                data={
                    "type": info.type,
                    "message": info.message[:1000],
                    "frames": [str(f) for f in info.frames[:20]],
                    "top_frame": top,
                    "location": top or info.location,
                    "language": info.language,
                    "causes": info.causes[:10],
                    "count_baseline": nb,
                    "count_current": nc,
                    "p_value": p_value,
                    "example": info.example,
                },
                source=EvidenceSource(path=info.source, lines=info.example_line_numbers[:5]),
            )
        )
    return found
