"""Keys, roles and the audit log."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, sample_incident_body

INCIDENTS = "/api/v1/incidents"


def test_health_needs_no_key(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_missing_or_unknown_key_answers_401_saying_what_is_expected(client: TestClient) -> None:
    missing = client.get(INCIDENTS)
    assert missing.status_code == 401
    assert "Authorization: Bearer" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    forged = client.get(INCIDENTS, headers={"Authorization": "Bearer wr_000000000000_nope"})
    assert forged.status_code == 401
    assert client.get(INCIDENTS, headers={"X-API-Key": "not-a-key"}).status_code == 401


def test_x_api_key_header_is_accepted(client: TestClient, keys: Keys) -> None:
    secret = keys.secrets["viewer"]
    assert client.get(INCIDENTS, headers={"X-API-Key": secret}).status_code == 200


def test_each_role_gets_403_beyond_its_rights(client: TestClient, keys: Keys) -> None:
    viewer_create = client.post(INCIDENTS, json=sample_incident_body(), headers=keys.viewer)
    assert viewer_create.status_code == 403
    assert "role responder or higher" in viewer_create.json()["detail"]

    created = client.post(INCIDENTS, json=sample_incident_body(), headers=keys.responder).json()
    path = f"{INCIDENTS}/{created['id']}"
    assert client.delete(path, headers=keys.responder).status_code == 403
    assert client.get("/api/v1/keys", headers=keys.responder).status_code == 403
    assert (
        client.post("/api/v1/debates", json={"incident_id": "x"}, headers=keys.viewer).status_code
        == 403
    )
    assert client.get(path, headers=keys.viewer).status_code == 200
    assert client.delete(path, headers=keys.admin).status_code == 204


def test_revoked_key_stops_working(client: TestClient, keys: Keys) -> None:
    made = client.post(
        "/api/v1/keys", json={"role": "viewer", "name": "bot"}, headers=keys.admin
    ).json()
    bot = {"Authorization": f"Bearer {made['secret']}"}
    assert client.get(INCIDENTS, headers=bot).status_code == 200
    revoked = client.delete(f"/api/v1/keys/{made['key']['id']}", headers=keys.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get(INCIDENTS, headers=bot).status_code == 401
    listed = client.get("/api/v1/keys", headers=keys.admin).json()
    assert all("secret" not in k for k in listed["data"])


def test_every_write_is_audited_with_who_what_and_where(client: TestClient, keys: Keys) -> None:
    created = client.post(INCIDENTS, json=sample_incident_body(), headers=keys.responder).json()
    client.patch(f"{INCIDENTS}/{created['id']}", json={"title": "x"}, headers=keys.responder)
    client.delete(f"{INCIDENTS}/{created['id']}", headers=keys.viewer)  # refused, still audited
    client.post(INCIDENTS, json=sample_incident_body())  # no key at all
    client.get(INCIDENTS, headers=keys.viewer)  # a read: not audited

    entries = client.get("/api/v1/audit", headers=keys.admin).json()["data"]
    seen = [
        (e["method"], e["path"], e["resource_id"], e["status_code"], e["key_name"]) for e in entries
    ]
    path = f"{INCIDENTS}/{created['id']}"
    assert seen == [
        ("POST", INCIDENTS, created["id"], 201, "test-responder"),
        ("PATCH", path, created["id"], 200, "test-responder"),
        ("DELETE", path, created["id"], 403, "test-viewer"),
        ("POST", INCIDENTS, None, 401, None),
    ]
    assert all(e["client"] and e["at"] for e in entries)


def test_oversized_json_body_answers_413(client: TestClient, keys: Keys) -> None:
    body = {**sample_incident_body(), "metadata": {"blob": "x" * (2 * 1024 * 1024)}}
    response = client.post(INCIDENTS, json=body, headers=keys.responder)
    assert response.status_code == 413
    assert "at most" in response.json()["detail"]
