"""The event sink a runner gives a flow: store first, then broadcast."""

from __future__ import annotations

import asyncio
from typing import Any

from warroom.domain.events import RunEvent, RunEventType
from warroom.runs.broadcast import LiveEvents
from warroom.store import Store


class RecordingSink:
    """Appends each event to the run's log, then publishes the stored event (with its seq).

    Storing first means a live watcher never sees an event the log does not hold.
    """

    def __init__(self, store: Store, broadcaster: LiveEvents, run_id: str) -> None:
        self.store = store
        self.broadcaster = broadcaster
        self.run_id = run_id

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        await self.record(type, role, payload)

    async def record(
        self, type: RunEventType, role: str | None, payload: dict[str, Any]
    ) -> RunEvent:
        # A run is cancelled by cancelling its task; the write in flight still finishes (and
        # releases its connection and the database's write lock) before the cancel goes on.
        write = asyncio.ensure_future(
            self.store.append_event(run_id=self.run_id, type=type, role=role, payload=payload)
        )
        try:
            event = await asyncio.shield(write)
        except asyncio.CancelledError:
            self.broadcaster.publish(await write)
            raise
        self.broadcaster.publish(event)
        return event
