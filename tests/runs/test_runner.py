"""The inline runner always leaves a final status in the store and tells watchers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from warroom.config import Settings
from warroom.domain import RunEventType
from warroom.flows.debate import EventSink
from warroom.runs import Broadcaster, InlineRunner, RunFinished, RunJob
from warroom.store import RunStatus, Store, open_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(Settings(data_dir=tmp_path / "data"))
    try:
        yield opened
    finally:
        await opened.close()


async def _job(store: Store, work: object) -> RunJob:
    run_id = await store.create_run(incident_id=None, kind="test")
    return RunJob(run_id=run_id, work=work)  # type: ignore[arg-type]


async def test_successful_work_ends_succeeded_with_its_events(store: Store) -> None:
    async def work(sink: EventSink) -> None:
        await sink.emit(RunEventType.STEP, "log", {"step": "one"})

    broadcaster = Broadcaster()
    runner = InlineRunner(store, broadcaster)
    job = await _job(store, work)
    async with broadcaster.subscribe(job.run_id) as watching:
        await runner.submit(job)
        await runner.wait(job.run_id)
        live = [await watching.next(1), await watching.next(1)]
    run = await store.get_run(run_id=job.run_id)
    assert run is not None and run.status == RunStatus.SUCCEEDED
    assert [e.payload for e in await store.events(run_id=job.run_id)] == [{"step": "one"}]
    assert live[1] == RunFinished(job.run_id, "succeeded")


async def test_failing_work_ends_failed_and_says_why(store: Store) -> None:
    async def work(sink: EventSink) -> None:
        raise ValueError("no telemetry in the window")

    runner = InlineRunner(store, Broadcaster())
    job = await _job(store, work)
    await runner.submit(job)
    await runner.wait(job.run_id)
    run = await store.get_run(run_id=job.run_id)
    assert run is not None and run.status == RunStatus.FAILED
    assert run.error == "ValueError: no telemetry in the window"
    last = (await store.events(run_id=job.run_id))[-1]
    assert last.payload["status"] == "failed"


async def test_cancel_ends_cancelled_and_shutdown_cancels_the_rest(store: Store) -> None:
    started = asyncio.Event()

    async def work(sink: EventSink) -> None:
        started.set()
        await asyncio.sleep(60)

    runner = InlineRunner(store, Broadcaster())
    first, second = await _job(store, work), await _job(store, work)
    await runner.submit(first)
    await runner.submit(second)
    await started.wait()
    assert await runner.cancel(first.run_id)
    await runner.wait(first.run_id)
    assert not runner.is_active(first.run_id)
    assert not await runner.cancel(first.run_id)
    await runner.shutdown()
    for job, reason in ((first, "cancelled on request"), (second, "server shut down")):
        run = await store.get_run(run_id=job.run_id)
        assert run is not None and run.status == RunStatus.CANCELLED
        assert reason in (run.error or "")
