"""Verdicts and reports: what a run concluded, kept per incident."""

from __future__ import annotations

from sqlalchemy import select

from warroom.domain import Report, Verdict
from warroom.domain.incident import utcnow
from warroom.store.columns import require_aware
from warroom.store.database import Repository
from warroom.store.errors import StoreInputError, UnknownRunError
from warroom.store.incidents import require_incident
from warroom.store.tables import ReportRow, RunRow, VerdictRow


class ResultRepository(Repository):
    async def save_verdict(self, *, incident_id: str, run_id: str | None, verdict: Verdict) -> None:
        """Keep a verdict; earlier verdicts of the incident stay stored.

        Raises ``UnknownIncidentError`` or ``UnknownRunError`` when either is not stored.
        """
        async with self._db.writing() as session:
            await require_incident(session, incident_id)
            if run_id is not None and await session.get(RunRow, run_id) is None:
                raise UnknownRunError(run_id)
            session.add(
                VerdictRow(
                    incident_id=incident_id,
                    run_id=run_id,
                    verdict=verdict.model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )

    async def get_verdict(self, *, incident_id: str, run_id: str | None = None) -> Verdict | None:
        """The latest verdict of the incident (of one run, if given), or None."""
        query = select(VerdictRow).where(VerdictRow.incident_id == incident_id)
        if run_id is not None:
            query = query.where(VerdictRow.run_id == run_id)
        query = query.order_by(VerdictRow.created_at.desc(), VerdictRow.id.desc()).limit(1)
        async with self._db.reading() as session:
            row = await session.scalar(query)
            return Verdict.model_validate(row.verdict) if row else None

    async def save_report(self, *, report: Report) -> None:
        """Keep a report under its incident, run and language; earlier ones stay stored.

        The report's incident must be stored already (``UnknownIncidentError``), and so must
        its run when ``report.run_id`` is set (``UnknownRunError``).
        """
        require_aware("report.generated_at", report.generated_at)
        if not report.lang.strip():
            raise StoreInputError("report.lang must name a language, e.g. 'en', got ''")
        async with self._db.writing() as session:
            await require_incident(session, report.incident.id)
            if report.run_id is not None and await session.get(RunRow, report.run_id) is None:
                raise UnknownRunError(report.run_id)
            session.add(
                ReportRow(
                    incident_id=report.incident.id,
                    run_id=report.run_id,
                    lang=report.lang,
                    report=report.model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )

    async def get_report(self, *, incident_id: str, lang: str | None = None) -> Report | None:
        """The latest report of the incident (in ``lang``, if given), or None."""
        query = select(ReportRow).where(ReportRow.incident_id == incident_id)
        if lang is not None:
            query = query.where(ReportRow.lang == lang)
        query = query.order_by(ReportRow.created_at.desc(), ReportRow.id.desc()).limit(1)
        async with self._db.reading() as session:
            row = await session.scalar(query)
            return Report.model_validate(row.report) if row else None
