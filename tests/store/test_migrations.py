"""Migrations: shipped in the package, run from code, reversible."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from tests.factories import sample_incident
from warroom.config import Settings
from warroom.store import open_store
from warroom.store.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from warroom.store.tables import Base

TABLES = {"incidents", "assets", "evidence", "runs", "run_events", "verdicts", "reports"}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_open_store_creates_data_dir_and_schema_on_empty_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "nested" / "data")
    store = await open_store(settings)
    try:
        assert (tmp_path / "nested" / "data" / "warroom.db").is_file()
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(_tables)
        assert tables >= TABLES | {"alembic_version"}
        assert await current_revision(store.engine) == head_revision()
    finally:
        await store.close()


async def test_second_open_is_a_no_op_that_keeps_data(settings: Settings) -> None:
    first = await open_store(settings)
    await first.add_incident(incident=sample_incident())
    await first.close()

    second = await open_store(settings)
    try:
        assert await current_revision(second.engine) == head_revision()
        assert await second.get_incident(incident_id="inc_test") is not None
    finally:
        await second.close()


async def test_downgrade_to_base_then_upgrade_restores_schema(settings: Settings) -> None:
    store = await open_store(settings)
    try:
        await downgrade(store.engine, "base")
        async with store.engine.connect() as conn:
            assert not (await conn.run_sync(_tables)) & TABLES
        assert await current_revision(store.engine) is None

        await upgrade(store.engine, "head")
        async with store.engine.connect() as conn:
            assert await conn.run_sync(_tables) >= TABLES
        await store.add_incident(incident=sample_incident())
        assert await store.get_incident(incident_id="inc_test") is not None
    finally:
        await store.close()


async def test_orm_tables_match_head_revision(settings: Settings) -> None:
    """A change to tables.py without a new revision would show up here as a diff."""
    assert await _diff(settings) == []


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    assert MIGRATIONS_DIR.parent.name == "store"


async def _diff(settings: Settings) -> list[object]:
    store = await open_store(settings)
    try:

        def compare(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with store.engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await store.close()
