"""``/runs``: any run's status and event log."""

from __future__ import annotations

from fastapi import APIRouter

from warroom.api.deps import AfterSeqQuery, CurrentKey, EventLimitQuery, StoreDep
from warroom.api.routes.debates import events_page, load_run
from warroom.api.routes.responses import errors
from warroom.api.schemas import DebatePublic, RunEventsPublic

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get("/{run_id}", operation_id="runs_get", responses=errors(404))
async def get_run(run_id: str, store: StoreDep, _key: CurrentKey) -> DebatePublic:
    return DebatePublic.of(await load_run(store, run_id))


@router.get("/{run_id}/events", operation_id="runs_events", responses=errors(404, 422))
async def run_events(
    run_id: str,
    store: StoreDep,
    _key: CurrentKey,
    after: AfterSeqQuery = -1,
    limit: EventLimitQuery = 1000,
) -> RunEventsPublic:
    """The run's events in order, from ``seq > after``; page on with ``next_after``."""
    return await events_page(store, await load_run(store, run_id), after, limit)
