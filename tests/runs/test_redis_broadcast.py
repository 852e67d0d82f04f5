"""Live events over real Redis pub/sub: same interface as the in-process broadcaster."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from tests.services import RedisService
from warroom.config import Settings
from warroom.domain import RunEventType
from warroom.runs import Broadcaster, RecordingSink, RunFinished, StreamEnd, follow_run
from warroom.runs.coordination import RunCoordinator
from warroom.runs.redis_broadcast import RedisBroadcaster, RedisRelay, live_channel
from warroom.store import RunStatus, Store, open_store


@pytest.fixture
def prefix(redis_server: RedisService) -> str:
    return f"{redis_server.prefix}:{secrets.token_hex(4)}"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(Settings(data_dir=tmp_path / "data"))
    try:
        yield opened
    finally:
        await opened.close()


async def test_subscriber_gets_published_events_in_order_then_the_finish(
    redis_server: RedisService, prefix: str, store: Store
) -> None:
    run_id = await store.create_run(incident_id=None, kind="test")
    publisher = RedisBroadcaster(redis_server.url, prefix=prefix)
    watcher = RedisBroadcaster(redis_server.url, prefix=prefix)
    try:
        async with watcher.subscribe(run_id) as subscription:
            sink = RecordingSink(store, publisher, run_id)
            for n in range(20):
                await sink.emit(RunEventType.STEP, "log", {"n": n})
            publisher.finish(run_id, "succeeded")
            await publisher.flush()
            received = [await subscription.next(5) for _ in range(21)]
    finally:
        await publisher.aclose()
        await watcher.aclose()
    assert [m.seq for m in received[:20]] == list(range(20))  # type: ignore[union-attr]
    assert [m.payload["n"] for m in received[:20]] == list(range(20))  # type: ignore[union-attr]
    assert received[20] == RunFinished(run_id, "succeeded")


async def test_other_runs_and_foreign_messages_are_not_delivered(
    redis_server: RedisService, prefix: str, store: Store
) -> None:
    run_id = await store.create_run(incident_id=None, kind="test")
    other = await store.create_run(incident_id=None, kind="test")
    hub = RedisBroadcaster(redis_server.url, prefix=prefix)
    raw = aioredis.Redis.from_url(redis_server.url)
    try:
        async with hub.subscribe(run_id) as subscription:
            await raw.publish(live_channel(prefix, run_id), "not json")
            await raw.publish(live_channel(prefix, run_id), '{"kind": "gossip"}')
            hub.finish(other, "failed")
            hub.finish(run_id, "cancelled")
            await hub.flush()
            first = await subscription.next(5)
            assert await subscription.next(0.3) is None
    finally:
        await hub.aclose()
        await raw.aclose()
    assert first == RunFinished(run_id, "cancelled")


async def test_relay_lets_follow_run_stream_a_run_published_elsewhere(
    redis_server: RedisService, prefix: str, store: Store
) -> None:
    run_id = await store.create_run(incident_id=None, kind="test")
    local = Broadcaster()
    relay = RedisRelay(redis_server.url, local, prefix=prefix)
    await relay.start()
    worker_side = RedisBroadcaster(redis_server.url, prefix=prefix)
    sink = RecordingSink(store, worker_side, run_id)
    await sink.emit(RunEventType.STEP, None, {"n": 0})  # before anyone follows: the backlog

    async def worker() -> None:
        await asyncio.sleep(0.2)
        for n in range(1, 6):
            await sink.emit(RunEventType.STEP, None, {"n": n})
        await store.set_run_status(run_id=run_id, status=RunStatus.SUCCEEDED)
        worker_side.finish(run_id, "succeeded")
        await worker_side.flush()

    try:
        producing = asyncio.create_task(worker())
        items = [i async for i in follow_run(store, local, run_id, heartbeat_s=10)]
        await producing
    finally:
        await worker_side.aclose()
        await relay.stop()
    assert [i.payload["n"] for i in items[:-1]] == list(range(6))  # type: ignore[union-attr]
    assert items[-1] == StreamEnd("succeeded")


def test_cancel_flags_and_leases_live_under_the_prefix(
    redis_server: RedisService, prefix: str
) -> None:
    coordinator = RunCoordinator(redis_server.url, prefix=prefix)
    try:
        assert coordinator.cancel_reason("run_x") is None
        coordinator.request_cancel("run_x", "operator said stop")
        assert coordinator.cancel_reason("run_x") == "operator said stop"
        first = coordinator.lease("run_x", ttl_s=0.6)
        second = coordinator.lease("run_x", ttl_s=0.6)
        assert first.acquire()
        assert not second.acquire()
        asyncio.run(asyncio.sleep(1.0))  # the heartbeat keeps the first lease past its ttl
        assert not second.acquire() and not first.lost.is_set()
        first.release()
        assert second.acquire()
        second.release()
        assert coordinator.cancel_key("run_x") in redis_server.stored_keys()
        coordinator.forget("run_x")
        assert coordinator.cancel_reason("run_x") is None
    finally:
        coordinator.close()


def test_a_lease_taken_over_after_expiry_is_reported_lost(
    redis_server: RedisService, prefix: str
) -> None:
    coordinator = RunCoordinator(redis_server.url, prefix=prefix)
    try:
        lease = coordinator.lease("run_y", ttl_s=0.9)
        assert lease.acquire()
        # Simulate a stalled holder: its key expires and another worker takes the run.
        coordinator.client.delete(coordinator.lease_key("run_y"))
        thief = coordinator.lease("run_y", ttl_s=5)
        assert thief.acquire()
        assert lease.lost.wait(2.0)
        lease.release()
        assert coordinator.is_leased("run_y")  # releasing a lost lease leaves the thief's
        thief.release()
        assert not coordinator.is_leased("run_y")
    finally:
        coordinator.close()
