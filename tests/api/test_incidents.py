"""Incidents over HTTP: create, page, filter, read, replace, change, delete."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, sample_incident_body

BASE = "/api/v1/incidents"


def _create(client: TestClient, keys: Keys, **changes: object) -> dict[str, object]:
    body = {**sample_incident_body(), **changes}
    response = client.post(BASE, json=body, headers=keys.responder)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_create_places_window_around_alert_and_reads_back(client: TestClient, keys: Keys) -> None:
    created = _create(client, keys, window="30m")
    assert created["alert_time"] == "2026-03-14T14:07:00Z"
    assert created["window_start"] == "2026-03-14T13:47:00Z"
    assert created["window_end"] == "2026-03-14T14:17:00Z"
    assert created["window_seconds"] == 1800
    got = client.get(f"{BASE}/{created['id']}", headers=keys.viewer)
    assert got.status_code == 200
    assert got.json() == created


def test_list_pages_newest_first_with_total_count(client: TestClient, keys: Keys) -> None:
    ids = [_create(client, keys, title=f"outage {n}")["id"] for n in range(5)]
    first = client.get(BASE, params={"limit": 2}, headers=keys.viewer).json()
    second = client.get(BASE, params={"limit": 2, "offset": 2}, headers=keys.viewer).json()
    assert first["count"] == second["count"] == 5
    assert [i["id"] for i in first["data"] + second["data"]] == ids[::-1][:4]


def test_list_filters_by_severity_title_and_creation_time(client: TestClient, keys: Keys) -> None:
    low = _create(client, keys, title="Disk almost full on db-1", severity="low")
    high = _create(client, keys, title="Checkout 5xx", severity="critical")

    by_severity = client.get(BASE, params={"severity": "low"}, headers=keys.viewer).json()
    assert [i["id"] for i in by_severity["data"]] == [low["id"]]

    by_text = client.get(BASE, params={"q": "CHECKOUT"}, headers=keys.viewer).json()
    assert [i["id"] for i in by_text["data"]] == [high["id"]]

    literal = client.get(BASE, params={"q": "%"}, headers=keys.viewer).json()
    assert literal["count"] == 0

    after = client.get(BASE, params={"created_after": high["created_at"]}, headers=keys.viewer)
    assert [i["id"] for i in after.json()["data"]] == [high["id"]]
    before = client.get(BASE, params={"created_before": low["created_at"]}, headers=keys.viewer)
    assert [i["id"] for i in before.json()["data"]] == [low["id"]]


def test_patch_changes_only_sent_fields_and_keeps_window_length(
    client: TestClient, keys: Keys
) -> None:
    created = _create(client, keys, window="30m")
    response = client.patch(
        f"{BASE}/{created['id']}",
        json={"title": "renamed", "alert_time": "2026-03-14T15:07:00Z"},
        headers=keys.responder,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["title"] == "renamed"
    assert changed["description"] == created["description"]
    assert changed["window_start"] == "2026-03-14T14:47:00Z"
    assert changed["window_seconds"] == 1800
    assert changed["created_at"] == created["created_at"]


def test_put_replaces_every_field(client: TestClient, keys: Keys) -> None:
    created = _create(client, keys)
    body = {"title": "new", "alert_time": "2026-03-15T10:00:00", "window": "1h"}
    response = client.put(f"{BASE}/{created['id']}", json=body, headers=keys.responder)
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert (replaced["title"], replaced["description"], replaced["metadata"]) == ("new", "", {})
    assert replaced["alert_time"] == "2026-03-15T10:00:00Z"
    assert replaced["window_seconds"] == 3600


def test_bad_input_answers_422_with_a_message(client: TestClient, keys: Keys) -> None:
    response = client.post(
        BASE, json={**sample_incident_body(), "window": "soon"}, headers=keys.responder
    )
    assert response.status_code == 422
    assert "expected a duration like 30m" in response.json()["detail"]
    missing = client.get(f"{BASE}/inc_nothing", headers=keys.viewer)
    assert missing.status_code == 404
    assert "no incident with id 'inc_nothing'" in missing.json()["detail"]


def test_delete_removes_incident_and_keeps_others(client: TestClient, keys: Keys) -> None:
    keep = _create(client, keys, title="keep me")
    gone = _create(client, keys, title="delete me")
    response = client.delete(f"{BASE}/{gone['id']}", headers=keys.admin)
    assert response.status_code == 204
    assert client.get(f"{BASE}/{gone['id']}", headers=keys.viewer).status_code == 404
    assert client.get(f"{BASE}/{keep['id']}", headers=keys.viewer).status_code == 200
    assert client.delete(f"{BASE}/{gone['id']}", headers=keys.admin).status_code == 404


def test_delete_refuses_while_a_run_is_active(client: TestClient, keys: Keys) -> None:
    created = _create(client, keys)
    store = client.app.state.warroom.store  # type: ignore[attr-defined]
    assert client.portal is not None

    async def start_run() -> str:
        run_id: str = await store.create_run(incident_id=created["id"], kind="investigation")
        return run_id

    run_id = client.portal.call(start_run)
    response = client.delete(f"{BASE}/{created['id']}", headers=keys.admin)
    assert response.status_code == 409
    assert run_id in response.json()["detail"]
    assert client.get(f"{BASE}/{created['id']}", headers=keys.viewer).status_code == 200
