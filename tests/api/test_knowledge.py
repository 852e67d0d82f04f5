"""``/assets/development``, ``/assets/design``, ``/assets/fusion`` and report confirmation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import FILE_LIMIT, REQUEST_LIMIT, Keys, make_keys
from tests.assets.repos import JAVA_AT, SampleRepo, build_java_repo, write_incident_logs
from warroom.api import Limits, create_app
from warroom.config import Settings

DESIGN = Path(__file__).parents[1] / "assets" / "design" / "data"
DEVELOPMENT = "/api/v1/assets/development"
DESIGN_URL = "/api/v1/assets/design"


def make_client(settings: Settings) -> TestClient:
    return TestClient(
        create_app(
            settings,
            limits=Limits(
                max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT, heartbeat_s=1.0
            ),
        )
    )


def add_repo(client: TestClient, keys: Keys, path: Path, **extra: Any) -> Any:
    return client.post(DEVELOPMENT, json={"path": str(path), **extra}, headers=keys.admin)


def design_files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, (DESIGN / name).read_bytes(), "text/plain")) for name in names]


@pytest.fixture
def java(tmp_path: Path) -> SampleRepo:
    return build_java_repo(tmp_path / "repos")


# --- development ------------------------------------------------------------------------------


def test_only_admins_index_a_repository(client: TestClient, keys: Keys, java: SampleRepo) -> None:
    for role in ("viewer", "responder"):
        refused = client.post(
            DEVELOPMENT, json={"path": str(java.path)}, headers=keys.headers(role)
        )
        assert refused.status_code == 403, role
        assert "role admin" in refused.json()["detail"]
    assert client.get(DEVELOPMENT, headers=keys.viewer).json()["count"] == 0
    made = add_repo(client, keys, java.path, service="order-service", max_commits=100)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["head"] == java.commits[-1]
    source = body["source"]
    assert source["kind"] == "repository" and source["location"] == str(java.path.resolve())
    assert source["stats"]["commits"] == len(java.commits)
    assert source["stats"]["service"] == "order-service" and source["stats"]["max_commits"] == 100
    assert source["nodes"] > 0 and source["created_by"] == "test-admin"
    assert body["problems"] == []
    listed = client.get(DEVELOPMENT, headers=keys.viewer).json()
    assert [s["id"] for s in listed["data"]] == [source["id"]]
    # The same path again replaces it under the same id.
    again = add_repo(client, keys, java.path)
    assert again.json()["source"]["id"] == source["id"]


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("relative/path", 422, "must be absolute"),
        ("/no/such/folder/anywhere", 422, "no such folder"),
        ("/a\x00b", 422, "not a usable folder path"),
    ],
)
def test_bad_repository_paths_answer_422(
    client: TestClient, keys: Keys, path: str, status: int, words: str
) -> None:
    response = client.post(DEVELOPMENT, json={"path": path}, headers=keys.admin)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_a_folder_that_is_not_a_repository_answers_422(
    client: TestClient, keys: Keys, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    response = add_repo(client, keys, plain)
    assert response.status_code == 422
    assert "not a git repository" in response.json()["detail"]
    assert client.get(DEVELOPMENT, headers=keys.viewer).json()["count"] == 0


def test_malformed_bodies_answer_422(client: TestClient, keys: Keys, java: SampleRepo) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"content": b"{nope", "headers": {"Content-Type": "application/json"}}, "JSON body"),
        ({"json": {"path": str(java.path), "colour": "red"}}, "colour"),
        ({"json": {"path": str(java.path), "max_commits": -1}}, "max_commits"),
        ({"content": b"path=/x", "headers": {"Content-Type": "text/plain"}}, "Content-Type"),
    ]
    for kwargs, words in cases:
        headers = {**keys.admin, **kwargs.pop("headers", {})}
        response = client.post(DEVELOPMENT, headers=headers, **kwargs)
        assert response.status_code == 422, response.text
        assert words in response.json()["detail"]


def test_multipart_development_upload_still_needs_an_incident(
    client: TestClient, keys: Keys
) -> None:
    response = client.post(
        DEVELOPMENT,
        files=[("files", ("src.tar", b"data", "application/x-tar"))],
        headers=keys.responder,
    )
    assert response.status_code == 422
    assert "incident_id" in response.json()["detail"]
    response = client.post(
        DEVELOPMENT,
        data={"incident_id": "inc_nope"},
        files=[("files", ("src.tar", b"data", "application/x-tar"))],
        headers=keys.responder,
    )
    assert response.status_code == 404


def test_repo_roots_bound_what_may_be_indexed(tmp_path: Path) -> None:
    roots = tmp_path / "roots"
    inside = build_java_repo(roots)
    outside = build_java_repo(tmp_path / "elsewhere")
    link = roots / "sneaky"
    os.symlink(outside.path, link)
    settings = Settings(data_dir=tmp_path / "data", database_url=None, repo_roots=[roots])
    keys = make_keys(settings)
    with make_client(settings) as client:
        for path in (outside.path, link):
            refused = add_repo(client, keys, path)
            assert refused.status_code == 403, refused.text
            assert "WARROOM_REPO_ROOTS" in refused.json()["detail"]
            assert str(outside.path) in refused.json()["detail"]
        assert add_repo(client, keys, inside.path).status_code == 201


def test_delete_a_repository_source(client: TestClient, keys: Keys, java: SampleRepo) -> None:
    source = add_repo(client, keys, java.path).json()["source"]
    url = f"{DEVELOPMENT}/{source['id']}"
    assert client.delete(url, headers=keys.responder).status_code == 403
    assert client.delete(url, headers=keys.admin).status_code == 204
    assert client.delete(url, headers=keys.admin).status_code == 404
    assert client.get("/api/v1/graph/counts", headers=keys.viewer).json()["nodes"] == {}
    assert client.delete(f"{DEVELOPMENT}/bad id!", headers=keys.admin).status_code == 422


# --- design -----------------------------------------------------------------------------------


def test_design_upload_reads_documents_into_the_graph(client: TestClient, keys: Keys) -> None:
    files = design_files("order-api.yaml", "schema.sql", "domain-en.md")
    files.append(("files", ("broken.yaml", b"openapi: 3.0.0\npaths: [unclosed\n", "text/yaml")))
    assert client.post(DESIGN_URL, files=files, headers=keys.viewer).status_code == 403
    made = client.post(DESIGN_URL, files=files, headers=keys.responder)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["source"]["kind"] == "design"
    assert body["source"]["location"] == "order-api.yaml, schema.sql, domain-en.md, broken.yaml"
    by_name = {f["name"]: f for f in body["files"]}
    assert by_name["schema.sql"]["kind"] == "ddl" and by_name["schema.sql"]["nodes"] > 0
    assert by_name["order-api.yaml"]["kind"] == "openapi"
    assert by_name["broken.yaml"]["errors"] and "broken.yaml" in by_name["broken.yaml"]["errors"][0]
    # The temporary folder the files were read from does not leak into the graph.
    tables = client.get("/api/v1/graph/nodes", params={"kind": "table"}, headers=keys.viewer).json()
    assert "table:orders" in {n["id"] for n in tables["data"]}
    assert all(n["attrs"]["source"] == "schema.sql" for n in tables["data"])
    listed = client.get(DESIGN_URL, headers=keys.viewer).json()
    assert [s["id"] for s in listed["data"]] == [body["source"]["id"]]


def test_design_upload_by_name_replaces_and_deletes(client: TestClient, keys: Keys) -> None:
    first = client.post(
        DESIGN_URL,
        data={"name": "orders"},
        files=design_files("schema.sql"),
        headers=keys.responder,
    ).json()
    second = client.post(
        DESIGN_URL,
        data={"name": "orders"},
        files=design_files("order-api.yaml"),
        headers=keys.responder,
    ).json()
    assert first["source"]["id"] == second["source"]["id"]
    counts = client.get("/api/v1/graph/counts", headers=keys.viewer).json()
    assert "table" not in counts["nodes"] and counts["nodes"]["endpoint"] > 0
    url = f"{DESIGN_URL}/{first['source']['id']}"
    assert client.delete(url, headers=keys.responder).status_code == 403
    assert (
        client.delete(f"{DEVELOPMENT}/{first['source']['id']}", headers=keys.admin).status_code
        == 404
    )
    assert client.delete(url, headers=keys.admin).status_code == 204
    assert client.get(DESIGN_URL, headers=keys.viewer).json()["count"] == 0


def test_design_files_of_the_same_name_are_both_read(client: TestClient, keys: Keys) -> None:
    files = [
        ("files", ("a/schema.sql", b"CREATE TABLE alpha (id INT PRIMARY KEY);\n", "text/plain")),
        ("files", ("b/schema.sql", b"CREATE TABLE beta (id INT PRIMARY KEY);\n", "text/plain")),
    ]
    made = client.post(DESIGN_URL, files=files, headers=keys.responder)
    assert made.status_code == 201, made.text
    assert len(made.json()["files"]) == 2
    tables = client.get("/api/v1/graph/nodes", params={"kind": "table"}, headers=keys.viewer)
    assert {n["id"] for n in tables.json()["data"]} == {"table:alpha", "table:beta"}


def test_design_uploads_that_give_nothing_are_refused(client: TestClient, keys: Keys) -> None:
    useless = [("files", ("notes.bin", b"\x00\x01\x02", "application/octet-stream"))]
    response = client.post(DESIGN_URL, files=useless, headers=keys.responder)
    assert response.status_code == 422 and "nothing was stored" in response.json()["detail"]
    big = [("files", ("huge.sql", b"-- x\n" * (FILE_LIMIT // 5 + 1), "text/plain"))]
    response = client.post(DESIGN_URL, files=big, headers=keys.responder)
    assert response.status_code == 413
    reserved = client.post(
        DESIGN_URL,
        data={"name": "case:inc_1"},
        files=design_files("schema.sql"),
        headers=keys.responder,
    )
    assert reserved.status_code == 422 and "confirmed cases" in reserved.json()["detail"]
    assert client.get(DESIGN_URL, headers=keys.viewer).json()["count"] == 0


# --- investigations, fusion and confirmed cases -----------------------------------------------


@dataclass
class World:
    client: TestClient
    keys: Keys
    repo: SampleRepo
    plain: str  # investigated before any asset was stored
    linked: str  # with the repository stored
    recalled: str  # after ``linked`` was confirmed
    source_id: str
    confirmed: dict[str, Any]


def _investigate(client: TestClient, keys: Keys, logs: Path) -> str:
    incident = client.post(
        "/api/v1/incidents",
        json={"title": "orders failing", "alert_time": JAVA_AT.isoformat(), "window": "30m"},
        headers=keys.responder,
    ).json()
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(logs.iterdir())]
    uploaded = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident["id"], "investigate": "false"},
        files=files,
        headers=keys.responder,
    )
    assert uploaded.status_code == 201, uploaded.text
    started = client.post(
        "/api/v1/debates", json={"incident_id": incident["id"]}, headers=keys.responder
    )
    assert started.status_code == 202, started.text
    with client.websocket_connect(
        f"/ws/debates/{started.json()['id']}?after=-1", headers=keys.viewer
    ) as socket:
        while True:
            message = socket.receive_json()
            if message["type"] == "end":
                assert message.get("status", "succeeded") == "succeeded", message
                break
    return str(incident["id"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("knowledge")
    repo = build_java_repo(root / "repos")
    logs = write_incident_logs(repo, root / "logs", JAVA_AT)
    settings = Settings(data_dir=root / "data", database_url=None)
    keys = make_keys(settings)
    with make_client(settings) as client:
        plain = _investigate(client, keys, logs)
        made = add_repo(client, keys, repo.path)
        assert made.status_code == 201, made.text
        linked = _investigate(client, keys, logs)
        confirmed = client.post(f"/api/v1/reports/{linked}/confirm", headers=keys.responder)
        assert confirmed.status_code == 200, confirmed.text
        recalled = _investigate(client, keys, logs)
        yield World(
            client,
            keys,
            repo,
            plain,
            linked,
            recalled,
            made.json()["source"]["id"],
            confirmed.json(),
        )


def test_fusion_of_an_incident_investigated_with_a_stored_repository(world: World) -> None:
    response = world.client.get(f"/api/v1/assets/fusion/{world.linked}", headers=world.keys.viewer)
    assert response.status_code == 200, response.text
    fusion = response.json()
    assert set(fusion) >= {
        "incident_id", "nodes", "edges", "path", "links", "placements", "similar_cases"
    }  # fmt: skip
    assert fusion["incident_id"] == world.linked
    assert f"incident:{world.linked}" in {n["id"] for n in fusion["nodes"]}
    assert all(set(n) == {"id", "kind", "name", "attrs"} for n in fusion["nodes"])
    assert all(set(e) == {"src", "dst", "kind", "attrs"} for e in fusion["edges"])
    path_ids = [n["id"] for n in fusion["path"]["nodes"]]
    assert path_ids[0] == f"service:{world.repo.service}"
    assert world.repo.bug_method in path_ids
    assert path_ids[-1] == f"commit:{world.repo.bug_commit}"
    assert len(fusion["path"]["edges"]) == len(path_ids) - 1
    assert any(link["line"] == world.repo.bug_line for link in fusion["links"])
    assert any(s.startswith("repository order-service") for s in fusion["sources"])
    report = world.client.get(f"/api/v1/reports/{world.linked}", headers=world.keys.viewer).json()
    assert report["verdict"]["suspect_commit"] == world.repo.bug_commit
    # The run saved the incident's graph: graph queries reach the incident.
    node = world.client.get(
        f"/api/v1/graph/nodes/incident:{world.linked}", headers=world.keys.viewer
    )
    assert node.status_code == 200


def test_fusion_without_assets_is_empty_not_missing(world: World) -> None:
    response = world.client.get(f"/api/v1/assets/fusion/{world.plain}", headers=world.keys.viewer)
    assert response.status_code == 200, response.text
    fusion = response.json()
    assert fusion["nodes"] == [] and fusion["edges"] == [] and fusion["path"] is None
    assert fusion["links"] == [] and fusion["similar_cases"] == []


def test_fusion_of_an_unknown_or_unreported_incident_is_404(world: World) -> None:
    missing = world.client.get("/api/v1/assets/fusion/inc_nope", headers=world.keys.viewer)
    assert missing.status_code == 404 and "no incident" in missing.json()["detail"]
    fresh = world.client.post(
        "/api/v1/incidents",
        json={"title": "quiet", "alert_time": JAVA_AT.isoformat()},
        headers=world.keys.responder,
    ).json()
    unreported = world.client.get(f"/api/v1/assets/fusion/{fresh['id']}", headers=world.keys.viewer)
    assert unreported.status_code == 404 and "no report" in unreported.json()["detail"]
    confirm = world.client.post(
        f"/api/v1/reports/{fresh['id']}/confirm", headers=world.keys.responder
    )
    assert confirm.status_code == 404


def test_a_confirmed_verdict_becomes_a_case_that_later_incidents_recall(world: World) -> None:
    case = world.confirmed["case"]
    assert case["id"] == f"case:{world.linked}"
    assert case["attrs"]["confirmed_by"] == "test-responder"
    assert world.confirmed["source"]["location"] == f"case:{world.linked}"
    listed = world.client.get(DESIGN_URL, headers=world.keys.viewer).json()
    assert f"case:{world.linked}" in {s["location"] for s in listed["data"]}
    node = world.client.get(f"/api/v1/graph/nodes/case:{world.linked}", headers=world.keys.viewer)
    assert node.status_code == 200 and node.json()["attrs"]["incident_id"] == world.linked
    fusion = world.client.get(
        f"/api/v1/assets/fusion/{world.recalled}", headers=world.keys.viewer
    ).json()
    assert world.linked in {c["case_id"] for c in fusion["similar_cases"]}
    assert world.linked not in {
        c["case_id"]
        for c in world.client.get(
            f"/api/v1/assets/fusion/{world.linked}", headers=world.keys.viewer
        ).json()["similar_cases"]
    }


def test_viewers_cannot_confirm(world: World) -> None:
    response = world.client.post(
        f"/api/v1/reports/{world.linked}/confirm", headers=world.keys.viewer
    )
    assert response.status_code == 403


def test_the_audit_log_records_the_asset_writes(world: World) -> None:
    entries = world.client.get(
        "/api/v1/audit", params={"limit": 500}, headers=world.keys.admin
    ).json()["data"]
    added = [e for e in entries if e["method"] == "POST" and e["path"] == DEVELOPMENT]
    assert [(e["status_code"], e["key_name"], e["resource_id"]) for e in added] == [
        (201, "test-admin", world.source_id)
    ]
    confirmed = [e for e in entries if e["path"] == f"/api/v1/reports/{world.linked}/confirm"]
    # (a refused attempt by a viewer, when that test ran first, is recorded too)
    assert (200, "test-responder", world.linked) in [
        (e["status_code"], e["key_name"], e["resource_id"]) for e in confirmed
    ]


def test_deleting_an_incident_removes_its_graph(world: World) -> None:
    """Last in this module: it deletes the ``recalled`` incident."""
    node = f"/api/v1/graph/nodes/incident:{world.recalled}"
    assert world.client.get(node, headers=world.keys.viewer).status_code == 200
    gone = world.client.delete(f"/api/v1/incidents/{world.recalled}", headers=world.keys.admin)
    assert gone.status_code == 204, gone.text
    assert world.client.get(node, headers=world.keys.viewer).status_code == 404
    # The repository and the other incidents' graphs stay.
    method = "/api/v1/graph/nodes/" + quote(world.repo.bug_method, safe=":/")
    assert world.client.get(method, headers=world.keys.viewer).status_code == 200
    linked = f"/api/v1/graph/nodes/incident:{world.linked}"
    assert world.client.get(linked, headers=world.keys.viewer).status_code == 200
