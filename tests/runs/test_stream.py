"""Replay then follow: every event once, in order, whatever the timing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from warroom.config import Settings
from warroom.domain import RunEvent, RunEventType
from warroom.runs import Broadcaster, Heartbeat, RecordingSink, StreamEnd, follow_run
from warroom.store import RunStatus, Store, UnknownRunError, open_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(Settings(data_dir=tmp_path / "data"))
    try:
        yield opened
    finally:
        await opened.close()


async def _run(store: Store) -> str:
    return await store.create_run(incident_id=None, kind="test")


async def _collect(stream: AsyncIterator[object]) -> list[object]:
    return [item async for item in stream if not isinstance(item, Heartbeat)]


async def test_follower_joining_mid_run_sees_every_event_once(store: Store) -> None:
    run_id = await _run(store)
    broadcaster = Broadcaster()
    sink = RecordingSink(store, broadcaster, run_id)
    for n in range(10):
        await sink.emit(RunEventType.STEP, None, {"n": n})

    follower = asyncio.create_task(
        _collect(follow_run(store, broadcaster, run_id, after=3, heartbeat_s=0.5))
    )

    async def produce() -> None:
        for n in range(10, 40):
            await sink.emit(RunEventType.STEP, None, {"n": n})
            if n % 7 == 0:
                await asyncio.sleep(0)
        await store.set_run_status(run_id=run_id, status=RunStatus.SUCCEEDED)
        broadcaster.finish(run_id, "succeeded")

    await asyncio.gather(produce(), follower)
    items = follower.result()
    seqs = [i.seq for i in items if isinstance(i, RunEvent)]
    assert seqs == list(range(4, 40))
    assert items[-1] == StreamEnd("succeeded")


async def test_live_event_ahead_of_the_last_one_is_filled_from_the_store(store: Store) -> None:
    run_id = await _run(store)
    broadcaster = Broadcaster()
    stream = follow_run(store, broadcaster, run_id, heartbeat_s=0.5)
    first = await store.append_event(run_id=run_id, type=RunEventType.STEP, payload={})
    assert (await anext(stream)) == first
    # Two concurrent emitters: seq 1 and 2 are stored, but 2 is published before 1.
    one = await store.append_event(run_id=run_id, type=RunEventType.STEP, payload={})
    two = await store.append_event(run_id=run_id, type=RunEventType.STEP, payload={})
    broadcaster.publish(two)
    broadcaster.publish(one)
    await store.set_run_status(run_id=run_id, status=RunStatus.FAILED)
    broadcaster.finish(run_id, "failed")
    rest = await _collect(stream)
    assert [i.seq for i in rest if isinstance(i, RunEvent)] == [1, 2]
    assert rest[-1] == StreamEnd("failed")


async def test_finished_run_replays_and_ends_at_once(store: Store) -> None:
    run_id = await _run(store)
    for _ in range(3):
        await store.append_event(run_id=run_id, type=RunEventType.STEP, payload={})
    await store.set_run_status(run_id=run_id, status=RunStatus.SUCCEEDED)
    items = await _collect(follow_run(store, Broadcaster(), run_id, after=0))
    assert [i.seq for i in items if isinstance(i, RunEvent)] == [1, 2]
    assert items[-1] == StreamEnd("succeeded")


async def test_run_finished_by_another_process_still_ends_the_stream(store: Store) -> None:
    run_id = await _run(store)
    await store.set_run_status(run_id=run_id, status=RunStatus.RUNNING)
    stream = follow_run(store, Broadcaster(), run_id, heartbeat_s=0.05)
    assert isinstance(await anext(stream), Heartbeat)
    await store.append_event(run_id=run_id, type=RunEventType.STEP, payload={})
    await store.set_run_status(run_id=run_id, status=RunStatus.SUCCEEDED)
    rest = await _collect(stream)
    assert [i.seq for i in rest if isinstance(i, RunEvent)] == [0]
    assert rest[-1] == StreamEnd("succeeded")


async def test_unknown_run_raises(store: Store) -> None:
    with pytest.raises(UnknownRunError):
        await anext(follow_run(store, Broadcaster(), "run_missing"))
