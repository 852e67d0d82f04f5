"""Approvals: a tool asks, a responder or admin decides with a reason, all of it recorded."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Keys
from warroom.runs.approvals import request_approval, wait_for_decision
from warroom.store import ApprovalStatus, Store


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.warroom.store  # type: ignore[attr-defined]
    return store


def _call(client: TestClient, fn: Any) -> Any:
    assert client.portal is not None
    return client.portal.call(fn)


def _ask(client: TestClient, action: str = "rollback payment-service to v41") -> tuple[str, str]:
    store = _store(client)

    async def make() -> tuple[str, str]:
        run_id = await store.create_run(incident_id=None, kind="agent")
        approval = await request_approval(
            store, run_id=run_id, action=action, args={"version": "v41"}, risk="write"
        )
        return run_id, approval.id

    result: tuple[str, str] = _call(client, make)
    return result


def test_pending_requests_are_listed_with_risk_and_args(client: TestClient, keys: Keys) -> None:
    _, approval_id = _ask(client)
    pending = client.get("/api/v1/approvals?status=pending", headers=keys.viewer).json()
    assert pending["count"] == 1
    [item] = pending["data"]
    assert item["id"] == approval_id
    assert item["payload"] == {"risk": "write", "args": {"version": "v41"}}


def test_responder_approves_with_a_reason_and_it_is_recorded_and_audited(
    client: TestClient, keys: Keys
) -> None:
    run_id, approval_id = _ask(client)
    response = client.post(
        f"/api/v1/approvals/{approval_id}/approve",
        json={"reason": "change window is open"},
        headers=keys.responder,
    )
    assert response.status_code == 200, response.text
    decided = response.json()
    assert decided["status"] == "approved"
    assert decided["decided_by"].startswith("test-responder")
    assert decided["reason"] == "change window is open"
    assert decided["decided_at"]
    assert client.get("/api/v1/approvals?status=pending", headers=keys.viewer).json()["count"] == 0

    events = client.get(f"/api/v1/runs/{run_id}/events", headers=keys.viewer)
    assert events.status_code == 200, events.text
    stages = [e["payload"]["stage"] for e in events.json()["data"]]
    assert stages == ["requested", "decided"]
    audit = client.get("/api/v1/audit", headers=keys.admin).json()["data"]
    assert any(e["resource_id"] == approval_id and e["key_name"] == "test-responder" for e in audit)


def test_deny_then_a_second_decision_is_refused(client: TestClient, keys: Keys) -> None:
    _, approval_id = _ask(client)
    denied = client.post(
        f"/api/v1/approvals/{approval_id}/deny", json={"reason": "too risky"}, headers=keys.admin
    )
    assert denied.status_code == 200 and denied.json()["status"] == "denied"
    again = client.post(
        f"/api/v1/approvals/{approval_id}/approve", json={"reason": "try"}, headers=keys.admin
    )
    assert again.status_code == 409 and "already denied" in again.json()["detail"]


def test_viewer_cannot_decide_and_a_reason_is_required(client: TestClient, keys: Keys) -> None:
    _, approval_id = _ask(client)
    url = f"/api/v1/approvals/{approval_id}/approve"
    assert client.post(url, json={"reason": "ok"}, headers=keys.viewer).status_code == 403
    assert client.post(url, json={}, headers=keys.responder).status_code == 422
    assert (
        client.post(
            "/api/v1/approvals/apr_nope/deny", json={"reason": "x"}, headers=keys.admin
        ).status_code
        == 404
    )


def test_tool_waiting_for_a_decision_sees_it(client: TestClient, keys: Keys) -> None:
    store = _store(client)
    _, approval_id = _ask(client)

    async def pending_after_timeout() -> ApprovalStatus:
        found = await wait_for_decision(store, approval_id=approval_id, timeout_s=0.05, poll_s=0.01)
        return found.status

    assert _call(client, pending_after_timeout) is ApprovalStatus.PENDING
    client.post(
        f"/api/v1/approvals/{approval_id}/approve", json={"reason": "go"}, headers=keys.admin
    )

    async def decided() -> ApprovalStatus:
        found = await wait_for_decision(store, approval_id=approval_id, timeout_s=1.0, poll_s=0.01)
        return found.status

    assert _call(client, decided) is ApprovalStatus.APPROVED
