"""Alert webhooks: authenticated by token or HMAC, deduplicated, grouped into incidents."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tests.api.conftest import Keys, sample_files
from warroom.api import create_app
from warroom.config import Settings
from warroom.ingest.alerts import Alert
from warroom.store.alerts import AlertRepository

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


def _opened(client: TestClient, token: str, alert: dict[str, object], **params: str) -> str:
    """The one incident a one-alert request opened."""
    new_ids = _post(client, token, alert, **params)["new_incident_ids"]
    assert isinstance(new_ids, list) and len(new_ids) == 1
    return str(new_ids[0])


def _upload(client: TestClient, keys: Keys, incident_id: str, **form: str) -> dict[str, object]:
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sample_files()]
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id, **form},
        files=files,
        headers=keys.responder,
    )
    assert response.status_code == 201, response.text
    answer: dict[str, object] = response.json()
    return answer


def _runs(client: TestClient, incident_id: str) -> list[str]:
    """The incident's run ids, read from the app's store on the app's own event loop."""
    store = client.app.state.warroom.store  # type: ignore[attr-defined]
    portal = client.portal
    assert portal is not None
    runs = portal.call(functools.partial(store.list_runs, incident_id=incident_id))
    return [r.id for r in runs]


def test_the_first_upload_starts_the_debate_a_webhook_asked_for(
    client: TestClient, keys: Keys
) -> None:
    token = _token(client, keys, investigate=True)
    incident_id = _opened(client, token, _alert())
    first = _upload(client, keys, incident_id)
    investigation: dict[str, str] = first["investigation"]  # type: ignore[assignment]
    assert investigation["status"] == "started" and investigation["run_id"]
    second = _upload(client, keys, incident_id)
    assert second["investigation"] is None, "one debate per webhook request, not per upload"
    assert _runs(client, incident_id) == [investigation["run_id"]]


def test_an_upload_can_hold_back_or_ask_for_a_debate(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys, investigate=True)
    asked = _opened(client, token, _alert())
    assert _upload(client, keys, asked, investigate="false")["investigation"] is None
    assert _runs(client, asked) == []
    quiet = _opened(client, token, _alert(name="Quiet"), investigate="false")
    assert _upload(client, keys, quiet)["investigation"] is None
    started = _upload(client, keys, quiet, investigate="true")["investigation"]
    assert isinstance(started, dict) and started["status"] == "started"


def test_alert_text_is_stored_masked(client: TestClient, keys: Keys) -> None:
    token = _token(client, keys)
    alert = _alert(annotations={"summary": "db login failed password=hunter2 for ops@corp.example"})
    incident_id = _opened(client, token, alert)
    stored = client.get(f"{URL}/alerts", headers=keys.viewer).json()["data"]
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=keys.viewer).json()
    for text in (json.dumps(stored), json.dumps(incident)):
        assert "hunter2" not in text and "ops@corp.example" not in text
        assert "<redacted:password>" in text


async def test_concurrent_webhook_requests_each_get_their_own_exact_answer(
    settings: Settings, keys: Keys
) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            made = await http.post(f"{URL}/secrets", json={"name": "load"}, headers=keys.admin)
            headers = {"Authorization": f"Bearer {made.json()['token']}"}

            async def send(n: int) -> dict[str, Any]:
                # fp{n % 20} comes back in later requests, always with the same group.
                body = {
                    "version": "4",
                    "groupKey": f"team-{n % 4}",
                    "alerts": [_alert(fingerprint=f"fp{n % 20}"), _alert(fingerprint=f"x{n}")],
                }
                response = await http.post(f"{URL}/alertmanager", json=body, headers=headers)
                assert response.status_code == 202, response.text
                answer: dict[str, Any] = response.json()
                return answer

            answers = await asyncio.gather(*(send(n) for n in range(60)))
            stored = (await http.get(f"{URL}/alerts?limit=500", headers=keys.viewer)).json()
    commits = app.state.warroom.store._alert_commits
    assert commits is not None and commits.batches < 60, "requests should share transactions"
    by_group: dict[int, set[str]] = {}
    for n, answer in enumerate(answers):
        assert [a["fingerprint"] for a in answer["alerts"]] == [f"fp{n % 20}", f"x{n}"]
        assert [a["duplicate"] for a in answer["alerts"]] == [n >= 20, False]
        by_group.setdefault(n % 4, set()).update(answer["incident_ids"])
    assert all(len(ids) == 1 for ids in by_group.values())
    assert len(set().union(*by_group.values())) == 4
    assert sum(len(a["new_incident_ids"]) for a in answers) == 4
    counts = {a["fingerprint"]: a["count"] for a in stored["data"]}
    assert sum(counts.values()) == 120 and len(counts) == 80


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


def test_a_request_whose_alerts_cannot_be_stored_answers_503_and_others_go_on(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(client, keys)
    real = AlertRepository._ingest_one

    async def refuse(self: AlertRepository, session: Any, alert: Alert, *rest: Any) -> Any:
        if alert.name == "Poison":
            raise OperationalError("INSERT ...", {}, Exception("disk I/O error"))
        return await real(self, session, alert, *rest)

    monkeypatch.setattr(AlertRepository, "_ingest_one", refuse)
    refused = client.post(
        f"{URL}/alertmanager",
        json={"alerts": [_alert(fingerprint="p1"), _alert(name="Poison")]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 503
    assert "nothing of this request was recorded" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "5"
    _post(client, token, _alert(fingerprint="ok1"))
    stored = client.get(f"{URL}/alerts", headers=keys.viewer).json()["data"]
    assert [a["fingerprint"] for a in stored] == ["ok1"]
