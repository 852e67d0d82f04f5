"""Database URLs: every supported one runs on an async driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import sample_incident
from warroom.config import Settings
from warroom.store import StoreInputError, open_store
from warroom.store.database import async_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:////tmp/w.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////tmp/w.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
    ],
)
def test_database_url_gets_an_async_driver(given: str, driver: str) -> None:
    assert async_url(given).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_database_url_is_refused(url: str) -> None:
    with pytest.raises(StoreInputError, match="expected"):
        async_url(url)


async def test_in_memory_database_keeps_data_across_calls(tmp_path: Path) -> None:
    store = await open_store(Settings(data_dir=tmp_path, database_url="sqlite://"))
    try:
        await store.add_incident(incident=sample_incident())
        assert await store.get_incident(incident_id="inc_test") is not None
    finally:
        await store.close()
