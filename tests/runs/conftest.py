"""Fixtures of the runs tests: a cluster (PostgreSQL store, blobs, Redis prefix) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.runs.cluster import Cluster, open_cluster
from tests.services import RedisService


@pytest.fixture
async def cluster(
    tmp_path: Path, postgres_url: str, redis_server: RedisService
) -> AsyncIterator[Cluster]:
    async for made in open_cluster(tmp_path, postgres_url, redis_server):
        yield made
