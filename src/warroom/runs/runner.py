"""Runners: where a run's work happens. ``InlineRunner`` runs it as an asyncio task in the
API process (the embedded default); a Celery runner can implement the same protocol.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from warroom.domain.events import RunEventType
from warroom.flows.debate import EventSink
from warroom.runs.broadcast import Broadcaster
from warroom.runs.sink import RecordingSink
from warroom.store import RunStatus, Store

log = logging.getLogger(__name__)

Work = Callable[[EventSink], Awaitable[None]]


@dataclass(frozen=True)
class RunJob:
    """A stored, queued run and the work that carries it out.

    ``work`` receives the sink to report through; it stores its own results. It returns
    normally on success and raises on failure.
    """

    run_id: str
    work: Work


class Runner(Protocol):
    async def submit(self, run: RunJob) -> None:
        """Start the run; returns as soon as it is under way."""
        ...

    async def cancel(self, run_id: str) -> bool:
        """Stop the run; False when this runner is not running it."""
        ...

    def is_active(self, run_id: str) -> bool: ...

    async def shutdown(self) -> None:
        """Cancel every run still going and wait for each to record its final status."""
        ...


class InlineRunner:
    """Runs each job as an asyncio task on the current event loop.

    Whatever happens, the run ends with a final status in the store (succeeded, failed or
    cancelled; failures and cancellations also get a ``status`` event saying why) and its
    watchers are told through the broadcaster.
    """

    def __init__(self, store: Store, broadcaster: Broadcaster) -> None:
        self.store = store
        self.broadcaster = broadcaster
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancel_reasons: dict[str, str] = {}

    async def submit(self, run: RunJob) -> None:
        if run.run_id in self._tasks:
            raise ValueError(f"run {run.run_id} is already running; submit a new run instead")
        task = asyncio.create_task(self._execute(run), name=f"warroom-run-{run.run_id}")
        self._tasks[run.run_id] = task

    async def cancel(self, run_id: str, reason: str = "cancelled on request") -> bool:
        task = self._tasks.get(run_id)
        if task is None or task.done():
            return False
        self._cancel_reasons[run_id] = reason
        task.cancel()
        return True

    def is_active(self, run_id: str) -> bool:
        task = self._tasks.get(run_id)
        return task is not None and not task.done()

    async def wait(self, run_id: str) -> None:
        """Wait until the run has recorded its final status (returns at once if unknown)."""
        task = self._tasks.get(run_id)
        if task is not None:
            await asyncio.shield(task)

    async def shutdown(self) -> None:
        for run_id in list(self._tasks):
            await self.cancel(run_id, "the server shut down while the run was going")
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _execute(self, run: RunJob) -> None:
        sink = RecordingSink(self.store, self.broadcaster, run.run_id)
        status, error = RunStatus.SUCCEEDED, None
        try:
            # Shielded like the sink's writes: a cancel never interrupts a write midway.
            started = asyncio.ensure_future(
                self.store.set_run_status(run_id=run.run_id, status=RunStatus.RUNNING)
            )
            try:
                await asyncio.shield(started)
            except asyncio.CancelledError:
                await started
                raise
            await run.work(sink)
        except asyncio.CancelledError:
            status = RunStatus.CANCELLED
            error = self._cancel_reasons.get(run.run_id, "cancelled")
        except Exception as exc:
            log.exception("run %s failed", run.run_id)
            status, error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"
        try:
            if status != RunStatus.SUCCEEDED:
                await sink.emit(RunEventType.STATUS, None, {"status": status.value, "error": error})
            await self.store.set_run_status(run_id=run.run_id, status=status, error=error)
        except Exception:
            log.exception("run %s: could not record its final status %s", run.run_id, status)
        finally:
            self.broadcaster.finish(run.run_id, status.value)
            self._tasks.pop(run.run_id, None)
            self._cancel_reasons.pop(run.run_id, None)
