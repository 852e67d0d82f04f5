"""The store on PostgreSQL: the SQLite store suites run again, plus what only a server shows.

The test functions of the store suites below are imported into this module, so pytest runs
each of them once more here, with ``store`` and ``settings`` overridden to a real PostgreSQL
database (``tests/services.py``; one database per session, emptied before each test).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import text

from tests.factories import sample_incident
from tests.store import (
    test_access,
    test_incident_edits,
    test_incidents,
    test_results,
    test_runs,
)
from tests.store.samples import sample_report, sample_verdict
from warroom.config import Settings
from warroom.store import Store, open_store
from warroom.store.database import Database
from warroom.store.migrate import current_revision, head_revision
from warroom.store.tables import Base

_SUITES: tuple[ModuleType, ...] = (
    test_incidents,
    test_incident_edits,
    test_runs,
    test_results,
    test_access,
)
for _suite in _SUITES:
    for _name, _value in vars(_suite).items():
        if _name.startswith("test_") and callable(_value):
            globals()[_name] = _value
run_id = test_runs.run_id  # the suites' shared fixture: an incident and a run of it


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=postgres_url)


async def _empty(opened: Store) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with opened.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await open_store(settings)
    await _empty(opened)
    try:
        yield opened
    finally:
        await opened.close()


async def test_postgres_store_uses_asyncpg_and_is_migrated_to_head(store: Store) -> None:
    assert store.engine.url.drivername == "postgresql+asyncpg"
    assert await current_revision(store.engine) == head_revision()


async def test_postgres_round_trips_a_report_and_verdict(store: Store) -> None:
    incident = await store.add_incident(incident=sample_incident())
    run = await store.create_run(incident_id=incident.id, kind="investigation")
    await store.save_verdict(incident_id=incident.id, run_id=run, verdict=sample_verdict())
    report = sample_report(incident).model_copy(update={"run_id": run})
    await store.save_report(report=report)
    assert await store.get_verdict(incident_id=incident.id, run_id=run) == sample_verdict()
    assert await store.get_report(incident_id=incident.id) == report


async def test_two_engines_appending_to_one_run_get_every_seq_once(
    store: Store, settings: Settings
) -> None:
    incident = await store.add_incident(incident=sample_incident())
    run = await store.create_run(incident_id=incident.id, kind="investigation")
    other = Store(Database(settings.resolved_database_url))
    try:

        async def append(target: Store, writer: str, n: int) -> None:
            await target.append_event(run_id=run, type="step", payload={"w": writer, "n": n})

        await asyncio.gather(
            *(append(s, w, n) for n in range(40) for s, w in ((store, "a"), (other, "b")))
        )
    finally:
        await other.close()
    events = await store.events(run_id=run)
    assert [e.seq for e in events] == list(range(80))
    assert sorted((e.payload["w"], e.payload["n"]) for e in events) == sorted(
        (w, n) for n in range(40) for w in "ab"
    )


_APPENDER = textwrap.dedent(
    """
    import asyncio, sys
    from warroom.store import Store
    from warroom.store.database import Database

    async def main(url, run, writer):
        store = Store(Database(url))
        try:
            for n in range(30):
                await store.append_event(run_id=run, type="step", payload={"w": writer, "n": n})
        finally:
            await store.close()

    asyncio.run(main(*sys.argv[1:]))
    """
)


async def test_two_processes_appending_to_one_run_leave_no_gap(
    store: Store, settings: Settings
) -> None:
    incident = await store.add_incident(incident=sample_incident())
    run = await store.create_run(incident_id=incident.id, kind="investigation")
    url = settings.resolved_database_url
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _APPENDER, url, run, writer, stderr=subprocess.PIPE
        )
        for writer in ("p1", "p2")
    ]
    for proc in procs:
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
    events = await store.events(run_id=run)
    assert [e.seq for e in events] == list(range(60))
    by_writer = {w: [e.payload["n"] for e in events if e.payload["w"] == w] for w in ("p1", "p2")}
    # Each writer's own events keep its order: seqs follow commit order.
    assert by_writer == {"p1": list(range(30)), "p2": list(range(30))}
    assert json.loads(json.dumps(events[0].payload)) == events[0].payload
