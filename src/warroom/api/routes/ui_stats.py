"""``/stats``: the home page's figures (open incidents, debates, verdicts, time to verdict).

Computed from the store's public queries over the newest incidents and runs (bounded, so the
page stays fast on a large store); the answer says how many of each it looked at.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime

from fastapi import APIRouter

from warroom.api.deps import CurrentKey, StoreDep
from warroom.api.routes.debates import RUN_KIND
from warroom.api.routes.responses import errors
from warroom.api.schemas.ui import (
    ActiveDebate,
    Durations,
    RecentVerdict,
    StatsPublic,
    VerdictSummary,
)
from warroom.domain import Incident, Severity
from warroom.store import ApprovalStatus, RunInfo, RunStatus, Store

router = APIRouter(tags=["ui"])

SCAN_INCIDENTS = 500
SCAN_RUNS = 2000
RECENT_VERDICTS = 8


def _durations(values: list[float]) -> Durations:
    return Durations(
        median_s=round(statistics.median(values), 3) if values else None, samples=len(values)
    )


def _first_verdicts(runs: list[RunInfo]) -> dict[str, datetime]:
    """Each incident's earliest successful debate end."""
    first: dict[str, datetime] = {}
    for run in runs:
        if run.status != RunStatus.SUCCEEDED or not run.incident_id or run.finished_at is None:
            continue
        known = first.get(run.incident_id)
        if known is None or run.finished_at < known:
            first[run.incident_id] = run.finished_at
    return first


async def _recent(
    store: Store, runs: list[RunInfo], incidents: dict[str, Incident]
) -> list[RecentVerdict]:
    done = [r for r in runs if r.status == RunStatus.SUCCEEDED]
    done.sort(key=lambda r: r.finished_at or r.created_at, reverse=True)
    found: list[RecentVerdict] = []
    for run in done:
        incident_id = run.incident_id
        if incident_id is None:
            continue
        if len(found) >= RECENT_VERDICTS:
            break
        incident = incidents.get(incident_id) or await store.get_incident(incident_id=incident_id)
        verdict = await store.get_verdict(incident_id=incident_id, run_id=run.id)
        if incident is None or verdict is None:
            continue
        summary = VerdictSummary.of(
            verdict, incident_id=incident.id, run_id=run.id, decided_at=run.finished_at
        )
        found.append(
            RecentVerdict(**summary.model_dump(), title=incident.title, severity=incident.severity)
        )
    return found


@router.get("/stats", operation_id="stats_get", responses=errors())
async def get_stats(store: StoreDep, _key: CurrentKey) -> StatsPublic:
    """Open incidents by severity, debates under way, recent verdicts and how long verdicts
    take, over the newest incidents and runs."""
    incidents, total = await store.search_incidents(limit=SCAN_INCIDENTS)
    runs = [r for r in await store.list_runs(limit=SCAN_RUNS) if r.kind == RUN_KIND]
    by_id = {i.id: i for i in incidents}
    first = _first_verdicts(runs)
    open_counts = Counter(i.severity for i in incidents if i.id not in first)
    active = [
        ActiveDebate(
            run_id=r.id,
            incident_id=r.incident_id,
            title=by_id[r.incident_id].title if r.incident_id in by_id else r.incident_id,
            status=r.status,
            created_at=r.created_at,
        )
        for r in runs
        if not r.status.finished and r.incident_id
    ]
    to_verdict = [
        (first[i.id] - i.created_at).total_seconds()
        for i in incidents
        if i.id in first and first[i.id] >= i.created_at
    ]
    debating = [
        (r.finished_at - r.started_at).total_seconds()
        for r in runs
        if r.status == RunStatus.SUCCEEDED and r.started_at and r.finished_at
    ]
    _, pending = await store.list_approvals(status=ApprovalStatus.PENDING, limit=1)
    return StatsPublic(
        open_by_severity={s: open_counts.get(s, 0) for s in Severity},
        incidents_total=total,
        scanned_incidents=len(incidents),
        scanned_runs=len(runs),
        active_debates=active,
        recent_verdicts=await _recent(store, runs, by_id),
        time_to_verdict=_durations(to_verdict),
        debate_duration=_durations(debating),
        pending_approvals=pending,
    )
