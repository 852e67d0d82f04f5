"""``/reports``: an incident's latest report as JSON, or exported as a document."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response

from warroom.api.deps import CurrentKey, StoreDep
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import ReportExport
from warroom.domain import Report
from warroom.report import render_report, report_json
from warroom.store import Store

router = APIRouter(prefix="/reports", tags=["reports"])

_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
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
    """The latest report as a Markdown, HTML or JSON document (PDF: 422, not available)."""
    if body.format == "pdf":
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="PDF export is not available yet; ask for format 'md', 'html' or 'json' "
            "(HTML prints to PDF from a browser)",
        )
    report = await load_report(store, incident_id, None)
    lang = body.lang or ("zh" if report.lang == "zh" else "en")
    text = render_report(report, body.format, lang)
    return Response(
        content=text,
        media_type=_MEDIA[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="report-{incident_id}.{body.format}"'
        },
    )
