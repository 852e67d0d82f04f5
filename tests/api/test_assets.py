"""Uploads: streamed into the blob store, recorded as assets, limited in size."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import FILE_LIMIT, Keys, sample_files, sample_incident_body, upload_sample
from warroom.store import BlobStore


def _incident(client: TestClient, keys: Keys) -> str:
    response = client.post("/api/v1/incidents", json=sample_incident_body(), headers=keys.responder)
    incident_id: str = response.json()["id"]
    return incident_id


def test_runtime_upload_records_each_file_with_its_blob(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    stored = upload_sample(client, keys, incident_id)
    files = sample_files()
    assert sorted(a["name"] for a in stored) == sorted(p.name for p in files)
    kinds = {a["name"]: a["kind"] for a in stored}
    assert kinds["payment-service.log"] == "logs"
    assert kinds["metrics.csv"] == "metrics"
    assert kinds["traces.json"] == "spans"
    blobs: BlobStore = client.app.state.warroom.blobs  # type: ignore[attr-defined]
    by_name = {p.name: p for p in files}
    for asset in stored:
        assert (
            blobs.path(str(asset["sha256"])).read_bytes()
            == by_name[str(asset["name"])].read_bytes()
        )

    listed = client.get(
        "/api/v1/assets", params={"incident_id": incident_id}, headers=keys.viewer
    ).json()
    assert listed["count"] == len(files)
    assert all(a["state"] == "runtime" for a in listed["data"])


def test_design_and_development_uploads_are_stored_with_their_state(
    client: TestClient, keys: Keys
) -> None:
    incident_id = _incident(client, keys)
    for state in ("design", "development"):
        response = client.post(
            f"/api/v1/assets/{state}",
            data={"incident_id": incident_id},
            files=[("files", (f"{state}.md", b"# notes\n", "text/markdown"))],
            headers=keys.responder,
        )
        assert response.status_code == 201, response.text
    only_design = client.get(
        "/api/v1/assets",
        params={"incident_id": incident_id, "state": "design"},
        headers=keys.viewer,
    ).json()
    assert [(a["name"], a["kind"]) for a in only_design["data"]] == [("design.md", "document")]


def test_file_over_the_limit_answers_413_and_records_nothing(
    client: TestClient, keys: Keys
) -> None:
    incident_id = _incident(client, keys)
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=[
            ("files", ("small.log", b"2026-03-14 14:00:00 INFO ok\n", "text/plain")),
            ("files", ("huge.log", b"x" * (FILE_LIMIT + 1), "text/plain")),
        ],
        headers=keys.responder,
    )
    assert response.status_code == 413
    assert "'huge.log' is over the upload limit" in response.json()["detail"]
    listed = client.get(
        "/api/v1/assets", params={"incident_id": incident_id}, headers=keys.viewer
    ).json()
    assert listed["count"] == 0


def test_upload_request_over_the_limit_answers_413_before_reading(
    client: TestClient, keys: Keys
) -> None:
    incident_id = _incident(client, keys)
    parts = [("files", (f"f{n}.log", b"y" * (FILE_LIMIT - 10), "text/plain")) for n in range(9)]
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=parts,
        headers=keys.responder,
    )
    assert response.status_code == 413
    assert "an upload may be at most" in response.json()["detail"]


def test_upload_for_unknown_incident_answers_404(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": "inc_missing"},
        files=[("files", ("a.log", b"x\n", "text/plain"))],
        headers=keys.responder,
    )
    assert response.status_code == 404
    assert "inc_missing" in response.json()["detail"]
