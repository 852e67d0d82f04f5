"""Finding, changing and deleting incidents: what the API needs beyond ``IncidentRepository``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.sql.elements import ColumnElement

from warroom.domain import Incident, Severity
from warroom.store.columns import require_aware
from warroom.store.database import Repository
from warroom.store.errors import RunStateError, StoreInputError, UnknownIncidentError
from warroom.store.incidents import _incident, check_page
from warroom.store.runs import RunStatus
from warroom.store.tables import AssetRow, IncidentRow, RunRow

_ACTIVE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


def _escape_like(text: str) -> str:
    # The user's text is matched literally: % and _ are not wildcards for them.
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class IncidentEditRepository(Repository):
    async def search_incidents(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        severity: Severity | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        title_contains: str | None = None,
    ) -> tuple[list[Incident], int]:
        """One page of matching incidents, newest first, and how many match in all.

        ``created_after`` and ``created_before`` are inclusive bounds; ``title_contains``
        matches case-insensitively and literally (no wildcards).
        """
        check_page(limit, offset)
        require_aware("created_after", created_after)
        require_aware("created_before", created_before)
        where: list[ColumnElement[bool]] = []
        if severity is not None:
            where.append(IncidentRow.severity == Severity(severity).value)
        if created_after is not None:
            where.append(IncidentRow.created_at >= created_after)
        if created_before is not None:
            where.append(IncidentRow.created_at <= created_before)
        if title_contains:
            pattern = f"%{_escape_like(title_contains.lower())}%"
            where.append(func.lower(IncidentRow.title).like(pattern, escape="\\"))
        async with self._db.reading() as session:
            total = await session.scalar(
                select(func.count()).select_from(IncidentRow).where(*where)
            )
            rows = await session.scalars(
                select(IncidentRow)
                .where(*where)
                .order_by(IncidentRow.created_at.desc(), IncidentRow.id)
                .limit(limit)
                .offset(offset)
            )
            return [_incident(r) for r in rows], int(total or 0)

    async def update_incident(self, *, incident: Incident) -> Incident:
        """Replace the stored incident's fields with ``incident``'s (``created_at`` is kept).

        Raises ``UnknownIncidentError`` when no incident has that id.
        """
        for field, value in (
            ("incident.alert_time", incident.alert_time),
            ("incident.window.start", incident.window.start),
            ("incident.window.end", incident.window.end),
        ):
            require_aware(field, value)
        async with self._db.writing() as session:
            row = await session.get(IncidentRow, incident.id, with_for_update=True)
            if row is None:
                raise UnknownIncidentError(incident.id)
            row.title = incident.title
            row.description = incident.description
            row.severity = incident.severity.value
            row.alert_time = incident.alert_time
            row.window_start = incident.window.start
            row.window_end = incident.window.end
            row.meta = incident.model_dump(mode="json", include={"metadata"})["metadata"]
            return _incident(row)

    async def active_run_ids(self, *, incident_id: str) -> list[str]:
        """Ids of the incident's runs that are queued or running."""
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(RunRow.id).where(
                    RunRow.incident_id == incident_id, RunRow.status.in_(_ACTIVE)
                )
            )
            return list(rows)

    async def delete_incident(self, *, incident_id: str) -> None:
        """Delete the incident with its asset records, evidence, runs, events, verdicts
        and reports. Blobs stay: the same bytes may belong to other incidents.

        Raises ``UnknownIncidentError`` when it is not stored and ``RunStateError`` when one
        of its runs is still queued or running (checked in the same transaction).
        """
        if not incident_id:
            raise StoreInputError("incident_id must name an incident, got ''")
        async with self._db.writing() as session:
            if await session.get(IncidentRow, incident_id) is None:
                raise UnknownIncidentError(incident_id)
            active = list(
                await session.scalars(
                    select(RunRow.id).where(
                        RunRow.incident_id == incident_id, RunRow.status.in_(_ACTIVE)
                    )
                )
            )
            if active:
                raise RunStateError(
                    f"incident {incident_id} has runs still in progress ({', '.join(active)}); "
                    "cancel them or wait for them to finish, then delete again"
                )
            await session.execute(delete(AssetRow).where(AssetRow.incident_id == incident_id))
            # Evidence, runs (with their events), verdicts and reports go by ON DELETE CASCADE.
            await session.execute(delete(IncidentRow).where(IncidentRow.id == incident_id))
