"""What the whole suite needs: no test may reach a real model.

The refusal is armed before any test module is imported: the environment switch makes every
`Settings()` built in a test refuse non-loopback model hosts, the process-wide switch does the
same for a test that builds `Settings(allow_model_requests=True)`, and a developer's own
``WARROOM_LLM_*`` variables are dropped so no test silently picks up a real endpoint. Loopback
servers a test starts (`warroom.llm.testing.ScriptedOpenAIServer`) stay reachable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.services import RedisService

for _name in [n for n in os.environ if n.upper().startswith("WARROOM_LLM_")]:
    del os.environ[_name]
os.environ["WARROOM_ALLOW_MODEL_REQUESTS"] = "false"

from warroom.llm.guard import refuse_remote_model_requests  # noqa: E402

refuse_remote_model_requests(True)


@pytest.fixture(autouse=True)
def _refuse_remote_model_requests() -> Iterator[None]:
    """Re-arm the switch for every test, in case one turned it off and failed to restore it."""
    refuse_remote_model_requests(True)
    yield
    refuse_remote_model_requests(True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for the session (``tests/services.py``); skips only
    when the server is unreachable."""
    from tests.services import ServiceUnavailable, postgres_database

    try:
        manager = postgres_database()
        url = manager.__enter__()
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisService]:
    """Redis with a key prefix of the session's own; its keys are deleted at the end."""
    from tests.services import ServiceUnavailable, redis_service

    try:
        manager = redis_service()
        service = manager.__enter__()
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield service
    finally:
        manager.__exit__(None, None, None)
