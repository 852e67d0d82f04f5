"""Resuming a run: no stored agent turn is asked again, no event is stored twice.

The last test is the fault test: a real worker is killed with SIGKILL mid-debate, another
worker takes the run over from its stored events and finishes it exactly once.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.runs.cluster import (
    Cluster,
    collect,
    sample_work,
    slow_model,
    until_event,
    wait_for,
)
from tests.services import kill_worker, stop_worker
from warroom.domain import RunEvent, RunEventType
from warroom.llm.testing import ScriptedOpenAIServer
from warroom.runs import Broadcaster, RecordingSink, RunJob, StreamEnd, follow_run
from warroom.runs.resume import ReplayingSink, StoredTurns, is_resume_marker, replaying_turns
from warroom.store import RunStatus

ROLES = ("LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent")


def asked(server: ScriptedOpenAIServer) -> Counter[str]:
    """How many model requests each role sent (the role is named in its instructions)."""
    counts: Counter[str] = Counter()
    for request in server.requests:
        system = request.text_of("system") + request.text_of("developer")
        counts.update(r for r in ROLES if f"# {r}:" in system)
    return counts


def shape(events: list[RunEvent]) -> list[tuple[str, str | None]]:
    return [(e.type.value, e.role) for e in events if not is_resume_marker(e)]


async def test_resumed_flow_replays_stored_turns_and_appends_only_what_is_missing(
    cluster: Cluster,
) -> None:
    with slow_model(0.0) as server:
        settings = cluster.settings.model_copy(
            update={"llm_base_url": server.base_url, "llm_model": "scripted", "llm_max_retries": 0}
        )
        full = await sample_work(cluster)
        full.settings = settings
        await full(RecordingSink(cluster.store, Broadcaster(), full.run_id))
        reference = await cluster.store.events(run_id=full.run_id)
        first_asks = asked(server)

        # A second run that "crashed" right after the first round was stored.
        cut = [e.type for e in reference].index(RunEventType.AGENT_MESSAGE) + 3
        partial = await sample_work(cluster)
        partial.settings, partial.resumed = settings, True
        for event in reference[:cut]:
            await cluster.store.append_event(
                run_id=partial.run_id, type=event.type, role=event.role, payload=event.payload
            )
        stored = await cluster.store.events(run_id=partial.run_id)
        server.requests.clear()
        sink = ReplayingSink(RecordingSink(cluster.store, Broadcaster(), partial.run_id), stored)
        turns = StoredTurns(stored)
        with replaying_turns(turns):
            await partial(sink)
        resumed_asks = asked(server)

    events = await cluster.store.events(run_id=partial.run_id)
    assert [e.seq for e in events] == list(range(len(events)))
    assert shape(events) == shape(reference)
    assert events[:cut] == stored  # nothing stored before was touched
    assert sink.skipped == cut and not sink.diverged
    assert turns.replayed == Counter({"LogAgent": 1, "DomainAgent": 1, "CodeAgent": 1})
    assert first_asks["LogAgent"] == 1 and first_asks["JudgeAgent"] == 1
    assert resumed_asks["LogAgent"] == resumed_asks["DomainAgent"] == 0
    assert resumed_asks["CodeAgent"] == 0
    assert resumed_asks["JudgeAgent"] == 1
    assert resumed_asks["CriticAgent"] == first_asks["CriticAgent"]
    verdict = await cluster.store.get_verdict(
        incident_id=partial.incident.id, run_id=partial.run_id
    )
    assert verdict is not None


async def test_stored_events_the_flow_does_not_emit_are_passed_over(cluster: Cluster) -> None:
    work = await sample_work(cluster)
    run_id = work.run_id
    for type, role, payload in (
        (RunEventType.STATUS, None, {"status": "running", "step": "ingest"}),
        (RunEventType.HUMAN_INTERVENTION, "oncall", {"text": "look at payments"}),
        (RunEventType.STEP, None, {"step": "ingest"}),
    ):
        await cluster.store.append_event(run_id=run_id, type=type, role=role, payload=payload)
    stored = await cluster.store.events(run_id=run_id)
    sink = ReplayingSink(RecordingSink(cluster.store, Broadcaster(), run_id), stored)
    await sink.emit(RunEventType.STATUS, None, {"status": "running"})
    await sink.emit(RunEventType.STEP, None, {"step": "ingest"})
    await sink.emit(RunEventType.STEP, None, {"step": "evidence"})
    events = await cluster.store.events(run_id=run_id)
    assert [e.payload.get("step") for e in events] == ["ingest", None, "ingest", "evidence"]
    assert sink.skipped == 2 and not sink.diverged


async def test_worker_killed_mid_debate_is_resumed_by_another_exactly_once(
    cluster: Cluster,
) -> None:
    with slow_model(0.7) as server:
        work = await sample_work(cluster)
        broadcaster = Broadcaster()
        runner = cluster.runner(broadcaster)
        first = cluster.worker("first", server.base_url)
        second = None
        try:
            await runner.start()
            watching = asyncio.create_task(
                collect(follow_run(cluster.store, broadcaster, work.run_id, heartbeat_s=1))
            )
            await runner.submit(RunJob(run_id=work.run_id, work=work))
            before = await until_event(
                cluster.store, work.run_id, RunEventType.AGENT_MESSAGE, count=3, timeout_s=30
            )
            kill_worker(first)
            killed_at = len(await cluster.store.events(run_id=work.run_id))
            asks_before = asked(server)
            second = cluster.worker("second", server.base_url)
            await wait_for(cluster.store, work.run_id, timeout_s=45)
            items = await asyncio.wait_for(watching, 10)
        finally:
            await runner.shutdown()
            if second is not None:
                stop_worker(second)
            stop_worker(first)
        asks = asked(server)

    logs = cluster.logs()
    run = await cluster.store.get_run(run_id=work.run_id)
    assert run is not None and run.status == RunStatus.SUCCEEDED, logs
    events = await cluster.store.events(run_id=work.run_id)
    assert [e.seq for e in events] == list(range(len(events)))
    assert events[: len(before)] == before
    markers = [e for e in events if is_resume_marker(e)]
    assert len(markers) == 1 and markers[0].seq == killed_at, logs
    # Every step and turn of the flow is stored once: the resumed part did not repeat any.
    turns = Counter(e.role for e in events if e.type == RunEventType.AGENT_MESSAGE)
    assert turns["LogAgent"] == turns["DomainAgent"] == turns["CodeAgent"] == 1
    assert turns["JudgeAgent"] == 1
    assert turns["CriticAgent"] in (turns["RebuttalAgent"], turns["RebuttalAgent"] + 1)
    kinds = Counter((e.type, e.payload.get("step")) for e in events)
    assert kinds[(RunEventType.STEP, "ingest")] == kinds[(RunEventType.STEP, "evidence")] == 1
    assert kinds[(RunEventType.VERDICT, None)] == 1
    assert [e.payload.get("status") for e in events if e.type == RunEventType.STATUS][-1] == (
        "succeeded"
    )
    # The first round was asked once, by the killed worker only; at most the one turn in
    # flight when it died was asked twice.
    assert asks_before["LogAgent"] == asks["LogAgent"] == 1
    assert asks["DomainAgent"] == asks["CodeAgent"] == 1
    assert sum(asks.values()) - turns.total() <= 1
    # The live stream, across the crash: every event once, in order, then the end.
    streamed = [i for i in items if isinstance(i, RunEvent)]
    assert streamed == events
    assert items[-1] == StreamEnd("succeeded")
    reports = await cluster.store.get_verdict(incident_id=work.incident.id, run_id=work.run_id)
    assert reports is not None


pytestmark = pytest.mark.slow
