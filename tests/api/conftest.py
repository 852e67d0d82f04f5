"""A live app over a fresh SQLite store per test, and one API key per role."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from warroom.api import Limits, create_app
from warroom.config import Settings
from warroom.samples import load_sample_manifest, sample_path
from warroom.store import KeyRole, open_store

# The sample's largest file is under 1 MiB and all of it under 4 MiB.
FILE_LIMIT = 1024 * 1024
REQUEST_LIMIT = 8 * 1024 * 1024


class Keys:
    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[role]}"}

    @property
    def viewer(self) -> dict[str, str]:
        return self.headers("viewer")

    @property
    def responder(self) -> dict[str, str]:
        return self.headers("responder")

    @property
    def admin(self) -> dict[str, str]:
        return self.headers("admin")


def make_keys(settings: Settings) -> Keys:
    async def create() -> dict[str, str]:
        store = await open_store(settings)
        try:
            made = {}
            for role in KeyRole:
                _, secret = await store.create_api_key(role=role, name=f"test-{role.value}")
                made[role.value] = secret
            return made
        finally:
            await store.close()

    return Keys(asyncio.run(create()))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=None)


@pytest.fixture
def keys(settings: Settings) -> Keys:
    return make_keys(settings)


@pytest.fixture
def client(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    app = create_app(
        settings,
        limits=Limits(
            max_upload_bytes=FILE_LIMIT, max_upload_request_bytes=REQUEST_LIMIT, heartbeat_s=1.0
        ),
    )
    with TestClient(app) as test_client:
        yield test_client


def sample_incident_body() -> dict[str, object]:
    manifest = load_sample_manifest()
    return {
        "title": manifest["title"],
        "description": manifest["description"],
        "severity": manifest["severity"],
        "alert_time": manifest["alert_time"],
        "window": manifest["window"],
        "metadata": {"teams": manifest["teams"], "alert": manifest["alert"]},
    }


def sample_files() -> list[Path]:
    root = sample_path()
    return sorted(p for sub in ("logs", "metrics", "traces") for p in (root / sub).iterdir())


def upload_sample(client: TestClient, keys: Keys, incident_id: str) -> list[dict[str, object]]:
    files = [
        ("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sample_files()
    ]
    response = client.post(
        "/api/v1/assets/runtime",
        data={"incident_id": incident_id},
        files=files,
        headers=keys.responder,
    )
    assert response.status_code == 201, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data
