"""``/incidents/{id}/runs`` and ``/incidents/{id}/evidence``: what the incident page shows
beside the incident itself (its debates, the evidence they cited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from warroom.api.deps import CurrentKey, StoreDep
from warroom.api.routes.debates import RUN_KIND
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import DebatePublic
from warroom.api.schemas.ui import DebatesPublic, EvidenceListPublic

router = APIRouter(prefix="/incidents", tags=["incidents"])

MAX_RUNS = 200


@router.get("/{incident_id}/runs", operation_id="incidents_runs", responses=errors(404, 422))
async def list_incident_runs(
    incident_id: str,
    store: StoreDep,
    _key: CurrentKey,
    limit: Annotated[int, Query(ge=1, le=MAX_RUNS)] = 20,
) -> DebatesPublic:
    """The incident's debates, newest first (statuses only; a verdict is on its debate)."""
    await load_incident(store, incident_id)
    runs = await store.list_runs(limit=limit, incident_id=incident_id)
    found = [DebatePublic.of(r) for r in runs if r.kind == RUN_KIND]
    return DebatesPublic(data=found, count=len(found))


@router.get(
    "/{incident_id}/evidence", operation_id="incidents_evidence", responses=errors(404, 422)
)
async def list_incident_evidence(
    incident_id: str,
    store: StoreDep,
    _key: CurrentKey,
    ids: Annotated[
        list[str] | None,
        Query(max_length=200, description="Only these evidence ids (repeat the parameter)."),
    ] = None,
) -> EvidenceListPublic:
    """The evidence stored for the incident (by its latest finished debate), optionally only
    some ids; empty while the incident's first debate is still running."""
    await load_incident(store, incident_id)
    items = await store.list_evidence(incident_id=incident_id)
    if ids:
        wanted = set(ids)
        items = [e for e in items if e.id in wanted]
    return EvidenceListPublic(data=items, count=len(items))
