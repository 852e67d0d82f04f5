"""The built UI at ``/``: index, SPA fallback, cache headers, gzip twins, the API's own 404s and
405s left alone, and the page shown when the UI has not been built."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from warroom.api.ui import IMMUTABLE, REVALIDATE, UI_DIST, mount_ui

INDEX = "<!doctype html><html><body><div id='root'></div>warroom-ui-index</body></html>"
SCRIPT = "console.log('warroom');" * 100


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "ui_dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-abc123.js").write_text(SCRIPT)
    (folder / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


@pytest.fixture
def ui(client: TestClient, dist: Path) -> TestClient:
    mount_ui(client.app, dist)  # type: ignore[arg-type]
    return client


def test_index_is_served_at_root_and_revalidated(ui: TestClient) -> None:
    response = ui.get("/")
    assert response.status_code == 200
    assert "warroom-ui-index" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == REVALIDATE


@pytest.mark.parametrize(
    "path", ["/incidents/inc_123", "/debates/run_1?after=3", "/settings", "/history/deep/link"]
)
def test_client_side_routes_fall_back_to_index(ui: TestClient, path: str) -> None:
    response = ui.get(path)
    assert response.status_code == 200
    assert "warroom-ui-index" in response.text


def test_hashed_assets_are_cached_for_a_year(ui: TestClient) -> None:
    response = ui.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.text == SCRIPT
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]
    assert "content-encoding" not in response.headers


def test_gzip_twin_is_sent_to_clients_that_accept_it(ui: TestClient) -> None:
    response = ui.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "javascript" in response.headers["content-type"]
    assert response.text == SCRIPT  # the client decodes it


def test_other_build_files_are_served_but_revalidated(ui: TestClient) -> None:
    response = ui.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == REVALIDATE
    assert response.headers["content-type"].startswith("image/svg")


def test_a_missing_asset_is_a_404_not_the_index(ui: TestClient) -> None:
    response = ui.get("/assets/index-old999.js")
    assert response.status_code == 404
    assert "warroom-ui-index" not in response.text


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/incidents/x/nothing", "/api", "/ws/x"])
def test_unknown_api_paths_stay_json_404(ui: TestClient, path: str) -> None:
    response = ui.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


def test_api_routes_keep_their_answers(ui: TestClient) -> None:
    assert ui.get("/api/v1/health").json()["status"] == "ok"
    assert ui.get("/api/v1/incidents").status_code == 401
    assert ui.delete("/api/v1/health").status_code == 405
    assert ui.get("/openapi.json").json()["info"]["title"] == "warroom"
    assert "swagger" in ui.get("/docs").text.lower()
    assert ui.get("/docs/nothing").status_code == 404


def test_only_get_and_head_reach_the_ui(ui: TestClient) -> None:
    assert ui.head("/incidents/x").status_code == 200
    response = ui.post("/incidents/x", json={})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("path", ["/..%2f..%2fpyproject.toml", "/assets/..%2f..%2fsecret.txt"])
def test_no_file_outside_the_build_is_served(ui: TestClient, dist: Path, path: str) -> None:
    (dist.parent / "secret.txt").write_text("top secret")
    response = ui.get(path)
    assert "top secret" not in response.text
    assert "[project]" not in response.text


def test_without_a_build_a_page_says_how_to_build_it(client: TestClient, tmp_path: Path) -> None:
    mount_ui(client.app, tmp_path / "never-built")  # type: ignore[arg-type]
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "UI not built" in response.text
    assert "cd web &amp;&amp; npm ci &amp;&amp; npm run build" in response.text
    assert client.get("/incidents/x").status_code == 503
    assert client.get("/api/v1/nope").json() == {"detail": "Not Found"}


def test_mounting_twice_replaces_the_build_folder(client: TestClient, dist: Path) -> None:
    mount_ui(client.app, dist.parent / "elsewhere")  # type: ignore[arg-type]
    mount_ui(client.app, dist)  # type: ignore[arg-type]
    assert "warroom-ui-index" in client.get("/").text
    assert client.get("/api/v1/nope").status_code == 404


def test_the_app_serves_the_package_build_folder_by_default() -> None:
    assert UI_DIST.name == "ui_dist"
    assert UI_DIST.parent.name == "api"
