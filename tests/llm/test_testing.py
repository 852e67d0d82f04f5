"""The scripted server itself: replies in order, records requests, says when unscripted."""

from __future__ import annotations

import contextlib
import json

import httpx

from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply


def test_replies_are_sent_in_order_and_requests_recorded(server: ScriptedOpenAIServer) -> None:
    server.enqueue(ScriptedReply.text("hello"), ScriptedReply.status_error(429))
    url = f"{server.base_url}/chat/completions"

    first = httpx.post(url, json={"model": "m1", "messages": [{"role": "user", "content": "hi"}]})
    second = httpx.post(url, json={"model": "m2", "messages": []})

    assert first.status_code == 200
    assert first.json()["choices"][0]["message"]["content"] == "hello"
    assert second.status_code == 429
    assert [r.model for r in server.requests] == ["m1", "m2"]
    assert server.requests[0].text_of("user") == "hi"
    assert server.requests[0].path == "/v1/chat/completions"


def test_request_with_nothing_queued_gets_a_500_that_says_so(server: ScriptedOpenAIServer) -> None:
    response = httpx.post(f"{server.base_url}/chat/completions", json={"model": "m"})

    assert response.status_code == 500
    assert "no reply queued" in response.text
    assert server.unexpected_requests == 1


def test_tool_call_reply_carries_name_and_json_arguments(server: ScriptedOpenAIServer) -> None:
    server.enqueue(ScriptedReply.tool_call("get_evidence", {"ids": ["a"]}))

    body = httpx.post(f"{server.base_url}/chat/completions", json={}).json()

    call = body["choices"][0]["message"]["tool_calls"][0]["function"]
    assert call["name"] == "get_evidence"
    assert json.loads(call["arguments"]) == {"ids": ["a"]}


def test_malformed_reply_is_not_json(server: ScriptedOpenAIServer) -> None:
    server.enqueue(ScriptedReply.malformed())

    response = httpx.post(f"{server.base_url}/chat/completions", json={})

    assert response.status_code == 200
    try:
        response.json()
    except json.JSONDecodeError:
        pass
    else:
        raise AssertionError("the malformed reply parsed as JSON")


def test_stopping_cuts_a_delayed_reply_short() -> None:
    with ScriptedOpenAIServer() as server:
        server.enqueue(ScriptedReply.text("late").delayed(30.0))
        with contextlib.suppress(httpx.TimeoutException):
            httpx.post(f"{server.base_url}/chat/completions", json={}, timeout=0.1)
    # Leaving the block returned promptly; the test would take 30 s otherwise.
    assert server.requests
