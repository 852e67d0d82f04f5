"""Incidents, the assets attached to them, and the evidence found for them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from warroom.domain import Asset, AssetKind, AssetState, Evidence, Incident, Severity, TimeWindow
from warroom.store.columns import require_aware
from warroom.store.database import Repository
from warroom.store.errors import AlreadyExistsError, StoreInputError, UnknownIncidentError
from warroom.store.tables import AssetRow, EvidenceRow, IncidentRow

# Stay well under the bound-parameter limits of SQLite and PostgreSQL.
_ID_CHUNK = 500


def check_page(limit: int, offset: int = 0) -> None:
    if limit < 1:
        raise StoreInputError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise StoreInputError(f"offset must be 0 or more, got {offset}")


async def require_incident(session: AsyncSession, incident_id: str) -> None:
    """Raise ``UnknownIncidentError`` unless the incident is stored."""
    if await session.get(IncidentRow, incident_id) is None:
        raise UnknownIncidentError(incident_id)


def incident_row(incident: Incident) -> IncidentRow:
    """The row an incident is stored as (the reverse of ``_incident``)."""
    return IncidentRow(
        id=incident.id,
        title=incident.title,
        description=incident.description,
        severity=incident.severity.value,
        alert_time=incident.alert_time,
        window_start=incident.window.start,
        window_end=incident.window.end,
        meta=incident.model_dump(mode="json", include={"metadata"})["metadata"],
        created_at=incident.created_at,
    )


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        title=row.title,
        description=row.description,
        severity=Severity(row.severity),
        alert_time=row.alert_time,
        window=TimeWindow(start=row.window_start, end=row.window_end),
        metadata=row.meta,
        created_at=row.created_at,
    )


def _asset(row: AssetRow) -> Asset:
    return Asset(
        id=row.id,
        incident_id=row.incident_id,
        state=AssetState(row.state),
        kind=AssetKind(row.kind),
        name=row.name,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
        created_at=row.created_at,
    )


class IncidentRepository(Repository):
    async def add_incident(self, *, incident: Incident) -> Incident:
        """Store a new incident and return it as stored (datetimes in UTC).

        Raises ``AlreadyExistsError`` when the id is taken, ``NaiveDatetimeError`` when a
        time has no time zone.
        """
        for field, value in (
            ("incident.alert_time", incident.alert_time),
            ("incident.window.start", incident.window.start),
            ("incident.window.end", incident.window.end),
            ("incident.created_at", incident.created_at),
        ):
            require_aware(field, value)
        row = incident_row(incident)
        async with self._db.writing() as session:
            if await session.get(IncidentRow, incident.id) is not None:
                raise AlreadyExistsError(
                    f"an incident with id {incident.id!r} is already stored; "
                    "read it with get_incident() or add the new one under another id"
                )
            session.add(row)
        return _incident(row)

    async def get_incident(self, *, incident_id: str) -> Incident | None:
        async with self._db.reading() as session:
            row = await session.get(IncidentRow, incident_id)
            return _incident(row) if row else None

    async def list_incidents(
        self, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[Incident], int]:
        """One page of incidents, newest first, and the total number stored."""
        check_page(limit, offset)
        async with self._db.reading() as session:
            total = await session.scalar(select(func.count()).select_from(IncidentRow))
            rows = await session.scalars(
                select(IncidentRow)
                .order_by(IncidentRow.created_at.desc(), IncidentRow.id)
                .limit(limit)
                .offset(offset)
            )
            return [_incident(r) for r in rows], int(total or 0)

    async def add_asset(self, *, asset: Asset) -> Asset:
        """Store an asset's record (its bytes belong in the ``BlobStore``).

        Raises ``UnknownIncidentError`` when it names an incident that is not stored, and
        ``AlreadyExistsError`` when the asset id is taken.
        """
        require_aware("asset.created_at", asset.created_at)
        if asset.size < 0:
            raise StoreInputError(f"asset.size must be 0 or more bytes, got {asset.size}")
        row = AssetRow(
            id=asset.id,
            incident_id=asset.incident_id,
            state=asset.state.value,
            kind=asset.kind.value,
            name=asset.name,
            sha256=asset.sha256,
            size=asset.size,
            media_type=asset.media_type,
            created_at=asset.created_at,
        )
        async with self._db.writing() as session:
            if asset.incident_id is not None:
                await require_incident(session, asset.incident_id)
            if await session.get(AssetRow, asset.id) is not None:
                raise AlreadyExistsError(
                    f"an asset with id {asset.id!r} is already stored; use another id"
                )
            session.add(row)
        return _asset(row)

    async def list_assets(self, *, incident_id: str | None) -> list[Asset]:
        """The incident's assets in the order they were added (``None``: unattached ones)."""
        query = select(AssetRow).order_by(AssetRow.created_at, AssetRow.id)
        if incident_id is None:
            query = query.where(AssetRow.incident_id.is_(None))
        else:
            query = query.where(AssetRow.incident_id == incident_id)
        async with self._db.reading() as session:
            return [_asset(r) for r in await session.scalars(query)]

    async def save_evidence(self, *, incident_id: str, items: Sequence[Evidence]) -> None:
        """Store evidence for an incident, replacing stored items that have the same id.

        Items with new ids are kept after the ones already stored, in the order given.
        Raises ``UnknownIncidentError`` for an unknown incident and ``StoreInputError`` when
        two items share an id; nothing is written then.
        """
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise StoreInputError(
                f"evidence ids must be unique within one call, got {twice} more than once"
            )
        for item in items:
            require_aware(f"evidence[{item.id!r}].onset", item.onset)
        async with self._db.writing() as session:
            await require_incident(session, incident_id)
            for start in range(0, len(ids), _ID_CHUNK):
                await session.execute(
                    delete(EvidenceRow).where(
                        EvidenceRow.incident_id == incident_id,
                        EvidenceRow.id.in_(ids[start : start + _ID_CHUNK]),
                    )
                )
            last = await session.scalar(
                select(func.max(EvidenceRow.position)).where(EvidenceRow.incident_id == incident_id)
            )
            first = -1 if last is None else last
            session.add_all(
                EvidenceRow(
                    incident_id=incident_id,
                    id=item.id,
                    position=first + 1 + n,
                    kind=item.kind.value,
                    entity=item.entity,
                    summary=item.summary,
                    score=item.score,
                    onset=item.onset,
                    full=item.model_dump(mode="json"),
                )
                for n, item in enumerate(items)
            )

    async def list_evidence(self, *, incident_id: str) -> list[Evidence]:
        """The incident's evidence in stored order; empty for an unknown incident."""
        async with self._db.reading() as session:
            rows = await session.scalars(
                select(EvidenceRow)
                .where(EvidenceRow.incident_id == incident_id)
                .order_by(EvidenceRow.position)
            )
            return [Evidence.model_validate(r.full) for r in rows]
