"""Indexing the sample repositories: nodes and edges per the graph contract, errors, stats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.assets.repos import (
    ALICE,
    JAVA_SERVICE_FILE,
    Author,
    GitWriter,
    SampleRepo,
    build_java_repo,
    build_python_repo,
)
from warroom.assets.development import AssetInputError, RepoIndex, index_repository
from warroom.domain.graph import EdgeKind, GraphFragment, NodeKind


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRepo, RepoIndex]:
    repo = build_java_repo(tmp_path_factory.mktemp("java"))
    return repo, index_repository(repo.path)


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRepo, RepoIndex]:
    repo = build_python_repo(tmp_path_factory.mktemp("python"))
    return repo, index_repository(repo.path)


def ids(fragment: GraphFragment, kind: NodeKind) -> set[str]:
    return {n.id for n in fragment.nodes if n.kind is kind}


def edges(fragment: GraphFragment, kind: EdgeKind) -> set[tuple[str, str]]:
    return {(e.src, e.dst) for e in fragment.edges if e.kind is kind}


def test_java_classes_methods_and_roles(java: tuple[SampleRepo, RepoIndex]) -> None:
    repo, index = java
    f = index.fragment
    assert ids(f, NodeKind.CLASS) == {
        "class:com.shop.order.domain.Order",
        "class:com.shop.order.domain.OrderLine",
        "class:com.shop.order.repository.OrderRepository",
        "class:com.shop.order.service.OrderService",
        "class:com.shop.order.service.OrderServiceImpl",
        "class:com.shop.order.web.OrderController",
    }
    roles = {n.id: n.attrs.get("role") for n in f.nodes if n.kind is NodeKind.CLASS}
    assert roles["class:com.shop.order.web.OrderController"] == "controller"
    assert roles["class:com.shop.order.service.OrderServiceImpl"] == "service"
    assert roles["class:com.shop.order.repository.OrderRepository"] == "repository"
    assert roles["class:com.shop.order.domain.Order"] == "entity"
    method = f.node(repo.bug_method)
    assert method is not None
    assert method.attrs["file"] == repo.bug_file
    assert method.attrs["start_line"] <= repo.bug_line <= method.attrs["end_line"]
    assert (repo.bug_class, repo.bug_method) in edges(f, EdgeKind.CONTAINS)
    assert (f"file:{repo.bug_file}", repo.bug_class) in edges(f, EdgeKind.CONTAINS)


def test_java_endpoints_tables_entities_and_aggregates(java: tuple[SampleRepo, RepoIndex]) -> None:
    repo, index = java
    f = index.fragment
    assert ids(f, NodeKind.ENDPOINT) == {
        "endpoint:GET /api/orders/{}",
        "endpoint:POST /api/orders",
        "endpoint:POST /api/orders/{}/cancel",
    }
    assert (
        "method:com.shop.order.web.OrderController#create",
        repo.endpoint,
    ) in edges(f, EdgeKind.HANDLES)
    assert ids(f, NodeKind.TABLE) == {"table:orders", "table:order_line"}
    assert ids(f, NodeKind.ENTITY) == {"entity:Order", "entity:OrderLine"}
    # Order has a repository: a root; OrderLine has none and Order refers to it: a member.
    assert ids(f, NodeKind.AGGREGATE) == {"aggregate:Order"}
    contains = edges(f, EdgeKind.CONTAINS)
    assert ("aggregate:Order", "entity:OrderLine") in contains
    assert ("aggregate:Order", "entity:Order") in contains
    maps = edges(f, EdgeKind.MAPS_TO)
    assert ("class:com.shop.order.domain.Order", "table:orders") in maps
    assert ("entity:OrderLine", "table:order_line") in maps
    assert ("aggregate:Order", "table:orders") in maps
    depends = edges(f, EdgeKind.DEPENDS_ON)
    assert (repo.bug_class, "class:com.shop.order.repository.OrderRepository") in depends
    assert ("method:com.shop.order.service.OrderServiceImpl#placeOrder", "table:orders") in edges(
        f, EdgeKind.WRITES
    )
    assert ("method:com.shop.order.service.OrderServiceImpl#findOrder", "table:orders") in edges(
        f, EdgeKind.READS
    )


def test_java_service_commits_people_and_owners(java: tuple[SampleRepo, RepoIndex]) -> None:
    repo, index = java
    f = index.fragment
    assert ids(f, NodeKind.SERVICE) == {"service:order-service"}  # ${APP_NAME:order-service}
    assert ("class:com.shop.order.domain.Order", "service:order-service") in edges(
        f, EdgeKind.BELONGS_TO
    )
    assert ids(f, NodeKind.COMMIT) == {f"commit:{sha}" for sha in repo.commits}
    bug = f.node(f"commit:{repo.bug_commit}")
    assert bug is not None
    assert bug.attrs["author"] == "dave@shop.example"
    assert bug.attrs["summary"] == "Loyalty discount by tier"
    assert datetime.fromisoformat(bug.attrs["authored_at"]) == repo.dates[3]
    assert bug.attrs["files"] == [{"path": repo.bug_file, "added": 2, "deleted": 0}]
    assert ("person:dave@shop.example", f"commit:{repo.bug_commit}") in edges(f, EdgeKind.AUTHORED)
    assert (f"commit:{repo.bug_commit}", f"file:{repo.bug_file}") in edges(f, EdgeKind.MODIFIED)
    owns = edges(f, EdgeKind.OWNS)
    assert (repo.team, f"file:{repo.bug_file}") in owns
    assert ("team:shop/platform-team", "file:pom.xml") in owns
    assert ("person:alice", "file:src/main/resources/application.yml") in owns
    assert ("person:carol@shop.example", "file:docs/orders.md") in owns
    assert (repo.team, "service:order-service") in owns
    # Bob wrote most of the service's lines; the main author owns the file too.
    assert ("person:bob@shop.example", f"file:{repo.bug_file}") in owns
    assert ids(f, NodeKind.REPOSITORY) == {"repository:order-service"}


def test_java_stats_count_what_was_indexed(java: tuple[SampleRepo, RepoIndex]) -> None:
    _, index = java
    s = index.stats
    assert (s.files, s.files_parsed, s.classes, s.commits) == (10, 6, 6, 5)
    assert s.endpoints == 3 and s.tables == 2
    assert s.methods == 16
    assert s.seconds > 0
    assert index.errors == []


def test_python_classes_endpoints_tables_and_owners(python: tuple[SampleRepo, RepoIndex]) -> None:
    repo, index = python
    f = index.fragment
    assert {
        "class:app.models.Item",
        "class:app.models.StockMove",
        "class:app.repository.ItemRepository",
        "class:app.service.StockService",
    } <= ids(f, NodeKind.CLASS)
    assert ids(f, NodeKind.ENDPOINT) == {
        "endpoint:GET /api/items/{}",
        "endpoint:POST /api/items/{}/reserve",
        "endpoint:DELETE /api/items/{}/reserve",
        "endpoint:GET /health",
    }
    handles = edges(f, EdgeKind.HANDLES)
    assert ("method:app.routers.items#reserve_item", repo.endpoint) in handles
    assert ids(f, NodeKind.TABLE) == {"table:items", "table:stock_moves"}
    assert ("class:app.models.Item", "table:items") in edges(f, EdgeKind.MAPS_TO)
    assert (repo.bug_class, "class:app.repository.ItemRepository") in edges(f, EdgeKind.DEPENDS_ON)
    assert index.code.method_tables["app.service.StockService#reserve"] == [repo.table]
    assert ids(f, NodeKind.SERVICE) == {"service:inventory-service"}
    owns = edges(f, EdgeKind.OWNS)
    assert (repo.team, f"file:{repo.bug_file}") in owns
    assert ("person:dba-dan", "file:app/db.py") in owns  # the later, narrower rule
    assert ("team:acme/platform", "file:pyproject.toml") in owns
    assert index.errors == []


def test_a_file_with_a_syntax_error_is_reported_and_the_rest_indexes(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    git.commit(
        {
            "src/Good.java": "package p;\npublic class Good { void ok() {} }\n",
            "src/Bad.java": "package p;\npublic class Bad {\n  void broken( {\n}\n",
            "tool.py": "def fine():\n    return 1\n",
        },
        ALICE,
        datetime(2024, 1, 1, tzinfo=UTC),
        "mixed",
    )
    index = index_repository(git.path)
    assert [(e.path, e.reason) for e in index.errors] == [
        ("src/Bad.java", "syntax error at line 3")
    ]
    assert {"class:p.Good"} == ids(index.fragment, NodeKind.CLASS)
    assert "method:tool#fine" in ids(index.fragment, NodeKind.METHOD)
    assert "file:src/Bad.java" in ids(index.fragment, NodeKind.FILE)
    assert index.stats.files_parsed == 2


def test_a_path_that_is_not_a_git_repository_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(AssetInputError, match="not a git repository"):
        index_repository(tmp_path / "plain")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(AssetInputError, match="a file"):
        index_repository(tmp_path / "file.txt")


def test_a_negative_commit_bound_is_an_input_error(java: tuple[SampleRepo, RepoIndex]) -> None:
    repo, _ = java
    with pytest.raises(AssetInputError, match="max_commits"):
        index_repository(repo.path, max_commits=-1)


def test_a_folder_inside_a_repository_indexes_only_that_folder(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "mono")
    when = datetime(2024, 1, 1, tzinfo=UTC)
    git.commit(
        {
            "billing/go.mod": "module example.com/shop/billing/v2\n\ngo 1.22\n",
            "billing/main.go": "package main\n\nfunc main() {}\n",
            "orders/pyproject.toml": '[project]\nname = "orders"\n',
            "orders/app.py": "def run():\n    pass\n",
        },
        ALICE,
        when,
        "two services",
    )
    git.commit({"orders/app.py": "def run():\n    return 1\n"}, ALICE, when, "orders only")
    index = index_repository(git.path / "billing")
    assert index.prefix == "billing"
    assert ids(index.fragment, NodeKind.FILE) == {"file:billing/go.mod", "file:billing/main.go"}
    assert ids(index.fragment, NodeKind.SERVICE) == {"service:billing"}
    assert index.stats.commits == 1  # the commit that touched only orders/ is not billing's
    whole = index_repository(git.path)
    assert ids(whole.fragment, NodeKind.SERVICE) == {"service:billing", "service:orders"}


def test_service_argument_names_the_whole_repository(tmp_path: Path) -> None:
    repo = build_python_repo(tmp_path)
    index = index_repository(repo.path, service="stock", max_commits=2)
    assert ids(index.fragment, NodeKind.SERVICE) == {"service:stock"}
    assert index.stats.commits == 2


def test_codeowners_in_github_folder_comes_before_the_root_one(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    git.commit(
        {
            "CODEOWNERS": "* @org/root-team\n",
            ".github/CODEOWNERS": "* @org/github-team\n",
            "a.py": "x = 1\n",
        },
        Author("A", "a@example.com"),
        datetime(2024, 1, 1, tzinfo=UTC),
        "owners",
    )
    index = index_repository(git.path)
    assert index.owners.source == ".github/CODEOWNERS"
    assert index.owners_of("a.py") == ["team:org/github-team", "person:a@example.com"]


def test_progress_is_reported_for_parsed_files(java: tuple[SampleRepo, RepoIndex]) -> None:
    repo, _ = java
    calls: list[tuple[int, int]] = []
    index_repository(repo.path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6)


def test_parsing_in_a_process_pool_gives_the_same_graph(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "many")
    files = {
        f"src/p{i % 7}/C{i}.java": f"package p{i % 7};\npublic class C{i} {{ void m{i}() {{}} }}\n"
        for i in range(450)
    }
    git.commit(files, ALICE, datetime(2024, 1, 1, tzinfo=UTC), "many classes")
    single = index_repository(git.path, workers=1)
    pooled = index_repository(git.path, workers=2)
    assert single.stats.classes == pooled.stats.classes == 450
    assert {n.id for n in single.fragment.nodes} == {n.id for n in pooled.fragment.nodes}


def test_main_author_is_who_changed_most_lines(java: tuple[SampleRepo, RepoIndex]) -> None:
    _, index = java
    counts = index.authors[JAVA_SERVICE_FILE]
    assert counts.most_common(1)[0][0] == "bob@shop.example"
