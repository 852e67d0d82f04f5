"""Property-based: no operation of the OpenAPI schema answers a server error (5xx).

Schemathesis generates requests from ``/openapi.json`` (valid and invalid ones) and sends
them to the app in process (ASGI) with an admin key, so every route is reached past its
auth check. Streams (SSE) and the WebSocket are left out: a generated request would hold
them open until the heartbeat, and their framing is tested in ``test_debates.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error

from tests.api.conftest import FILE_LIMIT, REQUEST_LIMIT, make_keys
from warroom.api import Limits, create_app
from warroom.api.security import SecurityOptions
from warroom.config import Settings

_ADMIN: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    data = Path(tmp_path_factory.mktemp("schemathesis")) / "data"
    chosen = Settings(data_dir=data, database_url=None)
    _ADMIN.update(make_keys(chosen).admin)
    app = create_app(
        chosen,
        limits=Limits(
            max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT, heartbeat_s=0.2
        ),
        # Hundreds of generated requests from one key would otherwise meet the rate limit.
        security=SecurityOptions(rate_limit=None),
    )
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    return loaded.exclude(path_regex=r"/stream$")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_a_server_error(case: Case[Any]) -> None:
    case.call_and_validate(headers=_ADMIN, checks=[not_a_server_error])
