"""``/graph``: counts, nodes, neighbourhood, blast radius and paths over the stored graph,
with node ids holding ``:``, ``/``, ``#`` and spaces sent in the URL path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import FILE_LIMIT, REQUEST_LIMIT, Keys, make_keys
from tests.assets.repos import JAVA_SERVICE_FILE, SampleRepo, build_java_repo
from warroom.api import Limits, create_app
from warroom.config import Settings

NODES = "/api/v1/graph/nodes"


@dataclass
class Graph:
    client: TestClient
    keys: Keys
    repo: SampleRepo

    def get(self, url: str, **params: object) -> dict[str, object]:
        response = self.client.get(url, params=params, headers=self.keys.viewer)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    root = tmp_path_factory.mktemp("graph")
    repo = build_java_repo(root / "repos")
    settings = Settings(data_dir=root / "data", database_url=None)
    keys = make_keys(settings)
    app = create_app(
        settings,
        limits=Limits(max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT),
    )
    with TestClient(app) as client:
        made = client.post(
            "/api/v1/assets/development", json={"path": str(repo.path)}, headers=keys.admin
        )
        assert made.status_code == 201, made.text
        yield Graph(client, keys, repo)


def in_path(node_id: str, *, slashes: bool) -> str:
    """The id as a URL path segment: ``#``, ``?``, ``%`` and spaces encoded; slashes kept or
    encoded as ``%2F`` (both reach the same route)."""
    return quote(node_id, safe=":/" if slashes else ":")


def ids(nodes: object) -> set[str]:
    assert isinstance(nodes, list)
    return {str(n["id"]) for n in nodes}


def test_counts_and_pages_of_nodes(graph: Graph) -> None:
    counts = graph.get("/api/v1/graph/counts")
    assert isinstance(counts["nodes"], dict) and counts["nodes"]["method"] > 0
    assert isinstance(counts["edges"], dict) and counts["edges"]["contains"] > 0
    found = graph.get(NODES, kind="method", q="placeorder")
    assert graph.repo.bug_method in ids(found["data"])
    assert all(n["kind"] == "method" for n in found["data"])  # type: ignore[attr-defined]
    first = graph.get(NODES, kind="file", limit=1)
    second = graph.get(NODES, kind="file", limit=1, offset=1)
    assert first["count"] == second["count"] == 1
    assert ids(first["data"]) != ids(second["data"])
    bad = graph.client.get(NODES, params={"kind": "planet"}, headers=graph.keys.viewer)
    assert bad.status_code == 422


@pytest.mark.parametrize("slashes", [True, False])
def test_ids_with_colons_slashes_hashes_and_spaces_round_trip(graph: Graph, slashes: bool) -> None:
    for node_id in (
        graph.repo.bug_method,  # '#'
        f"file:{JAVA_SERVICE_FILE}",  # '/'
        "endpoint:POST /api/orders",  # ' ' and '/'
        "endpoint:GET /api/orders/{}",  # braces
    ):
        node = graph.get(f"{NODES}/{in_path(node_id, slashes=slashes)}")
        assert node["id"] == node_id
        near = graph.get(f"{NODES}/{in_path(node_id, slashes=slashes)}/neighbourhood")
        assert near["node_id"] == node_id and node_id in ids(near["nodes"])
        blast = graph.get(f"{NODES}/{in_path(node_id, slashes=slashes)}/blast-radius")
        assert blast["node_id"] == node_id


def test_neighbourhood_follows_direction_and_edge_kinds(graph: Graph) -> None:
    url = f"{NODES}/{in_path(graph.repo.bug_method, slashes=True)}/neighbourhood"
    around = graph.get(url, depth=1)
    assert graph.repo.bug_class in ids(around["nodes"])
    containers = graph.get(url, direction="in", edge_kinds=["contains"])
    assert ids(containers["nodes"]) == {graph.repo.bug_method, graph.repo.bug_class}
    assert all(e["kind"] == "contains" for e in containers["edges"])  # type: ignore[attr-defined]
    wider = graph.get(url, depth=2, direction="in", edge_kinds=["contains"])
    assert f"file:{JAVA_SERVICE_FILE}" in ids(wider["nodes"])
    too_deep = graph.client.get(url, params={"depth": 9}, headers=graph.keys.viewer)
    assert too_deep.status_code == 422


def test_blast_radius_is_nearest_first(graph: Graph) -> None:
    url = f"{NODES}/{in_path(graph.repo.bug_method, slashes=True)}/blast-radius"
    blast = graph.get(url, depth=2)
    data = blast["data"]
    assert isinstance(data, list) and blast["count"] == len(data)
    assert data[0]["node"]["id"] == graph.repo.bug_class and data[0]["via"] == "contains"
    distances = [entry["distance"] for entry in data]
    assert distances == sorted(distances) and max(distances) <= 2
    assert f"service:{graph.repo.service}" in {entry["node"]["id"] for entry in data}


def test_path_takes_ids_as_query_parameters(graph: Graph) -> None:
    service = f"service:{graph.repo.service}"
    found = graph.get("/api/v1/graph/path", src=service, dst=graph.repo.bug_method)
    path = found["path"]
    assert isinstance(path, dict)
    assert path["nodes"][0]["id"] == service
    assert path["nodes"][-1]["id"] == graph.repo.bug_method
    assert len(path["edges"]) == len(path["nodes"]) - 1
    # Nothing leads into a repository node along the edges: directed, no path.
    none = graph.get(
        "/api/v1/graph/path",
        src=f"file:{JAVA_SERVICE_FILE}",
        dst="repository:order-service",
        directed=True,
    )
    assert none["path"] is None
    undirected = graph.get(
        "/api/v1/graph/path", src=f"file:{JAVA_SERVICE_FILE}", dst="repository:order-service"
    )
    assert undirected["path"] is not None


def test_unknown_and_malformed_ids(graph: Graph) -> None:
    viewer = graph.keys.viewer
    unknown = graph.client.get(f"{NODES}/class:com.nowhere.Nothing", headers=viewer)
    assert unknown.status_code == 404 and "graph/nodes?q=" in unknown.json()["detail"]
    for suffix in ("/neighbourhood", "/blast-radius"):
        response = graph.client.get(f"{NODES}/class:com.nowhere.Nothing{suffix}", headers=viewer)
        assert response.status_code == 404
    malformed = graph.client.get(f"{NODES}/planet:mars/neighbourhood", headers=viewer)
    assert malformed.status_code == 422 and "<kind>:<key>" in malformed.json()["detail"]
    path = graph.client.get(
        "/api/v1/graph/path",
        params={"src": "service:order-service", "dst": "table:nowhere"},
        headers=viewer,
    )
    assert path.status_code == 404
    assert graph.client.get("/api/v1/graph/counts").status_code == 401
