"""``/history``: past incidents, searched and filtered, each with its latest debate and verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from warroom.api.deps import CurrentKey, OffsetQuery, StoreDep
from warroom.api.routes.debates import RUN_KIND
from warroom.api.routes.responses import errors
from warroom.api.schemas import DebatePublic, IncidentPublic, as_utc
from warroom.api.schemas.ui import HistoryPublic, HistoryRow, VerdictSummary
from warroom.domain import Incident, Severity
from warroom.store import RunStatus, Store

router = APIRouter(tags=["ui"])

RUNS_PER_ROW = 20
_TIME_DOC = "Inclusive bound on the creation time; a time without zone is UTC."


async def history_row(store: Store, incident: Incident) -> HistoryRow:
    runs = await store.list_runs(limit=RUNS_PER_ROW, incident_id=incident.id)
    debates = [r for r in runs if r.kind == RUN_KIND]
    latest = debates[0] if debates else None
    decided = next((r for r in debates if r.status == RunStatus.SUCCEEDED), None)
    verdict = None
    if decided is not None:
        verdict = await store.get_verdict(incident_id=incident.id, run_id=decided.id)
    if verdict is None:
        verdict = await store.get_verdict(incident_id=incident.id)
    return HistoryRow(
        incident=IncidentPublic.of(incident),
        latest_run=DebatePublic.of(latest) if latest else None,
        verdict=VerdictSummary.of(
            verdict,
            incident_id=incident.id,
            run_id=decided.id if decided else None,
            decided_at=decided.finished_at if decided else None,
        )
        if verdict
        else None,
    )


@router.get("/history", operation_id="history_list", responses=errors(422))
async def list_history(
    store: StoreDep,
    _key: CurrentKey,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: OffsetQuery = 0,
    severity: Severity | None = None,
    created_after: Annotated[datetime | None, Query(description=_TIME_DOC)] = None,
    created_before: Annotated[datetime | None, Query(description=_TIME_DOC)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text the title contains, any case.")
    ] = None,
) -> HistoryPublic:
    """One page of incidents, newest first, with their latest debate and latest verdict;
    ``count`` is the number of all matching incidents."""
    found, total = await store.search_incidents(
        limit=limit,
        offset=offset,
        severity=severity,
        created_after=as_utc(created_after) if created_after else None,
        created_before=as_utc(created_before) if created_before else None,
        title_contains=q,
    )
    return HistoryPublic(data=[await history_row(store, i) for i in found], count=total)
