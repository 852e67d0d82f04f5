"""The read-only routes the UI's pages need: ``/stats``, ``/history``, ``/settings`` and an
incident's ``/runs`` and ``/evidence`` (``api/routes/ui_*.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (
    FILE_LIMIT,
    REQUEST_LIMIT,
    Keys,
    make_keys,
    sample_incident_body,
    upload_sample,
)
from warroom.api import Limits, create_app
from warroom.api.routes.ui_settings import endpoint_of
from warroom.config import Settings
from warroom.domain import Severity


@dataclass
class World:
    client: TestClient
    keys: Keys
    decided: str  # an incident with a finished debate
    waiting: str  # an incident without any debate
    run_id: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root: Path = tmp_path_factory.mktemp("ui-routes")
    settings = Settings(data_dir=root / "data", database_url=None)
    keys = make_keys(settings)
    app = create_app(
        settings,
        limits=Limits(
            max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT, heartbeat_s=1.0
        ),
    )
    with TestClient(app) as client:
        decided = client.post(
            "/api/v1/incidents", json=sample_incident_body(), headers=keys.responder
        ).json()["id"]
        upload_sample(client, keys, decided)
        run_id = client.post(
            "/api/v1/debates", json={"incident_id": decided}, headers=keys.responder
        ).json()["id"]
        with client.websocket_connect(f"/ws/debates/{run_id}", headers=keys.viewer) as socket:
            while socket.receive_json()["type"] != "end":
                pass
        waiting = client.post(
            "/api/v1/incidents",
            json={"title": "Queue lag on billing", "severity": "low", "alert_time": "2026-03-14"},
            headers=keys.responder,
        ).json()["id"]
        yield World(client, keys, decided, waiting, run_id)


def test_stats_count_open_incidents_and_recent_verdicts(world: World) -> None:
    stats = world.client.get("/api/v1/stats", headers=world.keys.viewer).json()
    assert stats["incidents_total"] == 2
    assert stats["open_by_severity"] == {"critical": 0, "high": 0, "medium": 0, "low": 1}
    assert set(stats["open_by_severity"]) == {s.value for s in Severity}
    [recent] = stats["recent_verdicts"]
    assert recent["incident_id"] == world.decided
    assert recent["run_id"] == world.run_id
    assert recent["component"] == "payment-service"
    assert recent["severity"] == "critical"
    assert stats["time_to_verdict"]["samples"] == 1
    assert stats["time_to_verdict"]["median_s"] > 0
    assert stats["debate_duration"]["samples"] == 1
    assert stats["active_debates"] == []
    assert stats["pending_approvals"] == 0


def test_history_pairs_incidents_with_their_debate_and_verdict(world: World) -> None:
    page = world.client.get("/api/v1/history", headers=world.keys.viewer).json()
    assert page["count"] == 2
    rows = {row["incident"]["id"]: row for row in page["data"]}
    assert rows[world.decided]["verdict"]["component"] == "payment-service"
    assert rows[world.decided]["verdict"]["run_id"] == world.run_id
    assert rows[world.decided]["latest_run"]["status"] == "succeeded"
    assert rows[world.waiting]["verdict"] is None
    assert rows[world.waiting]["latest_run"] is None


def test_history_filters_and_pages_on_the_server(world: World) -> None:
    get = world.client.get
    by_text = get("/api/v1/history?q=BILLING", headers=world.keys.viewer).json()
    assert [r["incident"]["id"] for r in by_text["data"]] == [world.waiting]
    by_severity = get("/api/v1/history?severity=critical", headers=world.keys.viewer).json()
    assert [r["incident"]["id"] for r in by_severity["data"]] == [world.decided]
    second = get("/api/v1/history?limit=1&offset=1", headers=world.keys.viewer).json()
    assert second["count"] == 2 and len(second["data"]) == 1
    assert get("/api/v1/history?limit=0", headers=world.keys.viewer).status_code == 422
    assert get("/api/v1/history?severity=huge", headers=world.keys.viewer).status_code == 422


def test_incident_runs_list_its_debates(world: World) -> None:
    runs = world.client.get(
        f"/api/v1/incidents/{world.decided}/runs", headers=world.keys.viewer
    ).json()
    assert [r["id"] for r in runs["data"]] == [world.run_id]
    assert runs["data"][0]["status"] == "succeeded"
    empty = world.client.get(f"/api/v1/incidents/{world.waiting}/runs", headers=world.keys.viewer)
    assert empty.json() == {"data": [], "count": 0}


def test_incident_evidence_lists_or_picks_by_id(world: World) -> None:
    url = f"/api/v1/incidents/{world.decided}/evidence"
    every = world.client.get(url, headers=world.keys.viewer).json()
    assert every["count"] > 10
    ids = [e["id"] for e in every["data"]]
    assert "rank:payment-service" in ids
    picked = world.client.get(
        url,
        params=[("ids", "rank:payment-service"), ("ids", "no:such:id")],
        headers=world.keys.viewer,
    ).json()
    assert [e["id"] for e in picked["data"]] == ["rank:payment-service"]
    metric = next(e for e in every["data"] if e["kind"].startswith("metric_"))
    assert metric["data"]["points"]


@pytest.mark.parametrize("suffix", ["runs", "evidence"])
def test_unknown_incident_is_a_404_with_a_hint(world: World, suffix: str) -> None:
    response = world.client.get(f"/api/v1/incidents/inc_nope/{suffix}", headers=world.keys.viewer)
    assert response.status_code == 404
    assert "GET /api/v1/incidents" in response.json()["detail"]


def test_settings_are_for_admins_and_hold_no_secret(world: World) -> None:
    assert world.client.get("/api/v1/settings", headers=world.keys.responder).status_code == 403
    assert world.client.get("/api/v1/settings").status_code == 401
    answer = world.client.get("/api/v1/settings", headers=world.keys.admin).json()
    assert answer["editable"] is False
    assert [m["role"] for m in answer["models"]] == [
        "log",
        "domain",
        "code",
        "critic",
        "rebuttal",
        "judge",
    ]
    assert {m["source"] for m in answer["models"]} == {"offline"}
    assert answer["runner"] == "inline"
    assert answer["database"] == "sqlite"
    assert answer["max_upload_bytes"] == FILE_LIMIT


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (None, None),
        ("https://user:hunter2@llm.example.com:8443/v1?key=abc", "https://llm.example.com:8443"),
        ("http://127.0.0.1/v1", "http://127.0.0.1"),
        ("not a url", "(set, not a valid URL)"),
        ("http://host:99999/", "(set, not a valid URL)"),
    ],
)
def test_model_endpoint_is_shown_without_credentials(url: str | None, shown: str | None) -> None:
    assert endpoint_of(url) == shown


def test_every_ui_route_needs_a_key(world: World) -> None:
    for path in (
        "/api/v1/stats",
        "/api/v1/history",
        f"/api/v1/incidents/{world.decided}/runs",
        f"/api/v1/incidents/{world.decided}/evidence",
    ):
        assert world.client.get(path).status_code == 401, path
