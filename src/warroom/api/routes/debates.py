"""``/debates``: start an investigation over an incident's runtime assets, follow it, cancel it.

A debate is a run of kind ``investigation``; its id is the run id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.responses import StreamingResponse

from warroom.api.deps import (
    MAX_SQL_INT,
    AfterSeqQuery,
    CurrentKey,
    EventLimitQuery,
    ResponderKey,
    StateDep,
    StoreDep,
)
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import (
    DebateCreate,
    DebatePublic,
    DebateStarted,
    RunEventPublic,
    RunEventsPublic,
)
from warroom.api.state import ApiState
from warroom.api.streaming import sse_frames
from warroom.domain import Asset, AssetState, Incident, RunEventType
from warroom.runs import InvestigationWork, RunJob, follow_run
from warroom.runs.interventions import with_interventions
from warroom.store import RunInfo, RunStatus, Store

router = APIRouter(prefix="/debates", tags=["debates"])

RUN_KIND = "investigation"
_CANCEL_WAIT_S = 10.0


async def load_run(store: Store, run_id: str) -> RunInfo:
    run = await store.get_run(run_id=run_id)
    if run is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no debate or run with id {run_id!r}; start one with POST /api/v1/debates",
        )
    return run


async def events_page(store: Store, run: RunInfo, after: int, limit: int) -> RunEventsPublic:
    found = await store.events(run_id=run.id, after_seq=after, limit=limit)
    return RunEventsPublic(
        data=[RunEventPublic.of(e) for e in found],
        count=len(found),
        next_after=found[-1].seq if found else after,
        status=run.status,
    )


async def launch_debate(
    state: ApiState,
    incident: Incident,
    assets: Sequence[Asset],
    *,
    lang: str = "en",
    rounds: int | None = None,
) -> str:
    """Create a queued investigation run over ``assets`` and submit it; returns its id.

    The run reads the incident's human interventions at the start and between rounds.
    """
    run_id = await state.store.create_run(incident_id=incident.id, kind=RUN_KIND)
    work = InvestigationWork(
        store=state.store,
        blobs=state.blobs,
        settings=state.settings,
        run_id=run_id,
        incident=incident,
        assets=assets,
        lang=lang,
        rounds=rounds,
    )
    feed = with_interventions(work, state.store, incident.id)
    await state.runner.submit(RunJob(run_id=run_id, work=feed))
    return run_id


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="debates_start",
    responses=errors(404, 409, 422),
)
async def start_debate(
    body: DebateCreate, request: Request, state: StateDep, _key: ResponderKey
) -> DebateStarted:
    """Start a debate over the incident's uploaded runtime assets; answers at once (202)."""
    incident = await load_incident(state.store, body.incident_id)
    assets = [
        a
        for a in await state.store.list_assets(incident_id=incident.id)
        if a.state == AssetState.RUNTIME
    ]
    if not assets:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"incident {incident.id} has no runtime assets; upload logs, metrics or "
            "traces with POST /api/v1/assets/runtime first",
        )
    run_id = await launch_debate(state, incident, assets, lang=body.lang, rounds=body.rounds)
    request.state.resource_id = run_id
    base = f"/api/v1/debates/{run_id}"
    return DebateStarted(
        id=run_id,
        incident_id=incident.id,
        status=RunStatus.QUEUED,
        links={
            "status": base,
            "history": f"{base}/history",
            "stream": f"{base}/stream",
            "websocket": f"/ws/debates/{run_id}",
            "report": f"/api/v1/reports/{incident.id}",
        },
    )


@router.get("/{run_id}", operation_id="debates_get", responses=errors(404))
async def get_debate(run_id: str, store: StoreDep, _key: CurrentKey) -> DebatePublic:
    """The run's status; ``verdict`` is filled once it has succeeded."""
    run = await load_run(store, run_id)
    verdict = None
    if run.status == RunStatus.SUCCEEDED and run.incident_id:
        verdict = await store.get_verdict(incident_id=run.incident_id, run_id=run.id)
    return DebatePublic.of(run, verdict)


@router.get("/{run_id}/history", operation_id="debates_history", responses=errors(404, 422))
async def debate_history(
    run_id: str,
    store: StoreDep,
    _key: CurrentKey,
    after: AfterSeqQuery = -1,
    limit: EventLimitQuery = 1000,
) -> RunEventsPublic:
    """The run's events in order, from ``seq > after``."""
    return await events_page(store, await load_run(store, run_id), after, limit)


@router.post("/{run_id}/cancel", operation_id="debates_cancel", responses=errors(404, 409))
async def cancel_debate(run_id: str, state: StateDep, _key: ResponderKey) -> DebatePublic:
    """Cancel a queued or running debate and answer its final state (409 if already over)."""
    run = await load_run(state.store, run_id)
    if run.status.finished:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"debate {run_id} already finished as {run.status.value}; nothing to cancel",
        )
    if not await state.runner.cancel(run_id):
        # No runner here holds it (e.g. the server restarted mid-run): close it in the store.
        event = await state.store.append_event(
            run_id=run_id,
            type=RunEventType.STATUS,
            payload={"status": "cancelled", "error": "cancelled; no runner was executing it"},
        )
        state.broadcaster.publish(event)
        await state.store.set_run_status(
            run_id=run_id, status=RunStatus.CANCELLED, error="cancelled; no runner held it"
        )
        state.broadcaster.finish(run_id, RunStatus.CANCELLED.value)
    deadline = asyncio.get_running_loop().time() + _CANCEL_WAIT_S
    while asyncio.get_running_loop().time() < deadline:
        run = await load_run(state.store, run_id)
        if run.status.finished:
            break
        await asyncio.sleep(0.05)
    return DebatePublic.of(run)


@router.get(
    "/{run_id}/stream",
    operation_id="debates_stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events."},
        **errors(404, 422),
    },
)
async def stream_debate(
    run_id: str,
    state: StateDep,
    _key: CurrentKey,
    after: AfterSeqQuery = -1,
    last_event_id: Annotated[int | None, Header(ge=-1, le=MAX_SQL_INT)] = None,
) -> StreamingResponse:
    """Stored events after ``after`` (or ``Last-Event-ID`` when reconnecting), then live ones,
    each once and in order; ends with ``event: end`` when the run is over."""
    await load_run(state.store, run_id)
    start = last_event_id if last_event_id is not None else after
    items = follow_run(
        state.store,
        state.broadcaster,
        run_id,
        after=start,
        heartbeat_s=state.limits.heartbeat_s,
    )
    return StreamingResponse(
        sse_frames(items),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
