"""The global switch: non-loopback model hosts are refused loudly, before any connection."""

from __future__ import annotations

import socket
from typing import Any

import httpx2
import pytest

from warroom.config import Settings
from warroom.llm import (
    ModelRequestRefused,
    RoleOutcome,
    UsageLedger,
    is_loopback_host,
    run_role,
)
from warroom.llm.guard import GuardedTransport, refuse_remote_model_requests
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply

from .conftest import OFFLINE_FINDING, Finding, fast_settings


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any DNS lookup or connection attempt fails the test."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network used: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)


async def ask(settings: Settings) -> RoleOutcome[Finding]:
    return await run_role(
        "judge",
        output_type=Finding,
        instructions="Judge.",
        prompt="Decide.",
        offline=lambda: OFFLINE_FINDING,
        settings=settings,
        ledger=UsageLedger(settings),
    )


def test_test_suite_runs_with_model_requests_disallowed() -> None:
    assert Settings().allow_model_requests is False


@pytest.mark.usefixtures("no_network")
async def test_remote_base_url_is_refused_without_touching_the_network() -> None:
    settings = Settings(llm_base_url="https://api.openai.com/v1", llm_model="gpt-4o")

    with pytest.raises(ModelRequestRefused, match=r"api\.openai\.com"):
        await ask(settings)


@pytest.mark.usefixtures("no_network")
async def test_process_switch_refuses_even_when_settings_allow_requests() -> None:
    settings = Settings(
        llm_base_url="https://open.bigmodel.cn/api/paas/v4",
        llm_model="glm-4",
        allow_model_requests=True,
    )

    with pytest.raises(ModelRequestRefused):
        await ask(settings)


@pytest.mark.usefixtures("no_network")
async def test_settings_switch_refuses_when_process_switch_is_off() -> None:
    refuse_remote_model_requests(False)
    settings = Settings(
        llm_base_url="http://10.0.0.7:8000/v1", llm_model="qwen", allow_model_requests=False
    )

    with pytest.raises(ModelRequestRefused, match="loopback"):
        await ask(settings)


async def test_loopback_server_stays_reachable_under_the_switch(
    server: ScriptedOpenAIServer,
) -> None:
    server.enqueue(ScriptedReply.output({"component": "payment", "confidence": 0.5}))

    outcome = await ask(fast_settings(server))

    assert outcome.output == Finding(component="payment", confidence=0.5)


async def test_transport_refuses_a_remote_request_such_as_a_redirect() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        return httpx2.Response(200, json={})

    transport = GuardedTransport(httpx2.MockTransport(handler), allow_model_requests=False)
    async with httpx2.AsyncClient(transport=transport) as client:
        await client.get("http://127.0.0.1:9/v1/models")
        with pytest.raises(ModelRequestRefused):
            await client.get("https://api.deepseek.com/v1/models")

    assert seen == ["http://127.0.0.1:9/v1/models"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.openai.com", False),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("127.0.0.1.nip.io", False),
        ("", False),
    ],
)
def test_only_loopback_hosts_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
