"""Alert webhooks: authenticated by token or HMAC, deduplicated, grouped into incidents."""

from __future__ import annotations

import hashlib
import hmac
import json

from fastapi.testclient import TestClient

from tests.api.conftest import Keys

URL = "/api/v1/webhooks"


def _token(client: TestClient, keys: Keys, **body: object) -> str:
    response = client.post(f"{URL}/secrets", json={"name": "prom", **body}, headers=keys.admin)
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def _alert(
    name: str = "HighLatency", service: str = "payment", **extra: object
) -> dict[str, object]:
    labels = {"alertname": name, "service": service, "severity": "critical"}
    return {
        "status": "firing",
        "labels": labels,
        "annotations": {"summary": f"{name} on {service}"},
        "startsAt": "2026-03-14T14:07:00Z",
        **extra,
    }


def _post(
    client: TestClient, token: str, *alerts: dict[str, object], **params: str
) -> dict[str, object]:
    response = client.post(
        f"{URL}/alertmanager",
        json={"version": "4", "alerts": list(alerts)},
        headers={"Authorization": f"Bearer {token}"},
        params=params,
    )
    assert response.status_code == 202, response.text
    data: dict[str, object] = response.json()
    return data


def test_only_admins_create_webhook_secrets(client: TestClient, keys: Keys) -> None:
    response = client.post(f"{URL}/secrets", json={}, headers=keys.responder)
    assert response.status_code == 403


def test_alert_without_token_or_with_an_api_key_is_refused(client: TestClient, keys: Keys) -> None:
    body = {"alerts": [_alert()]}
    assert client.post(f"{URL}/alertmanager", json=body).status_code == 401
    refused = client.post(f"{URL}/alertmanager", json=body, headers=keys.admin)
    assert refused.status_code == 401
    assert "not valid" in refused.json()["detail"]


def test_firing_alert_opens_an_incident_with_the_alert_as_data(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys)
    data = _post(client, token, _alert())
    assert data["received"] == 1 and data["duplicates"] == 0
    new_ids: list[str] = data["new_incident_ids"]  # type: ignore[assignment]
    [incident_id] = new_ids
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=keys.viewer).json()
    assert incident["title"] == "HighLatency on payment"
    assert incident["severity"] == "critical"
    assert incident["metadata"]["alert"]["labels"]["service"] == "payment"


def test_repeat_of_a_firing_alert_bumps_its_count_and_opens_no_incident(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys)
    first = _post(client, token, _alert(fingerprint="fp1"))
    again = _post(client, token, _alert(fingerprint="fp1"))
    assert again["duplicates"] == 1 and again["new_incident_ids"] == []
    assert again["incident_ids"] == first["incident_ids"]
    alerts = client.get(f"{URL}/alerts", headers=keys.viewer).json()["data"]
    assert len(alerts) == 1 and alerts[0]["count"] == 2


def test_related_alerts_join_the_open_incident_and_unrelated_ones_open_another(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys)
    first = _post(client, token, _alert(fingerprint="a"))
    same_group = _post(client, token, _alert(fingerprint="b"))
    other = _post(client, token, _alert(name="DiskFull", service="db"))
    assert same_group["incident_ids"] == first["incident_ids"]
    assert same_group["new_incident_ids"] == []
    assert other["new_incident_ids"] and other["incident_ids"] != first["incident_ids"]


def test_burst_in_one_request_groups_by_sender_group_key(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    alerts = [_alert(service=f"svc{i}") for i in range(50)]
    response = client.post(
        f"{URL}/alertmanager?token={token}",
        json={"groupKey": "g1", "alerts": alerts},
    )
    assert response.status_code == 202, response.text
    data = response.json()
    assert data["received"] == 50 and len(data["new_incident_ids"]) == 1
    assert len(data["incident_ids"]) == 1


def test_resolved_alert_is_recorded_without_opening_an_incident(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys)
    data = _post(client, token, _alert(status="resolved", fingerprint="r1"))
    assert data["new_incident_ids"] == [] and data["alerts"][0]["status"] == "resolved"  # type: ignore[index]
    stored = client.get(f"{URL}/alerts", headers=keys.viewer).json()["data"]
    assert stored[0]["status"] == "resolved"


def test_hmac_signature_of_the_raw_body_authenticates(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    raw = json.dumps({"name": "QueueBacklog", "service": "worker"}).encode()
    good = "sha256=" + hmac.new(token.encode(), raw, hashlib.sha256).hexdigest()
    ok = client.post(f"{URL}/generic", content=raw, headers={"X-Warroom-Signature": good})
    assert ok.status_code == 202, ok.text
    bad = client.post(f"{URL}/generic", content=raw + b" ", headers={"X-Warroom-Signature": good})
    assert bad.status_code == 401


def test_revoked_token_is_refused(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    secret_id = client.get(f"{URL}/secrets", headers=keys.admin).json()["data"][0]["id"]
    assert client.delete(f"{URL}/secrets/{secret_id}", headers=keys.admin).status_code == 200
    response = client.post(f"{URL}/generic?token={token}", json={"name": "X"})
    assert response.status_code == 401


def test_bad_payload_answers_422_saying_what_was_expected(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"{URL}/generic", json={"service": "db"}, headers=headers)
    assert response.status_code == 422 and "has no name" in response.json()["detail"]
    response = client.post(f"{URL}/generic", content=b"{not json", headers=headers)
    assert response.status_code == 422 and "JSON" in response.json()["detail"]


def test_auto_investigation_of_a_new_incident_waits_for_assets(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys, investigate=True)
    data = _post(client, token, _alert())
    investigations: list[dict[str, str]] = data["investigations"]  # type: ignore[assignment]
    [started] = investigations
    assert started["status"] == "waiting_for_assets"
    assert "POST /api/v1/assets/runtime" in started["detail"]
    off = _post(client, token, _alert(name="Other"), investigate="false")
    assert off["investigations"] == []


def test_grafana_legacy_notification_is_accepted(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    response = client.post(
        f"{URL}/grafana?token={token}",
        json={
            "ruleId": 3,
            "ruleName": "CPU high",
            "state": "alerting",
            "tags": {"service": "stock"},
        },
    )
    assert response.status_code == 202, response.text
    assert len(response.json()["new_incident_ids"]) == 1
