"""Runs and their append-only event logs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from pydantic_core import PydanticSerializationError, to_jsonable_python
from sqlalchemy import insert, select, update

from warroom.domain import RunEvent, RunEventType, new_id
from warroom.domain.incident import utcnow
from warroom.store.database import Repository
from warroom.store.errors import RunStateError, StoreInputError, UnknownRunError
from warroom.store.incidents import check_page, require_incident
from warroom.store.tables import RunEventRow, RunRow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in _FINISHED


_E = TypeVar("_E", bound=StrEnum)

_FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})


class RunInfo(BaseModel):
    """What the store knows about a run, apart from its events."""

    id: str
    incident_id: str | None
    kind: str
    status: RunStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    event_count: int = Field(ge=0, description="Events appended so far; the next seq.")


def _run(row: RunRow) -> RunInfo:
    return RunInfo(
        id=row.id,
        incident_id=row.incident_id,
        kind=row.kind,
        status=RunStatus(row.status),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        event_count=row.next_seq,
    )


def _event(row: RunEventRow) -> RunEvent:
    return RunEvent(
        run_id=row.run_id,
        seq=row.seq,
        at=row.at,
        type=RunEventType(row.type),
        role=row.role,
        payload=row.payload,
    )


def _parse(enum: type[_E], value: str, name: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise StoreInputError(f"{name} must be one of {allowed}, got {value!r}") from None


class RunRepository(Repository):
    async def create_run(self, *, incident_id: str | None, kind: str) -> str:
        """Create a queued run and return its id (``run_...``).

        ``incident_id`` may be None for runs that belong to no incident (agent jobs).
        """
        if not kind.strip():
            raise StoreInputError("kind must name what the run does, e.g. 'investigation'")
        run_id = new_id("run")
        async with self._db.writing() as session:
            if incident_id is not None:
                await require_incident(session, incident_id)
            session.add(
                RunRow(
                    id=run_id,
                    incident_id=incident_id,
                    kind=kind,
                    status=RunStatus.QUEUED.value,
                    next_seq=0,
                    created_at=utcnow(),
                )
            )
        return run_id

    async def set_run_status(
        self, *, run_id: str, status: RunStatus | str, error: str | None = None
    ) -> RunInfo:
        """Move a run to ``status`` and return it.

        Leaving ``queued`` stamps ``started_at``; reaching succeeded, failed or cancelled
        stamps ``finished_at``. A finished run stays finished: changing it raises
        ``RunStateError`` (setting the same status again is allowed and changes nothing
        but ``error``).
        """
        new = _parse(RunStatus, str(status), "status")
        async with self._db.writing() as session:
            row = await session.get(RunRow, run_id, with_for_update=True)
            if row is None:
                raise UnknownRunError(run_id)
            old = RunStatus(row.status)
            if old.finished and new != old:
                raise RunStateError(
                    f"run {run_id} already finished as {old}; it cannot become {new}. "
                    "Create a new run to try again"
                )
            now = utcnow()
            if new != RunStatus.QUEUED and row.started_at is None:
                row.started_at = now
            if new.finished and row.finished_at is None:
                row.finished_at = now
            row.status = new.value
            if error is not None or new != old:
                row.error = error
            return _run(row)

    async def get_run(self, *, run_id: str) -> RunInfo | None:
        async with self._db.reading() as session:
            row = await session.get(RunRow, run_id)
            return _run(row) if row else None

    async def list_runs(self, *, limit: int = 50, incident_id: str | None = None) -> list[RunInfo]:
        """The newest runs first, optionally only those of one incident."""
        check_page(limit)
        query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id).limit(limit)
        if incident_id is not None:
            query = query.where(RunRow.incident_id == incident_id)
        async with self._db.reading() as session:
            return [_run(r) for r in await session.scalars(query)]

    async def append_event(
        self,
        *,
        run_id: str,
        type: RunEventType | str,
        role: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> RunEvent:
        """Append an event to the run's log and return it with its ``seq`` and time.

        Seqs start at 0 and go up by one with no gaps, also under concurrent appends: the
        number comes from the run's row in the same transaction as the insert. The payload
        is stored as JSON (datetimes, enums and pydantic models are converted); anything
        else that JSON cannot hold raises ``StoreInputError``.
        """
        event_type = _parse(RunEventType, str(type), "type")
        try:
            data = to_jsonable_python(payload or {})
        except PydanticSerializationError as exc:
            raise StoreInputError(
                f"event payload must be JSON-serializable (dicts, lists, strings, numbers, "
                f"datetimes, pydantic models), got: {exc}"
            ) from None
        at = utcnow()
        async with self._db.writing() as session:
            seq = await session.scalar(
                update(RunRow)
                .where(RunRow.id == run_id)
                .values(next_seq=RunRow.next_seq + 1)
                .returning(RunRow.next_seq)
                .execution_options(synchronize_session=False)
            )
            if seq is None:
                raise UnknownRunError(run_id)
            row = {
                "run_id": run_id,
                "seq": seq - 1,
                "at": at,
                "type": event_type.value,
                "role": role,
                "payload": data,
            }
            await session.execute(insert(RunEventRow), [row])
        return RunEvent(run_id=run_id, seq=seq - 1, at=at, type=event_type, role=role, payload=data)

    async def events(
        self, *, run_id: str, after_seq: int = -1, limit: int | None = None
    ) -> list[RunEvent]:
        """The run's events with ``seq > after_seq``, in order; empty for an unknown run."""
        query = (
            select(RunEventRow)
            .where(RunEventRow.run_id == run_id, RunEventRow.seq > after_seq)
            .order_by(RunEventRow.seq)
        )
        if limit is not None:
            check_page(limit)
            query = query.limit(limit)
        async with self._db.reading() as session:
            return [_event(r) for r in await session.scalars(query)]
