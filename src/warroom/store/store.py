"""The store: one object over the database, made of the repositories beside it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from warroom.config import Settings
from warroom.store.access import AccessRepository
from warroom.store.alerts import AlertRepository
from warroom.store.approvals import ApprovalQueryRepository
from warroom.store.database import Database
from warroom.store.graph import GraphRepository
from warroom.store.incident_edits import IncidentEditRepository
from warroom.store.incidents import IncidentRepository
from warroom.store.interventions import InterventionRepository
from warroom.store.migrate import upgrade
from warroom.store.results import ResultRepository
from warroom.store.runs import RunRepository


class Store(
    IncidentRepository,
    IncidentEditRepository,
    RunRepository,
    ResultRepository,
    AccessRepository,
    AlertRepository,
    InterventionRepository,
    ApprovalQueryRepository,
    GraphRepository,
):
    """Domain models in, domain models out; every method takes keyword arguments only.

    Each call runs in its own transaction, so a failed call leaves nothing half-written.
    Build it with ``open_store``; close it with ``await store.close()``.
    """

    @property
    def engine(self) -> AsyncEngine:
        """The async engine, for migrations and diagnostics; repositories do the rest."""
        return self._db.engine

    async def close(self) -> None:
        """Release every connection. The store cannot be used afterwards."""
        await self._db.dispose()


async def open_store(settings: Settings) -> Store:
    """Create ``settings.data_dir``, migrate the database to the newest revision, open it.

    The database is ``settings.database_url``, or a SQLite file in the data directory.
    Opening an up-to-date database again changes nothing.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    try:
        await upgrade(db.engine)
    except BaseException:
        await db.dispose()
        raise
    return Store(db)
