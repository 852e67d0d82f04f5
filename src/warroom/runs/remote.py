"""One attempt at a run on a worker: lease, resume, cancel, final status. No Celery here.

``execute_remote`` is what the Celery task calls; any queue that can redeliver a message
could call it the same way. It is idempotent per run: an attempt on a finished run does
nothing, an attempt on a run another worker holds reports ``BUSY`` (retry later), and an
attempt on a run with stored events resumes it (``warroom.runs.resume``).

Guarantees: while this attempt holds the run's lease it is the only writer of the run's
events; it stops writing as soon as the lease is lost (``LOST``: the holder that took over
finishes the run). Whatever else happens, an attempt that held the lease to the end leaves
the run with a final status and a ``finish`` message on the live channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from warroom.config import Settings
from warroom.domain.events import RunEventType
from warroom.runs.coordination import RunCoordinator, RunLease
from warroom.runs.interventions import with_interventions
from warroom.runs.investigation import InvestigationWork
from warroom.runs.redis_broadcast import RedisBroadcaster
from warroom.runs.resume import ReplayingSink, StoredTurns, replaying_turns, resume_marker
from warroom.runs.runner import Work
from warroom.runs.sink import RecordingSink
from warroom.store import BlobStore, RunStatus, Store
from warroom.store.database import Database

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    FINISHED = "finished"  # this attempt recorded the final status
    ALREADY_FINISHED = "already_finished"
    BUSY = "busy"  # another worker holds the lease: try again later
    LOST = "lost"  # the lease was lost mid-run; whoever took it over finishes the run
    GONE = "gone"  # the run is not stored (deleted)


@dataclass(frozen=True)
class RemoteOptions:
    """Where workers coordinate: the Redis URL and key prefix, the lease's time to live,
    and how often a running attempt checks for cancellation and lease loss."""

    redis_url: str
    prefix: str = "warroom"
    lease_ttl_s: float = 30.0
    poll_s: float = 0.5


class LeaseLost(Exception):
    """This worker no longer holds the run; it must not write anything more."""


class _GuardedSink:
    """Refuses to write once the lease is lost, so a worker that lost the run stays silent."""

    def __init__(self, inner: RecordingSink, lease: RunLease) -> None:
        self.inner = inner
        self.lease = lease

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        if self.lease.lost.is_set():
            raise LeaseLost(self.inner.run_id)
        await self.inner.emit(type, role, payload)


async def execute_remote(
    run_id: str, spec: dict[str, Any], options: RemoteOptions, settings: Settings
) -> Outcome:
    """Run (or resume, or skip) the run described by ``spec``; see the module docstring."""
    store = Store(Database(settings.resolved_database_url))
    coordinator = RunCoordinator(options.redis_url, prefix=options.prefix)
    live = RedisBroadcaster(options.redis_url, prefix=options.prefix)
    try:
        run = await store.get_run(run_id=run_id)
        if run is None:
            return Outcome.GONE
        if run.status.finished:
            return Outcome.ALREADY_FINISHED
        lease = coordinator.lease(run_id, options.lease_ttl_s)
        if not await asyncio.to_thread(lease.acquire):
            return Outcome.BUSY
        try:
            return await _attempt(store, live, coordinator, lease, run_id, spec, options, settings)
        finally:
            await asyncio.to_thread(lease.release)
    finally:
        await live.aclose()
        await store.close()
        coordinator.close()


async def _attempt(
    store: Store,
    live: RedisBroadcaster,
    coordinator: RunCoordinator,
    lease: RunLease,
    run_id: str,
    spec: dict[str, Any],
    options: RemoteOptions,
    settings: Settings,
) -> Outcome:
    # Read again under the lease: the previous holder may have finished it meanwhile.
    run = await store.get_run(run_id=run_id)
    if run is None:
        return Outcome.GONE
    if run.status.finished:
        return Outcome.ALREADY_FINISHED
    sink = RecordingSink(store, live, run_id)
    stored = await store.events(run_id=run_id)
    reason = await asyncio.to_thread(coordinator.cancel_reason, run_id)
    if reason is not None:
        await _close(store, live, sink, run_id, RunStatus.CANCELLED, reason)
        return Outcome.FINISHED
    await store.set_run_status(run_id=run_id, status=RunStatus.RUNNING)
    if stored:
        log.info("run %s: resuming after %d stored events", run_id, len(stored))
        await sink.emit(RunEventType.STATUS, None, resume_marker(len(stored)))
    work = await InvestigationWork.from_spec(
        spec,
        store=store,
        blobs=BlobStore(settings.blob_dir),
        settings=settings,
        run_id=run_id,
        resumed=bool(stored),
    )
    runnable: Work = work
    if spec.get("interventions"):
        runnable = with_interventions(work, store, work.incident.id)
    flow_sink = ReplayingSink(_GuardedSink(sink, lease), stored)
    with replaying_turns(StoredTurns(stored)):
        task = asyncio.ensure_future(runnable(flow_sink))
    stop_reason: list[str] = []
    watcher = asyncio.create_task(_watch(task, coordinator, lease, run_id, options, stop_reason))
    status, error = RunStatus.SUCCEEDED, None
    try:
        await task
    except asyncio.CancelledError:
        if not task.cancelled():
            raise  # this attempt itself is being cancelled (worker shutdown)
        if lease.lost.is_set():
            return Outcome.LOST
        status, error = RunStatus.CANCELLED, stop_reason[0] if stop_reason else "cancelled"
    except LeaseLost:
        return Outcome.LOST
    except Exception as exc:
        log.exception("run %s failed", run_id)
        status, error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    if lease.lost.is_set():
        return Outcome.LOST
    await _close(store, live, sink, run_id, status, error)
    return Outcome.FINISHED


async def _watch(
    task: asyncio.Task[None],
    coordinator: RunCoordinator,
    lease: RunLease,
    run_id: str,
    options: RemoteOptions,
    stop_reason: list[str],
) -> None:
    """Cancel ``task`` when someone asks for cancellation or the lease is lost."""
    while not task.done():
        await asyncio.sleep(options.poll_s)
        if lease.lost.is_set():
            log.warning("run %s: lease lost; stopping without writing more", run_id)
            task.cancel()
            return
        reason = await asyncio.to_thread(coordinator.cancel_reason, run_id)
        if reason is not None:
            stop_reason.append(reason)
            task.cancel()
            return


async def _close(
    store: Store,
    live: RedisBroadcaster,
    sink: RecordingSink,
    run_id: str,
    status: RunStatus,
    error: str | None,
) -> None:
    try:
        if status != RunStatus.SUCCEEDED:
            await sink.emit(RunEventType.STATUS, None, {"status": status.value, "error": error})
        await store.set_run_status(run_id=run_id, status=status, error=error)
    finally:
        live.finish(run_id, status.value)
        await live.flush()
