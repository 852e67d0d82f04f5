"""Uploads: streamed into the blob store, recorded as assets, limited in size."""

from __future__ import annotations

import gzip
import hashlib
import time
from typing import Any

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


def _finished(client: TestClient, keys: Keys, run_id: str) -> dict[str, Any]:
    for _ in range(1200):
        status: dict[str, Any] = client.get(f"/api/v1/debates/{run_id}", headers=keys.viewer).json()
        if status["status"] in ("succeeded", "failed", "cancelled"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"debate {run_id} did not finish")


SECRET_LINE = (
    "{head} : retry db login password=Hunter2Secret with Authorization: Bearer "
    "tok3nV4lue.abc for ops.lead@corp.example\n"
)


def _files_with_secrets() -> list[tuple[str, tuple[str, bytes, str]]]:
    """The sample, one of its logs with a line holding a password, a bearer token and an
    e-mail address."""
    files = []
    for path in sample_files():
        data = path.read_bytes()
        if path.name == "payment-service.log":
            lines = data.decode().splitlines(True)
            head = lines[len(lines) // 2].split(" : ")[0]
            lines.insert(len(lines) // 2, SECRET_LINE.format(head=head))
            data = "".join(lines).encode()
        files.append(("files", (path.name, data, "text/plain")))
    return files


def test_runtime_uploads_are_stored_masked_and_the_debate_still_works(
    client: TestClient, keys: Keys
) -> None:
    incident_id = _incident(client, keys)
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=_files_with_secrets(),
        headers=keys.responder,
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["masked_secrets"] == 3
    blobs: BlobStore = client.app.state.warroom.blobs  # type: ignore[attr-defined]
    for asset in answer["data"]:
        assert asset["masking"] == "masked"
        assert asset["media_type"] == "text/plain"
        stored = blobs.path(asset["sha256"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == asset["sha256"]
        assert len(stored) == asset["size"]
        for secret in (b"Hunter2Secret", b"tok3nV4lue", b"ops.lead@corp.example"):
            assert secret not in stored
    [log] = [a for a in answer["data"] if a["name"] == "payment-service.log"]
    text = blobs.path(log["sha256"]).read_text()
    assert "password=<redacted:password> with Authorization: Bearer <redacted:bearer>" in text
    assert "<redacted:email>" in text

    started = client.post(
        "/api/v1/debates", json={"incident_id": incident_id, "rounds": 1}, headers=keys.responder
    )
    assert started.status_code == 202, started.text
    done = _finished(client, keys, started.json()["id"])
    assert done["status"] == "succeeded", done["error"]
    assert done["verdict"]["component"] == "payment-service"


def test_binary_runtime_uploads_are_kept_as_uploaded_and_marked(
    client: TestClient, keys: Keys
) -> None:
    incident_id = _incident(client, keys)
    packed = gzip.compress(b"2026-03-14 14:00:00 ERROR password=hunter2\n" * 50)
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=[("files", ("app.log.gz", packed, "application/gzip; masking=masked"))],
        headers=keys.responder,
    )
    assert response.status_code == 201, response.text
    [asset] = response.json()["data"]
    assert asset["masking"] == "binary_kept", "a sender cannot claim its file was masked"
    assert asset["media_type"] == "application/gzip"
    blobs: BlobStore = client.app.state.warroom.blobs  # type: ignore[attr-defined]
    assert blobs.path(asset["sha256"]).read_bytes() == packed
    listed = client.get(
        "/api/v1/assets", params={"incident_id": incident_id}, headers=keys.viewer
    ).json()
    assert [a["masking"] for a in listed["data"]] == ["binary_kept"]


def test_design_uploads_are_kept_as_uploaded(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    doc = b"# Runbook\nescalate to oncall@corp.example\n"
    response = client.post(
        "/api/v1/assets/design",
        data={"incident_id": incident_id},
        files=[("files", ("runbook.md", doc, "text/markdown"))],
        headers=keys.responder,
    )
    assert response.status_code == 201, response.text
    [asset] = response.json()["data"]
    assert asset["masking"] == "kept" and response.json()["investigation"] is None
    blobs: BlobStore = client.app.state.warroom.blobs  # type: ignore[attr-defined]
    assert blobs.path(asset["sha256"]).read_bytes() == doc


def test_masking_keeps_the_upload_limit_on_what_was_sent(client: TestClient, keys: Keys) -> None:
    incident_id = _incident(client, keys)
    line = b"2026-03-14 14:00:00 INFO mail to a@b.example\n"
    body = line * (FILE_LIMIT // len(line) + 1)  # masking shrinks it, the limit still counts
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=[("files", ("big.log", body, "text/plain"))],
        headers=keys.responder,
    )
    assert response.status_code == 413
