"""Runs read the stored development and design sources, and save the incident's graph."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.assets.repos import (
    ALICE,
    JAVA_AT,
    GitWriter,
    SampleRepo,
    build_java_repo,
    write_incident_logs,
)
from tests.runs.cluster import Cluster, collect
from tests.services import stop_worker
from warroom.assets.design import load_design
from warroom.assets.development import AssetInputError, index_repository
from warroom.config import Settings
from warroom.domain import Asset, AssetKind, Incident, RunEvent, RunEventType, TimeWindow
from warroom.runs import Broadcaster, InvestigationWork, RunJob, StreamEnd, follow_run
from warroom.runs.knowledge import RepoCache, stored_knowledge
from warroom.store import BlobStore, GraphSourceKind, Store, open_store

DESIGN = Path(__file__).parents[1] / "assets" / "design" / "data"


class ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[RunEventType, str | None, dict[str, Any]]] = []

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        self.events.append((type, role, payload))

    def step(self, name: str) -> dict[str, Any]:
        return next(p for t, _, p in self.events if t == RunEventType.STEP and p["step"] == name)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(Settings(data_dir=tmp_path / "data", database_url=None))
    try:
        yield opened
    finally:
        await opened.close()


async def save_repository(store: Store, location: Path, **stats: Any) -> str:
    index = index_repository(location)
    return await store.save_graph_source(
        kind=GraphSourceKind.REPOSITORY,
        location=str(location),
        fragment=index.fragment,
        stats={"head": index.head, **stats},
    )


async def java_work(
    store: Store, blobs: BlobStore, repo: SampleRepo, logs: Path, settings: Settings
) -> InvestigationWork:
    incident = await store.add_incident(
        incident=Incident(
            title="orders failing",
            alert_time=JAVA_AT,
            window=TimeWindow.around(JAVA_AT, timedelta(minutes=30)),
        )
    )
    log_file = logs / f"{repo.service}.log"
    sha, size = blobs.put_file(log_file)
    asset = await store.add_asset(
        asset=Asset(
            incident_id=incident.id, kind=AssetKind.LOGS, name=log_file.name, sha256=sha, size=size
        )
    )
    run_id = await store.create_run(incident_id=incident.id, kind="investigation")
    return InvestigationWork(
        store=store,
        blobs=blobs,
        settings=settings,
        run_id=run_id,
        incident=incident,
        assets=[asset],
    )


# --- the repository cache ---------------------------------------------------------------------


def test_cache_indexes_once_per_head_and_again_after_a_commit(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    when = datetime(2024, 1, 1, tzinfo=UTC)
    git.commit({"app/main.py": "def main():\n    return 1\n"}, ALICE, when, "first")
    cache = RepoCache(size=2)
    first = cache.get(git.path, service="svc")
    assert cache.get(git.path, service="svc") is first and cache.builds == 1
    # Other options are another index.
    assert cache.get(git.path, service="other") is not first and cache.builds == 2
    git.commit({"app/more.py": "X = 2\n"}, ALICE, when + timedelta(hours=1), "second")
    second = cache.get(git.path, service="svc")
    assert second is not first and second.head == git.commits[-1] and cache.builds == 3
    assert len(cache) == 2  # the least recently used entry went out


def test_an_index_put_in_the_cache_is_not_built_again(tmp_path: Path) -> None:
    repo = build_java_repo(tmp_path / "repo")
    index = index_repository(repo.path, service="orders", max_commits=10)
    cache = RepoCache()
    cache.put(repo.path, index, service="orders", max_commits=10)
    assert cache.get(repo.path, service="orders", max_commits=10) is index
    assert cache.builds == 0


def test_cache_refuses_a_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(AssetInputError, match="no such folder"):
        RepoCache().get(tmp_path / "gone", service=None)
    with pytest.raises(ValueError, match="at least 1"):
        RepoCache(size=0)


async def test_concurrent_runs_share_one_index(tmp_path: Path) -> None:
    repo = build_java_repo(tmp_path / "repo")
    cache = RepoCache()
    found = await asyncio.gather(
        *(asyncio.to_thread(cache.get, repo.path, service=None) for _ in range(3))
    )
    assert cache.builds == 1 and all(f is found[0] for f in found)


# --- stored knowledge -------------------------------------------------------------------------


async def test_no_sources_means_no_knowledge(store: Store) -> None:
    assert await stored_knowledge(store, RepoCache()) is None


async def test_stored_sources_become_the_knowledge_and_a_gone_folder_is_noted(
    store: Store, tmp_path: Path
) -> None:
    repo = build_java_repo(tmp_path / "repo")
    await save_repository(store, repo.path)
    gone = build_java_repo(tmp_path / "gone")
    gone_id = await save_repository(store, gone.path)
    shutil.rmtree(gone.path)
    design = load_design([DESIGN])
    await store.save_graph_source(
        kind=GraphSourceKind.DESIGN, location=str(DESIGN), fragment=design.fragment
    )
    knowledge = await stored_knowledge(store, RepoCache())
    assert knowledge is not None
    assert [r.root for r in knowledge.repos] == [repo.path]
    assert any(gone_id in p and "no such folder" in p for p in knowledge.problems)
    assert {n.id for n in knowledge.design.nodes} == {n.id for n in design.fragment.nodes}
    assert len(knowledge.cases) == 2
    assert any(name.startswith("repository order-service") for name in knowledge.names)
    assert f"design {DESIGN}" in knowledge.names


async def test_a_moved_head_is_named_in_the_sources(store: Store, tmp_path: Path) -> None:
    repo = build_java_repo(tmp_path / "repo")
    await save_repository(store, repo.path, head=repo.commits[0])
    knowledge = await stored_knowledge(store, RepoCache())
    assert knowledge is not None
    assert f"stored graph is of {repo.commits[0][:10]}" in knowledge.names[0]


# --- runs -------------------------------------------------------------------------------------


async def test_a_run_links_to_the_stored_repository_and_saves_the_incident_graph(
    store: Store, tmp_path: Path
) -> None:
    repo = build_java_repo(tmp_path / "repo")
    logs = write_incident_logs(repo, tmp_path / "logs", JAVA_AT)
    await save_repository(store, repo.path)
    gone = build_java_repo(tmp_path / "gone")
    gone_id = await save_repository(store, gone.path)
    shutil.rmtree(gone.path)
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    work = await java_work(store, BlobStore(settings.blob_dir), repo, logs, settings)
    sink = ListSink()
    await work(sink)

    step = sink.step("knowledge")
    assert any(s.startswith("repository order-service") for s in step["sources"])
    assert any(gone_id in p for p in step["problems"])
    report = await store.get_report(incident_id=work.incident.id)
    assert report is not None and report.knowledge is not None
    assert report.verdict.suspect_commit == repo.bug_commit
    assert report.knowledge.path is not None
    assert report.knowledge.path.nodes[-1].id == f"commit:{repo.bug_commit}"
    # The incident's graph is a source, so graph queries reach the incident.
    sources = await store.list_graph_sources()
    [incident_source] = [s for s in sources if s.kind is GraphSourceKind.INCIDENT]
    assert incident_source.location == work.incident.id
    assert incident_source.stats["run_id"] == work.run_id
    path = await store.graph_path(
        src=f"incident:{work.incident.id}", dst=repo.bug_method, max_depth=2
    )
    assert path is not None


async def test_a_run_without_stored_sources_is_unchanged(store: Store, tmp_path: Path) -> None:
    repo = build_java_repo(tmp_path / "repo")
    logs = write_incident_logs(repo, tmp_path / "logs", JAVA_AT)
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    work = await java_work(store, BlobStore(settings.blob_dir), repo, logs, settings)
    sink = ListSink()
    await work(sink)
    assert not any(p.get("step") == "knowledge" for _, _, p in sink.events)
    report = await store.get_report(incident_id=work.incident.id)
    assert report is not None and report.knowledge is None
    assert await store.list_graph_sources() == []


@pytest.mark.slow
async def test_a_worker_run_uses_the_stored_repository(cluster: Cluster, tmp_path: Path) -> None:
    repo = build_java_repo(tmp_path / "repo")
    logs = write_incident_logs(repo, tmp_path / "logs", JAVA_AT)
    await save_repository(cluster.store, repo.path)
    work = await java_work(
        cluster.store, BlobStore(cluster.settings.blob_dir), repo, logs, cluster.settings
    )
    broadcaster = Broadcaster()
    runner = cluster.runner(broadcaster)
    worker = cluster.worker("worker")
    try:
        await runner.submit(RunJob(run_id=work.run_id, work=work))
        items = await asyncio.wait_for(
            collect(follow_run(cluster.store, broadcaster, work.run_id, heartbeat_s=2)), 90
        )
    finally:
        await runner.shutdown()
        stop_worker(worker)
    assert items[-1] == StreamEnd("succeeded"), cluster.logs()
    steps = [i.payload for i in items if isinstance(i, RunEvent) and i.type == RunEventType.STEP]
    assert any(p["step"] == "knowledge" and p["links"] > 0 for p in steps)
    report = await cluster.store.get_report(incident_id=work.incident.id)
    assert report is not None and report.verdict.suspect_commit == repo.bug_commit
    incident_node = await cluster.store.graph_node(node_id=f"incident:{work.incident.id}")
    assert incident_node is not None
