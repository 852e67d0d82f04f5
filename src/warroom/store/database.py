"""The async engine, its sessions, and the one place that knows driver differences."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from warroom.store.errors import StoreInputError

# Plain or sync driver names mapped to the async driver the store runs on.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}
_SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def async_url(url: str) -> URL:
    """``url`` with an async driver: ``sqlite:///x.db`` becomes ``sqlite+aiosqlite:///x.db``.

    A URL that already names an async driver (``postgresql+psycopg``) is kept as it is.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreInputError(
            f"expected a SQLAlchemy database URL like 'sqlite:///path/warroom.db' or "
            f"'postgresql://user@host/db', got {url!r}: {exc}"
        ) from None
    if parsed.get_backend_name() not in _SUPPORTED_BACKENDS:
        raise StoreInputError(
            f"expected a SQLite or PostgreSQL database URL, got backend "
            f"{parsed.get_backend_name()!r} in {parsed.render_as_string(hide_password=True)!r}"
        )
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def _is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless told otherwise, on every new connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL: readers do not block the writer, and a commit appends to the log instead of
    # rewriting pages through a rollback journal. synchronous=NORMAL syncs the log at
    # checkpoints, not at every commit: a power cut may lose the last commits, never
    # corrupt the file. Together they take a commit from several fsyncs to none.
    # (An in-memory database answers "memory" and keeps its own journal.)
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """One async engine and its session factory.

    ``reading()`` yields a session for queries; ``writing()`` yields a session inside a
    transaction that commits when the block ends and rolls back on an exception. SQLite
    allows one writer at a time, so its writes are also serialized in-process, which
    avoids busy-waiting on the file lock; PostgreSQL writes run concurrently.
    """

    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        kwargs: dict[str, Any] = {}
        if _is_memory(self.url):
            # Every connection to ":memory:" is a new empty database: share one.
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        async with contextlib.AsyncExitStack() as stack:
            if self._write_lock is not None:
                await stack.enter_async_context(self._write_lock)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


class Repository:
    """Base of the repository mixins that make up ``Store``: they share one ``Database``."""

    def __init__(self, db: Database) -> None:
        self._db = db
