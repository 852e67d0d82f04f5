"""``/incidents``: create, list (paged, filtered), read, replace, change, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status

from warroom.api.deps import AdminKey, CurrentKey, OffsetQuery, ResponderKey, StoreDep
from warroom.api.routes.responses import errors
from warroom.api.schemas import (
    IncidentCreate,
    IncidentPublic,
    IncidentsPublic,
    IncidentUpdate,
    as_utc,
    parse_duration,
)
from warroom.domain import Incident, Severity, TimeWindow
from warroom.store import Store

router = APIRouter(prefix="/incidents", tags=["incidents"])


async def load_incident(store: Store, incident_id: str) -> Incident:
    """The stored incident, or 404 saying how to find one."""
    incident = await store.get_incident(incident_id=incident_id)
    if incident is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no incident with id {incident_id!r}; list them with GET /api/v1/incidents",
        )
    return incident


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="incidents_create",
    responses=errors(413, 422),
)
async def create_incident(
    body: IncidentCreate, request: Request, store: StoreDep, _key: ResponderKey
) -> IncidentPublic:
    """Open an incident. Its telemetry window is placed 2/3 before and 1/3 after the alert."""
    incident = Incident(
        title=body.title,
        description=body.description,
        severity=body.severity,
        alert_time=body.alert_time,
        window=TimeWindow.around(body.alert_time, parse_duration(body.window)),
        metadata=body.metadata,
    )
    stored = await store.add_incident(incident=incident)
    request.state.resource_id = stored.id
    return IncidentPublic.of(stored)


@router.get("", operation_id="incidents_list", responses=errors(422))
async def list_incidents(
    store: StoreDep,
    _key: CurrentKey,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: OffsetQuery = 0,
    severity: Severity | None = None,
    created_after: Annotated[
        datetime | None, Query(description="Inclusive; a time without zone is UTC.")
    ] = None,
    created_before: Annotated[
        datetime | None, Query(description="Inclusive; a time without zone is UTC.")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text the title contains, any case.")
    ] = None,
) -> IncidentsPublic:
    """One page of incidents, newest first; ``count`` is the number of all matches."""
    found, total = await store.search_incidents(
        limit=limit,
        offset=offset,
        severity=severity,
        created_after=as_utc(created_after) if created_after else None,
        created_before=as_utc(created_before) if created_before else None,
        title_contains=q,
    )
    return IncidentsPublic(data=[IncidentPublic.of(i) for i in found], count=total)


@router.get("/{incident_id}", operation_id="incidents_get", responses=errors(404))
async def get_incident(incident_id: str, store: StoreDep, _key: CurrentKey) -> IncidentPublic:
    return IncidentPublic.of(await load_incident(store, incident_id))


@router.put("/{incident_id}", operation_id="incidents_replace", responses=errors(404, 422))
async def replace_incident(
    incident_id: str, body: IncidentCreate, store: StoreDep, _key: ResponderKey
) -> IncidentPublic:
    """Replace every field of the incident (its id and creation time stay)."""
    current = await load_incident(store, incident_id)
    changed = current.model_copy(
        update={
            "title": body.title,
            "description": body.description,
            "severity": body.severity,
            "alert_time": body.alert_time,
            "window": TimeWindow.around(body.alert_time, parse_duration(body.window)),
            "metadata": body.metadata,
        }
    )
    return IncidentPublic.of(await store.update_incident(incident=changed))


@router.patch("/{incident_id}", operation_id="incidents_update", responses=errors(404, 422))
async def update_incident(
    incident_id: str, body: IncidentUpdate, store: StoreDep, _key: ResponderKey
) -> IncidentPublic:
    """Change only the fields sent. A new alert time without a window keeps the window's
    length; a new window is placed around the (new or stored) alert time."""
    current = await load_incident(store, incident_id)
    sent = body.model_dump(exclude_unset=True)
    update = {k: v for k, v in sent.items() if k not in ("window", "alert_time")}
    for field in ("title", "severity", "description", "metadata"):
        if field in sent and sent[field] is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"{field} cannot be null; leave it out to keep the stored value",
            )
    alert = body.alert_time or current.alert_time
    if body.window is not None or body.alert_time is not None:
        span = (
            parse_duration(body.window)
            if body.window is not None
            else current.window.end - current.window.start
        )
        update["alert_time"] = alert
        update["window"] = TimeWindow.around(alert, span)
    changed = current.model_copy(update=update)
    return IncidentPublic.of(await store.update_incident(incident=changed))


@router.delete(
    "/{incident_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="incidents_delete",
    responses=errors(404, 409),
)
async def delete_incident(incident_id: str, store: StoreDep, _key: AdminKey) -> Response:
    """Delete the incident with its assets' records, evidence, runs, verdicts and reports.

    Refused with 409 while one of its runs is queued or running: cancel it first.
    """
    await store.delete_incident(incident_id=incident_id)
    # The incident's fused graph (saved after its runs) goes with it.
    for source in await store.list_graph_sources():
        if source.kind == "incident" and source.location == incident_id:
            await store.delete_graph_source(source_id=source.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
