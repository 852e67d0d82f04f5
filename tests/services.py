"""Real PostgreSQL and Redis for tests: a throwaway database and a Redis key prefix per session.

``WARROOM_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) names
a server where the test user may create databases; ``WARROOM_TEST_REDIS_URL`` (default
``redis://127.0.0.1:6379/0``) a Redis server. A test that needs one skips, saying which URL
it could not reach, only when the server does not answer; any other failure fails.
Everything made here is dropped at the end: the database ``warroom_test_<random>`` and every
Redis key under ``warroom_test_<random>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get(
    "WARROOM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("WARROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class ServiceUnavailable(Exception):
    """The server did not answer; the message says which URL and what to do."""


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    import asyncpg

    try:
        connection = await asyncpg.connect(_dsn(ADMIN_URL), timeout=5)
    except (OSError, TimeoutError) as exc:
        raise ServiceUnavailable(
            f"PostgreSQL at {ADMIN_URL} is unreachable ({exc}); start it or set "
            "WARROOM_TEST_POSTGRES_URL"
        ) from None
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database ``warroom_test_<random>``; yields its URL, drops it afterwards."""
    name = f"warroom_test_{secrets.token_hex(6)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass(frozen=True)
class RedisService:
    """A Redis server and the key prefix this test session owns there."""

    url: str
    prefix: str

    def stored_keys(self) -> list[str]:
        import redis

        client = redis.Redis.from_url(self.url, decode_responses=True)
        try:
            return list(client.scan_iter(match=f"{self.prefix}*", count=500))
        finally:
            client.close()

    def clean(self) -> int:
        """Delete every key under the prefix; returns how many there were."""
        import redis

        client = redis.Redis.from_url(self.url, decode_responses=True)
        try:
            found = list(client.scan_iter(match=f"{self.prefix}*", count=500))
            if found:
                client.delete(*found)
            return len(found)
        finally:
            client.close()


@contextlib.contextmanager
def redis_service() -> Iterator[RedisService]:
    """The Redis server with a fresh prefix ``warroom_test_<random>``; its keys go at the end."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise ServiceUnavailable(
            f"Redis at {REDIS_URL} is unreachable ({exc}); start it or set WARROOM_TEST_REDIS_URL"
        ) from None
    finally:
        client.close()
    service = RedisService(url=REDIS_URL, prefix=f"warroom_test_{secrets.token_hex(6)}")
    try:
        yield service
    finally:
        service.clean()


def start_worker(
    broker_url: str, prefix: str, env: dict[str, str], log_path: Path, *, lease_s: float = 2.0
) -> subprocess.Popen[bytes]:
    """A real ``warroom worker`` process (solo pool) in its own process group.

    Short lease and visibility timeout, so a killed worker's run comes back within seconds.
    Its output goes to ``log_path`` (read it when a test fails).
    """
    log = log_path.open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "warroom.cli.worker",
            "--broker",
            broker_url,
            "--prefix",
            prefix,
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--lease-s",
            str(lease_s),
            "--visibility-timeout-s",
            "3",
            "--restore-interval-s",
            "1",
            "--loglevel",
            "info",
            "--hostname",
            f"w{secrets.token_hex(3)}@%h",
        ],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_worker(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and every process it started: a machine lost mid-run."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (warm shutdown), then kill it if it does not within 10 s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            kill_worker(process)
