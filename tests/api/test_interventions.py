"""Interventions over HTTP: recorded with who and when, read by the next debate, and
able to change the verdict on the sample incident."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, sample_incident_body, upload_sample

WINNER = "payment-service"


def _debate(client: TestClient, keys: Keys, incident_id: str) -> dict[str, Any]:
    started = client.post(
        "/api/v1/debates", json={"incident_id": incident_id, "rounds": 1}, headers=keys.responder
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    for _ in range(600):
        status: dict[str, Any] = client.get(f"/api/v1/debates/{run_id}", headers=keys.viewer).json()
        if status["status"] in ("succeeded", "failed", "cancelled"):
            assert status["status"] == "succeeded", status["error"]
            return status
        time.sleep(0.05)
    raise AssertionError(f"debate {run_id} did not finish")


def _incident(client: TestClient, keys: Keys) -> str:
    incident = client.post(
        "/api/v1/incidents", json=sample_incident_body(), headers=keys.responder
    ).json()
    upload_sample(client, keys, incident["id"])
    incident_id: str = incident["id"]
    return incident_id


def _intervene(client: TestClient, keys: Keys, run_id: str, **body: object) -> dict[str, Any]:
    response = client.post(f"/api/v1/debates/{run_id}/intervene", json=body, headers=keys.responder)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_viewer_cannot_intervene_and_pin_needs_a_component(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    run = _debate(client, keys, incident_id)
    url = f"/api/v1/debates/{run['id']}/intervene"
    assert (
        client.post(url, json={"kind": "instruction", "text": "x"}, headers=keys.viewer).status_code
        == 403
    )
    missing = client.post(url, json={"kind": "pin"}, headers=keys.responder)
    assert missing.status_code == 422 and "component" in missing.json()["detail"]
    unknown = client.post(
        "/api/v1/debates/run_nope/intervene",
        json={"kind": "instruction", "text": "x"},
        headers=keys.responder,
    )
    assert unknown.status_code == 404


def test_veto_and_pin_change_the_verdict_of_the_next_debate(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    first = _debate(client, keys, incident_id)
    assert first["verdict"]["component"] == WINNER

    recorded = _intervene(
        client, keys, first["id"], kind="veto", component=WINNER, text="ruled out by the DBA"
    )
    assert recorded["applies"] == "next_debate"
    assert recorded["intervention"]["author"].startswith("test-responder")
    vetoed = _debate(client, keys, incident_id)
    assert vetoed["verdict"]["component"] != WINNER
    assert "vetoed" in vetoed["verdict"]["root_cause"]

    runner_up = vetoed["verdict"]["component"]
    _intervene(client, keys, vetoed["id"], kind="pin", component=WINNER, text="back on the table")
    pinned = _debate(client, keys, incident_id)
    assert pinned["verdict"]["component"] == WINNER
    assert "pinned" in pinned["verdict"]["root_cause"]
    assert runner_up != WINNER

    report = client.get(
        f"/api/v1/reports/{incident_id}", params={"format": "json"}, headers=keys.viewer
    )
    assert report.status_code == 200, report.text
    listed = client.get(f"/api/v1/debates/{pinned['id']}/interventions", headers=keys.viewer).json()
    assert [i["kind"] for i in listed["data"]] == ["veto", "pin"]


def test_debate_events_show_the_applied_interventions(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    first = _debate(client, keys, incident_id)
    _intervene(client, keys, first["id"], kind="instruction", text="check the connection pool")
    _intervene(client, keys, first["id"], kind="claim", component=WINNER, text="pool was shrunk")
    second = _debate(client, keys, incident_id)
    events = client.get(f"/api/v1/debates/{second['id']}/history", headers=keys.viewer).json()
    applied = [e for e in events["data"] if e["type"] == "human_intervention"]
    assert [e["payload"]["kind"] for e in applied] == ["instruction", "claim"]
    assert all(e["payload"]["stage"] == "applied" for e in applied)
    chain_ids = {i for link in second["verdict"]["evidence_chain"] for i in link["evidence_ids"]}
    assert "human:1" in chain_ids
