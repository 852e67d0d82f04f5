"""The evidence engine: telemetry of one incident in, a bounded `EvidencePack` out.

It frames the incident in time (a baseline before the fault, a current window around the
alert), runs the log, metric and trace analyses, ranks the suspect components and keeps the
pack small enough for a model to read while never dropping the evidence behind a top suspect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warroom.domain.evidence import (
    Evidence,
    EvidenceKind,
    EvidencePack,
    EvidenceSource,
    SuspectScore,
    TimeWindow,
)
from warroom.evidence.logs import log_evidence
from warroom.evidence.metrics import metric_evidence
from warroom.evidence.ranking import rank_suspects
from warroom.evidence.traces import trace_evidence
from warroom.ingest.records import Telemetry

# How far before the alert the "current" window starts: alerts fire after the fault began.
DEFAULT_LEAD = timedelta(minutes=3)
# Evidence items kept per component, and in all, so the pack stays readable (and < 16k tokens).
PER_ENTITY_LIMIT = 8
TOTAL_LIMIT = 120
KEEP_SUSPECTS, KEEP_PER_SUSPECT = 10, 6


@dataclass(frozen=True, slots=True)
class Frame:
    """The time frame of an analysis: what counts as normal, and what is under suspicion."""

    window: TimeWindow
    alert_time: datetime
    baseline: TimeWindow
    current: TimeWindow

    @classmethod
    def around(cls, alert_time: datetime, span: timedelta, lead: timedelta = DEFAULT_LEAD) -> Frame:
        window = TimeWindow.around(alert_time, span)
        split = max(window.start, alert_time - min(lead, span / 6))
        return cls(
            window=window,
            alert_time=alert_time,
            baseline=TimeWindow(start=window.start, end=split),
            current=TimeWindow(start=split, end=window.end),
        )


def alert_evidence(text: str, *, entity: str, at: datetime, window: TimeWindow) -> Evidence:
    """The alert (or pasted text) that opened the incident, as citable evidence."""
    digest = hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]
    first_line = text.strip().splitlines()[0] if text.strip() else "alert"
    return Evidence(
        id=f"alert:{digest}",
        kind=EvidenceKind.ALERT,
        entity=entity,
        window=window,
        onset=at,
        summary=f"Alert: {first_line[:160]}",
        score=1.0,
        data={"text": text[:4000]},
        source=EvidenceSource(path="alert"),
    )


def build_evidence(
    telemetry: Telemetry,
    *,
    incident_id: str,
    frame: Frame,
    extra: Sequence[Evidence] = (),
    reference: Telemetry | None = None,
) -> EvidencePack:
    """Run every analysis over the telemetry and rank the suspects.

    ``reference`` is telemetry of a known fault-free period (at any time): its logs and spans
    replace the in-window baseline of the log and trace analyses. Metric series stay compared
    with the minutes before the alert, where they are continuous.
    """
    ref = reference or Telemetry()
    traces = trace_evidence(
        telemetry.spans, baseline=frame.baseline, current=frame.current, reference_spans=ref.spans
    )
    components = {s.service for s in telemetry.spans} | {m.entity for m in telemetry.metrics}
    logs = log_evidence(
        telemetry.logs,
        baseline=frame.baseline,
        current=frame.current,
        reference=ref.logs,
        entities=components,
        call_graph=traces.call_graph,
    )
    metrics = metric_evidence(telemetry.metrics, baseline=frame.baseline, current=frame.current)

    items: list[Evidence] = [*extra, *logs.evidence, *metrics, *traces.evidence]
    items = _dedupe(items)
    ranking = rank_suspects(items, traces.call_graph)
    kept = _bounded(items, ranking)
    _add_rank_evidence(kept, ranking, frame)

    return EvidencePack(
        incident_id=incident_id,
        window=frame.window,
        alert_time=frame.alert_time,
        items=kept,
        ranking=ranking,
        stats={
            "call_graph": {k: sorted(v) for k, v in sorted(traces.call_graph.items())},
            "baseline": frame.baseline.model_dump(mode="json"),
            "current": frame.current.model_dump(mode="json"),
            "log_records": len(telemetry.logs),
            "metric_series": len(telemetry.metrics),
            "spans": len(telemetry.spans),
            "reference": {"log_records": len(ref.logs), "spans": len(ref.spans)},
            "templates": len(logs.miner.templates()),
            "evidence_found": len(items),
            "evidence_kept": len(kept),
            "logs": logs.stats,
            "traces": traces.stats,
        },
    )


def _dedupe(items: Sequence[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for item in items:
        kept = seen.get(item.id)
        if kept is None or item.score > kept.score:
            seen[item.id] = item
    return list(seen.values())


def _bounded(items: list[Evidence], ranking: Sequence[SuspectScore]) -> list[Evidence]:
    """Keep the strongest items per component, and always those that back the top suspects."""
    # The strongest items of every leading suspect stay, so whoever wins the debate (or a
    # reader who doubts the ranking) still finds that suspect's own evidence in the pack.
    must_keep = {eid for s in ranking[:KEEP_SUSPECTS] for eid in s.evidence_ids[:KEEP_PER_SUSPECT]}
    by_entity: dict[str, list[Evidence]] = {}
    for item in sorted(items, key=lambda e: (-e.score, e.id)):
        by_entity.setdefault(item.entity, []).append(item)
    kept: list[Evidence] = []
    for group in by_entity.values():
        for i, item in enumerate(group):
            if i < PER_ENTITY_LIMIT or item.id in must_keep or item.kind is EvidenceKind.ALERT:
                kept.append(item)
    kept.sort(key=lambda e: (-e.score, e.id))
    if len(kept) > TOTAL_LIMIT:
        head = kept[:TOTAL_LIMIT]
        head_ids = {e.id for e in head}
        head += [e for e in kept[TOTAL_LIMIT:] if e.id in must_keep and e.id not in head_ids]
        kept = head
    return kept


def _add_rank_evidence(
    items: list[Evidence], ranking: Sequence[SuspectScore], frame: Frame
) -> None:
    """Each ranked component gets a citable item saying where it stands and why."""
    by_id = {e.id: e for e in items}
    for position, suspect in enumerate(ranking[:10], start=1):
        onsets = [
            by_id[eid].onset
            for eid in suspect.evidence_ids
            if eid in by_id and by_id[eid].onset is not None
        ]
        items.append(
            Evidence(
                id=f"rank:{suspect.component}",
                kind=EvidenceKind.SUSPECT_RANK,
                entity=suspect.component,
                window=frame.window,
                onset=min((o for o in onsets if o is not None), default=None),
                summary=(
                    f"{suspect.component} ranks #{position} of {len(ranking)} suspects "
                    f"(score {suspect.score:.2f}, looks like {suspect.fault_type})"
                ),
                score=max(suspect.score, 0.0),
                data={
                    "position": position,
                    "fault_type": suspect.fault_type,
                    "reasons": suspect.reasons[:5],
                    "evidence_ids": suspect.evidence_ids[:12],
                },
                source=EvidenceSource(path="ranking"),
            )
        )


def to_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC, as everywhere in warroom."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
