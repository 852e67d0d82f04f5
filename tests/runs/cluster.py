"""Test helpers for runs on workers: a shared store, blob folder and Redis prefix, the
packaged sample outage as an incident, and a slow loopback model."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tests.services import RedisService, start_worker
from warroom.config import Settings
from warroom.domain import Asset, AssetKind, Incident, RunEvent, RunEventType, TimeWindow
from warroom.domain.incident import Severity
from warroom.llm.testing import ScriptedOpenAIServer, ScriptedReply
from warroom.runs import Broadcaster, InvestigationWork
from warroom.runs.celery_runner import CeleryRunner
from warroom.samples import load_sample_manifest, sample_path
from warroom.store import BlobStore, Store, open_store


@dataclass
class Cluster:
    """One test's shared store, blob folder and Redis prefix, as the API and workers see them."""

    settings: Settings
    store: Store
    redis: RedisService
    prefix: str
    tmp: Path

    def worker_env(self, model_url: str | None = None) -> dict[str, str]:
        env = {
            "WARROOM_DATABASE_URL": str(self.settings.database_url),
            "WARROOM_DATA_DIR": str(self.settings.data_dir),
        }
        if model_url:
            env |= {
                "WARROOM_LLM_BASE_URL": model_url,
                "WARROOM_LLM_MODEL": "scripted",
                "WARROOM_LLM_MAX_RETRIES": "0",
                "WARROOM_LLM_TIMEOUT_S": "20",
            }
        return env

    def worker(self, name: str, model_url: str | None = None) -> subprocess.Popen[bytes]:
        return start_worker(
            self.redis.url, self.prefix, self.worker_env(model_url), self.tmp / f"{name}.log"
        )

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("*.log")))

    def runner(self, broadcaster: Broadcaster) -> CeleryRunner:
        return CeleryRunner(self.store, broadcaster, broker_url=self.redis.url, prefix=self.prefix)


async def open_cluster(
    tmp_path: Path, postgres_url: str, redis_server: RedisService
) -> AsyncIterator[Cluster]:
    """A ``Cluster`` over the session's PostgreSQL database and Redis; closes its store."""
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    store = await open_store(settings)
    try:
        yield Cluster(
            settings, store, redis_server, f"{redis_server.prefix}:{secrets.token_hex(4)}", tmp_path
        )
    finally:
        await store.close()


async def sample_work(cluster: Cluster, rounds: int | None = None) -> InvestigationWork:
    """The packaged sample outage as an incident with runtime assets in the shared store."""
    manifest = load_sample_manifest()
    alert = datetime.fromisoformat(str(manifest["alert_time"]).replace("Z", "+00:00"))
    incident = await cluster.store.add_incident(
        incident=Incident(
            title=str(manifest["title"]),
            severity=Severity(manifest["severity"]),
            alert_time=alert,
            window=TimeWindow.around(alert, timedelta(minutes=30)),
            metadata={"alert": manifest["alert"]},
        )
    )
    blobs = BlobStore(cluster.settings.blob_dir)
    root = sample_path()
    assets = []
    for sub, kind in (
        ("logs", AssetKind.LOGS),
        ("metrics", AssetKind.METRICS),
        ("traces", AssetKind.SPANS),
    ):
        for path in sorted((root / sub).iterdir()):
            sha, size = blobs.put_file(path)
            assets.append(
                await cluster.store.add_asset(
                    asset=Asset(
                        incident_id=incident.id, kind=kind, name=path.name, sha256=sha, size=size
                    )
                )
            )
    run_id = await cluster.store.create_run(incident_id=incident.id, kind="investigation")
    return InvestigationWork(
        store=cluster.store,
        blobs=blobs,
        settings=cluster.settings,
        run_id=run_id,
        incident=incident,
        assets=assets,
        rounds=rounds,
    )


async def wait_for(store: Store, run_id: str, *, timeout_s: float, logs: str = "") -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        run = await store.get_run(run_id=run_id)
        if run is not None and run.status.finished:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish within {timeout_s} s")


def slow_model(delay_s: float, replies: int = 60) -> ScriptedOpenAIServer:
    """A loopback model that thinks ``delay_s`` per request, then refuses (HTTP 400): each role
    falls back to the offline reasoner at once, so the debate's result stays deterministic."""
    server = ScriptedOpenAIServer()
    server.enqueue(
        *[ScriptedReply.status_error(400, "scripted refusal").delayed(delay_s)] * replies
    )
    return server


async def collect(stream: AsyncIterator[object]) -> list[object]:
    return [item async for item in stream]


async def until_event(
    store: Store, run_id: str, type: RunEventType, *, timeout_s: float, count: int = 1
) -> list[RunEvent]:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        events = await store.events(run_id=run_id)
        if sum(e.type == type for e in events) >= count:
            return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"run {run_id}: fewer than {count} {type} events after {timeout_s} s")
