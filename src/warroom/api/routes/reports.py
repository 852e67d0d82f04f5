"""``/reports``: an incident's latest report as JSON, or exported as a document."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response

from warroom.api.deps import CurrentKey, StoreDep
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import ReportExport
from warroom.domain import Report
from warroom.report import render_report, report_json
from warroom.report.pdf import render_pdf
from warroom.store import Store

router = APIRouter(prefix="/reports", tags=["reports"])

_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


async def load_report(store: Store, incident_id: str, lang: str | None) -> Report:
    await load_incident(store, incident_id)
    report = await store.get_report(incident_id=incident_id, lang=lang)
    if report is None:
        which = f" in {lang!r}" if lang else ""
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"incident {incident_id} has no report{which} yet; start a debate with "
            f"POST /api/v1/debates{' and that lang' if lang else ''} and wait for it to finish",
        )
    return report


@router.get("/{incident_id}", operation_id="reports_get", responses=errors(404, 422))
async def get_report(
    incident_id: str,
    store: StoreDep,
    _key: CurrentKey,
    lang: Annotated[
        Literal["en", "zh"] | None, Query(description="Latest report in this language.")
    ] = None,
) -> dict[str, Any]:
    """The latest report's JSON form: ``verdict``, ``ranking``, ``suspects``, ``incident``,
    ``evidence``, ``debate``, ``struck``, ``usage``, ``rounds``, ``consensus``, ``lang``,
    ``run_id``, ``generated_at``."""
    return report_json(await load_report(store, incident_id, lang))


@router.post(
    "/{incident_id}/export",
    operation_id="reports_export",
    response_class=Response,
    responses={
        200: {
            "description": "The document.",
            "content": {media.split(";")[0]: {} for media in _MEDIA.values()},
        },
        **errors(404, 422),
    },
)
async def export_report(
    incident_id: str, body: ReportExport, store: StoreDep, _key: CurrentKey
) -> Response:
    """The latest report as a Markdown, HTML, JSON or PDF document."""
    report = await load_report(store, incident_id, None)
    lang = body.lang or ("zh" if report.lang == "zh" else "en")
    content: str | bytes = (
        await asyncio.to_thread(render_pdf, report, lang)
        if body.format == "pdf"
        else render_report(report, body.format, lang)
    )
    return Response(
        content=content,
        media_type=_MEDIA[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="report-{incident_id}.{body.format}"'
        },
    )
