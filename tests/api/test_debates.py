"""Debates over HTTP: start over uploaded sample telemetry, follow live, read the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.api.conftest import (
    FILE_LIMIT,
    REQUEST_LIMIT,
    Keys,
    make_keys,
    sample_incident_body,
    upload_sample,
)
from warroom.api import Limits, create_app
from warroom.config import Settings


@dataclass
class Finished:
    client: TestClient
    keys: Keys
    incident_id: str
    run_id: str
    live: list[dict[str, object]]


def _sse(text: str) -> list[dict[str, str]]:
    frames = []
    for block in text.strip().split("\n\n"):
        frame = {}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            frame[name] = value
        if frame:
            frames.append(frame)
    return frames


def _start(client: TestClient, keys: Keys) -> tuple[str, str]:
    incident = client.post(
        "/api/v1/incidents", json=sample_incident_body(), headers=keys.responder
    ).json()
    upload_sample(client, keys, incident["id"])
    response = client.post(
        "/api/v1/debates", json={"incident_id": incident["id"]}, headers=keys.responder
    )
    assert response.status_code == 202, response.text
    return incident["id"], response.json()["id"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Finished]:
    """One debate over the sample, followed live over a WebSocket from its start to its end."""
    root: Path = tmp_path_factory.mktemp("debate")
    settings = Settings(data_dir=root / "data", database_url=None)
    keys = make_keys(settings)
    app = create_app(
        settings,
        limits=Limits(
            max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT, heartbeat_s=1.0
        ),
    )
    with TestClient(app) as client:
        incident_id, run_id = _start(client, keys)
        live = []
        with client.websocket_connect(
            f"/ws/debates/{run_id}?after=-1", headers=keys.viewer
        ) as socket:
            while True:
                message = socket.receive_json()
                live.append(message)
                if message["type"] == "end":
                    break
        yield Finished(client, keys, incident_id, run_id, live)


def test_debate_over_uploaded_sample_names_payment_service(finished: Finished) -> None:
    status = finished.client.get(
        f"/api/v1/debates/{finished.run_id}", headers=finished.keys.viewer
    ).json()
    assert status["status"] == "succeeded", status["error"]
    assert status["verdict"]["component"] == "payment-service"
    assert status["incident_id"] == finished.incident_id


def test_websocket_follows_a_run_from_start_to_end_without_gaps(finished: Finished) -> None:
    events = [m["event"] for m in finished.live if m["type"] == "event"]
    seqs = [e["seq"] for e in events]  # type: ignore[index]
    assert seqs == list(range(len(seqs)))
    assert finished.live[-1] == {"type": "end", "status": "succeeded"}
    assert any(e["type"] == "verdict" for e in events)  # type: ignore[index]


def test_history_and_run_events_page_from_after(finished: Finished) -> None:
    full = finished.client.get(
        f"/api/v1/debates/{finished.run_id}/history", headers=finished.keys.viewer
    ).json()
    assert full["status"] == "succeeded"
    assert [e["seq"] for e in full["data"]] == list(range(full["count"]))
    tail = finished.client.get(
        f"/api/v1/runs/{finished.run_id}/events",
        params={"after": 5, "limit": 3},
        headers=finished.keys.viewer,
    ).json()
    assert [e["seq"] for e in tail["data"]] == [6, 7, 8]
    assert tail["next_after"] == 8


def test_sse_replays_after_n_then_ends(finished: Finished) -> None:
    total = len([m for m in finished.live if m["type"] == "event"])
    response = finished.client.get(
        f"/api/v1/debates/{finished.run_id}/stream",
        params={"after": 3},
        headers=finished.keys.viewer,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = _sse(response.text)
    ids = [int(f["id"]) for f in frames if "id" in f]
    assert ids == list(range(4, total))
    assert frames[-1] == {"event": "end", "data": json.dumps({"status": "succeeded"})}


def test_sse_resumes_from_last_event_id_header(finished: Finished) -> None:
    response = finished.client.get(
        f"/api/v1/debates/{finished.run_id}/stream",
        headers={**finished.keys.viewer, "Last-Event-ID": "10"},
    )
    ids = [int(f["id"]) for f in _sse(response.text) if "id" in f]
    assert ids[0] == 11
    assert ids == sorted(set(ids))


def test_report_json_and_exports(finished: Finished) -> None:
    client, headers = finished.client, finished.keys.viewer
    base = f"/api/v1/reports/{finished.incident_id}"
    report = client.get(base, headers=headers).json()
    assert report["verdict"]["component"] == "payment-service"
    assert report["run_id"] == finished.run_id
    assert client.get(base, params={"lang": "zh"}, headers=headers).status_code == 404

    for fmt, media in (
        ("md", "text/markdown"),
        ("html", "text/html"),
        ("json", "application/json"),
    ):
        exported = client.post(f"{base}/export", json={"format": fmt}, headers=headers)
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-type"].startswith(media)
        assert "payment-service" in exported.text
    assert (
        json.loads(client.post(f"{base}/export", json={"format": "json"}, headers=headers).text)[
            "verdict"
        ]["component"]
        == "payment-service"
    )

    pdf = client.post(f"{base}/export", json={"format": "pdf", "lang": "zh"}, headers=headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_cancel_of_a_finished_debate_answers_409(finished: Finished) -> None:
    response = finished.client.post(
        f"/api/v1/debates/{finished.run_id}/cancel", headers=finished.keys.responder
    )
    assert response.status_code == 409
    assert "already finished" in response.json()["detail"]


def test_websocket_without_key_is_refused(finished: Finished) -> None:
    with finished.client.websocket_connect(f"/ws/debates/{finished.run_id}") as socket:
        message = socket.receive_json()
        assert message["type"] == "error"
        assert "API key" in message["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4401


def test_cancel_stops_a_running_debate(client: TestClient, keys: Keys) -> None:
    _, run_id = _start(client, keys)
    response = client.post(f"/api/v1/debates/{run_id}/cancel", headers=keys.responder)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    history = client.get(f"/api/v1/debates/{run_id}/history", headers=keys.viewer).json()
    assert history["data"][-1]["payload"]["status"] == "cancelled"
    stream = client.get(f"/api/v1/debates/{run_id}/stream", headers=keys.viewer)
    assert _sse(stream.text)[-1]["data"] == json.dumps({"status": "cancelled"})


def test_debate_needs_runtime_assets_and_a_known_incident(client: TestClient, keys: Keys) -> None:
    incident = client.post(
        "/api/v1/incidents", json=sample_incident_body(), headers=keys.responder
    ).json()
    empty = client.post(
        "/api/v1/debates", json={"incident_id": incident["id"]}, headers=keys.responder
    )
    assert empty.status_code == 409
    assert "POST /api/v1/assets/runtime" in empty.json()["detail"]
    unknown = client.post(
        "/api/v1/debates", json={"incident_id": "inc_nope"}, headers=keys.responder
    )
    assert unknown.status_code == 404
