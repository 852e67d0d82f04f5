"""CeleryRunner with a real worker process, Redis broker and PostgreSQL store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.runs.cluster import (
    Cluster,
    collect,
    sample_work,
    slow_model,
    until_event,
    wait_for,
)
from tests.services import stop_worker
from warroom.domain import RunEvent, RunEventType
from warroom.llm.testing import ScriptedOpenAIServer
from warroom.runs import Broadcaster, RunJob, StreamEnd, follow_run
from warroom.store import RunStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def model() -> Iterator[ScriptedOpenAIServer]:
    with slow_model(0.8) as server:
        yield server


async def test_run_on_a_worker_streams_live_and_ends_succeeded(cluster: Cluster) -> None:
    work = await sample_work(cluster)
    broadcaster = Broadcaster()
    runner = cluster.runner(broadcaster)
    worker = cluster.worker("worker")
    try:
        await runner.submit(RunJob(run_id=work.run_id, work=work))
        assert runner.is_active(work.run_id)
        items = await asyncio.wait_for(
            collect(follow_run(cluster.store, broadcaster, work.run_id, heartbeat_s=2)), 60
        )
    finally:
        await runner.shutdown()
        stop_worker(worker)
    events = [i for i in items if isinstance(i, RunEvent)]
    assert items[-1] == StreamEnd("succeeded"), cluster.logs()
    assert [e.seq for e in events] == list(range(len(events)))
    assert events == await cluster.store.events(run_id=work.run_id)
    assert any(e.type == RunEventType.VERDICT for e in events)
    report = await cluster.store.get_report(incident_id=work.incident.id)
    assert report is not None and report.run_id == work.run_id
    assert not runner.is_active(work.run_id)


async def test_cancel_stops_a_run_on_a_worker_between_steps(
    cluster: Cluster, model: ScriptedOpenAIServer
) -> None:
    work = await sample_work(cluster)
    runner = cluster.runner(Broadcaster())
    worker = cluster.worker("worker", model.base_url)
    try:
        await runner.submit(RunJob(run_id=work.run_id, work=work))
        await until_event(cluster.store, work.run_id, RunEventType.STEP, timeout_s=30)
        assert await runner.cancel(work.run_id, "operator stopped it")
        await wait_for(cluster.store, work.run_id, timeout_s=20)
    finally:
        await runner.shutdown()
        stop_worker(worker)
    run = await cluster.store.get_run(run_id=work.run_id)
    assert run is not None and run.status == RunStatus.CANCELLED, cluster.logs()
    assert run.error == "operator stopped it"
    events = await cluster.store.events(run_id=work.run_id)
    assert events[-1].payload == {"status": "cancelled", "error": "operator stopped it"}
    assert not any(e.type == RunEventType.VERDICT for e in events)


async def test_cancel_of_a_queued_run_with_no_worker_is_recorded_by_the_runner(
    cluster: Cluster,
) -> None:
    work = await sample_work(cluster)
    runner = cluster.runner(Broadcaster())
    try:
        await runner.submit(RunJob(run_id=work.run_id, work=work))
        assert await runner.cancel(work.run_id)
        assert not await runner.cancel(work.run_id)  # already over
    finally:
        await runner.shutdown()
    run = await cluster.store.get_run(run_id=work.run_id)
    assert run is not None and run.status == RunStatus.CANCELLED
    assert "no worker was executing it" in (run.error or "")


async def test_work_that_cannot_describe_itself_is_refused(cluster: Cluster) -> None:
    async def local_only(sink: object) -> None:
        return None

    runner = cluster.runner(Broadcaster())
    try:
        with pytest.raises(TypeError, match="InlineRunner"):
            await runner.submit(RunJob(run_id="run_x", work=local_only))  # type: ignore[arg-type]
    finally:
        await runner.shutdown()
