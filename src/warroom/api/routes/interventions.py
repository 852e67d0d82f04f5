"""``/debates/{id}/intervene``: a person claims, instructs, pins or vetoes during a debate.

The intervention is kept for the debate's incident. A running debate takes it at its next
round; a finished one does not change, and the next debate on the incident reads it first.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from warroom.api.deps import CurrentKey, ResponderKey, StateDep, StoreDep
from warroom.api.routes.debates import load_run
from warroom.api.routes.responses import errors
from warroom.api.schemas.interventions import (
    InterventionCreate,
    InterventionPublic,
    InterventionsPublic,
)
from warroom.domain import RunEventType

router = APIRouter(prefix="/debates", tags=["debates"])


@router.post(
    "/{run_id}/intervene",
    status_code=status.HTTP_201_CREATED,
    operation_id="debates_intervene",
    responses=errors(404, 409, 422),
)
async def intervene(
    run_id: str, body: InterventionCreate, request: Request, state: StateDep, key: ResponderKey
) -> InterventionPublic:
    """Record a person's move; a running debate also gets a ``human_intervention`` event."""
    run = await load_run(state.store, run_id)
    if run.incident_id is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"run {run_id} belongs to no incident; interventions steer incident debates",
        )
    record = await state.store.add_intervention(
        incident_id=run.incident_id,
        run_id=run.id,
        kind=body.kind,
        text=body.text.strip(),
        component=(body.component or "").strip() or None,
        evidence_ids=[i.strip() for i in body.evidence_ids if i.strip()],
        author=f"{key.name} ({key.id})",
    )
    request.state.resource_id = str(record.id)
    live = not (await load_run(state.store, run_id)).status.finished
    if live:
        event = await state.store.append_event(
            run_id=run.id,
            type=RunEventType.HUMAN_INTERVENTION,
            role="Human",
            payload={"stage": "received", **record.model_dump(mode="json")},
        )
        state.broadcaster.publish(event)
    return InterventionPublic(intervention=record, applies="next_round" if live else "next_debate")


@router.get("/{run_id}/interventions", operation_id="debates_interventions", responses=errors(404))
async def list_interventions(run_id: str, store: StoreDep, _key: CurrentKey) -> InterventionsPublic:
    """Every intervention on the debate's incident, oldest first (all its debates read them)."""
    run = await load_run(store, run_id)
    found = await store.list_interventions(incident_id=run.incident_id) if run.incident_id else []
    return InterventionsPublic(data=found, count=len(found))
