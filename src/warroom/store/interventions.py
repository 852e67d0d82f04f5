"""Human interventions in a debate: recorded per incident, read in order by id.

Every debate on an incident sees the incident's interventions: a running one polls for those
after the last id it saw, a new one reads them all when it starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select

from warroom.domain.incident import utcnow
from warroom.store.alert_tables import InterventionRow
from warroom.store.database import Repository
from warroom.store.errors import StoreInputError, UnknownRunError
from warroom.store.incidents import require_incident
from warroom.store.tables import RunRow


class InterventionKind(StrEnum):
    CLAIM = "claim"
    INSTRUCTION = "instruction"
    PIN = "pin"
    VETO = "veto"


class InterventionRecord(BaseModel):
    id: int
    incident_id: str
    run_id: str | None
    kind: InterventionKind
    text: str
    component: str | None
    evidence_ids: list[str]
    author: str
    created_at: datetime


def _record(row: InterventionRow) -> InterventionRecord:
    return InterventionRecord.model_validate(row, from_attributes=True)


class InterventionRepository(Repository):
    async def add_intervention(
        self,
        *,
        incident_id: str,
        run_id: str | None,
        kind: InterventionKind | str,
        text: str,
        author: str,
        component: str | None = None,
        evidence_ids: Sequence[str] = (),
    ) -> InterventionRecord:
        """Record one intervention; raises ``UnknownIncidentError`` / ``UnknownRunError``."""
        try:
            chosen = InterventionKind(str(kind))
        except ValueError:
            allowed = ", ".join(k.value for k in InterventionKind)
            raise StoreInputError(f"kind must be one of {allowed}, got {kind!r}") from None
        if chosen in (InterventionKind.PIN, InterventionKind.VETO) and not component:
            raise StoreInputError(f"a {chosen.value} needs the component it is about")
        row = InterventionRow(
            incident_id=incident_id,
            run_id=run_id,
            kind=chosen.value,
            text=text,
            component=component or None,
            evidence_ids=list(evidence_ids),
            author=author,
            created_at=utcnow(),
        )
        async with self._db.writing() as session:
            await require_incident(session, incident_id)
            if run_id is not None and await session.get(RunRow, run_id) is None:
                raise UnknownRunError(run_id)
            session.add(row)
            await session.flush()
            return _record(row)

    async def list_interventions(
        self, *, incident_id: str, after_id: int = 0
    ) -> list[InterventionRecord]:
        """The incident's interventions with ``id > after_id``, oldest first."""
        query = (
            select(InterventionRow)
            .where(InterventionRow.incident_id == incident_id, InterventionRow.id > after_id)
            .order_by(InterventionRow.id)
        )
        async with self._db.reading() as session:
            return [_record(r) for r in await session.scalars(query)]
