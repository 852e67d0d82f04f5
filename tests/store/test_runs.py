"""Runs and their event logs: ordered, gap-free, replayable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from tests.factories import sample_incident
from warroom.domain import RunEventType
from warroom.store import (
    RunStateError,
    RunStatus,
    Store,
    StoreInputError,
    UnknownIncidentError,
    UnknownRunError,
)


@pytest.fixture
async def run_id(store: Store) -> str:
    await store.add_incident(incident=sample_incident())
    return await store.create_run(incident_id="inc_test", kind="investigation")


async def test_new_run_is_queued_with_no_events(store: Store, run_id: str) -> None:
    run = await store.get_run(run_id=run_id)
    assert run is not None
    assert (run.incident_id, run.kind, run.status) == ("inc_test", "investigation", "queued")
    assert run.started_at is None and run.finished_at is None
    assert run.event_count == 0
    assert await store.events(run_id=run_id) == []


async def test_run_status_stamps_start_and_finish(store: Store, run_id: str) -> None:
    running = await store.set_run_status(run_id=run_id, status=RunStatus.RUNNING)
    assert running.started_at is not None and running.finished_at is None
    failed = await store.set_run_status(run_id=run_id, status="failed", error="model timed out")
    assert failed.started_at == running.started_at
    assert failed.finished_at is not None
    assert await store.get_run(run_id=run_id) == failed
    assert failed.error == "model timed out"


async def test_finished_run_cannot_start_again(store: Store, run_id: str) -> None:
    await store.set_run_status(run_id=run_id, status="succeeded")
    with pytest.raises(RunStateError, match="already finished as succeeded"):
        await store.set_run_status(run_id=run_id, status="running")


async def test_unknown_status_is_refused_with_the_allowed_ones(store: Store, run_id: str) -> None:
    with pytest.raises(StoreInputError, match="queued, running"):
        await store.set_run_status(run_id=run_id, status="done")


async def test_unknown_run_is_none_or_refused(store: Store) -> None:
    assert await store.get_run(run_id="run_nope") is None
    assert await store.events(run_id="run_nope") == []
    with pytest.raises(UnknownRunError, match="run_nope"):
        await store.set_run_status(run_id="run_nope", status="running")
    with pytest.raises(UnknownRunError, match="run_nope"):
        await store.append_event(run_id="run_nope", type="step", role=None, payload={})


async def test_run_of_unknown_incident_is_refused(store: Store) -> None:
    with pytest.raises(UnknownIncidentError):
        await store.create_run(incident_id="inc_nope", kind="investigation")


async def test_run_without_incident_is_allowed(store: Store) -> None:
    run_id = await store.create_run(incident_id=None, kind="agent_job")
    run = await store.get_run(run_id=run_id)
    assert run is not None and run.incident_id is None


async def test_list_runs_newest_first_and_by_incident(store: Store, run_id: str) -> None:
    other = await store.create_run(incident_id=None, kind="agent_job")
    assert [r.id for r in await store.list_runs(limit=10)] == [other, run_id]
    assert [r.id for r in await store.list_runs(limit=1)] == [other]
    assert [r.id for r in await store.list_runs(limit=10, incident_id="inc_test")] == [run_id]


async def test_events_round_trip_with_seq_from_zero(store: Store, run_id: str) -> None:
    first = await store.append_event(
        run_id=run_id, type=RunEventType.STATUS, role=None, payload={"status": "running"}
    )
    second = await store.append_event(
        run_id=run_id, type="agent_message", role="critic", payload={"text": "late"}
    )
    assert (first.seq, second.seq) == (0, 1)
    assert await store.events(run_id=run_id) == [first, second]
    assert second.at.tzinfo is not None


async def test_concurrent_appends_get_strictly_increasing_seqs_without_gaps(
    store: Store, run_id: str
) -> None:
    appended = await asyncio.gather(
        *(
            store.append_event(run_id=run_id, type="step", role="log", payload={"n": n})
            for n in range(50)
        )
    )
    assert sorted(e.seq for e in appended) == list(range(50))
    stored = await store.events(run_id=run_id)
    assert [e.seq for e in stored] == list(range(50))
    assert sorted(e.payload["n"] for e in stored) == list(range(50))
    run = await store.get_run(run_id=run_id)
    assert run is not None and run.event_count == 50


async def test_concurrent_appends_to_two_runs_number_each_run_alone(
    store: Store, run_id: str
) -> None:
    other = await store.create_run(incident_id="inc_test", kind="investigation")
    await asyncio.gather(
        *(
            store.append_event(run_id=rid, type="step", payload={})
            for _ in range(20)
            for rid in (run_id, other)
        )
    )
    for rid in (run_id, other):
        assert [e.seq for e in await store.events(run_id=rid)] == list(range(20))


async def test_events_after_seq_returns_only_later_events(store: Store, run_id: str) -> None:
    for n in range(10):
        await store.append_event(run_id=run_id, type="step", payload={"n": n})
    later = await store.events(run_id=run_id, after_seq=6)
    assert [e.seq for e in later] == [7, 8, 9]
    assert await store.events(run_id=run_id, after_seq=9) == []
    assert [e.seq for e in await store.events(run_id=run_id, after_seq=2, limit=2)] == [3, 4]


async def test_event_payload_is_stored_as_json(store: Store, run_id: str) -> None:
    at = datetime(2026, 3, 14, 14, 7, tzinfo=UTC)
    event = await store.append_event(
        run_id=run_id,
        type="tool_call",
        role="log",
        payload={"at": at, "status": RunStatus.RUNNING, "items": (1, 2)},
    )
    expected = {"at": "2026-03-14T14:07:00Z", "status": "running", "items": [1, 2]}
    assert event.payload == expected
    assert (await store.events(run_id=run_id))[0].payload == expected


async def test_unserializable_payload_is_refused(store: Store, run_id: str) -> None:
    with pytest.raises(StoreInputError, match="JSON-serializable"):
        await store.append_event(run_id=run_id, type="step", payload={"x": object()})
    assert await store.events(run_id=run_id) == []


async def test_unknown_event_type_is_refused(store: Store, run_id: str) -> None:
    with pytest.raises(StoreInputError, match="agent_message"):
        await store.append_event(run_id=run_id, type="chat", payload={})
