"""`warroom keys ...` and `warroom serve`, through Typer's runner."""

from __future__ import annotations

import asyncio
from pathlib import Path
from unittest.mock import patch

import pytest
from typer.testing import CliRunner

from warroom.cli.serve import keys_app, serve_app
from warroom.config import Settings
from warroom.store import open_store


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_keys_create_prints_a_working_key_once(data_dir: Path) -> None:
    result = CliRunner().invoke(keys_app, ["create", "--role", "admin", "--name", "ops"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("wr_")

    async def verify() -> str | None:
        store = await open_store(Settings(data_dir=data_dir))
        try:
            info = await store.verify_api_key(plaintext=secret)
            return f"{info.name}/{info.role.value}" if info else None
        finally:
            await store.close()

    assert asyncio.run(verify()) == "ops/admin"
    listed = CliRunner().invoke(keys_app, ["list"])
    assert "ops" in listed.stdout and secret not in listed.stdout


def test_keys_create_refuses_an_unknown_role(data_dir: Path) -> None:
    result = CliRunner().invoke(keys_app, ["create", "--role", "root"])
    assert result.exit_code == 2
    assert (
        "admin, responder or viewer" in result.output.replace("\n", " ")
        or "viewer" in result.output
    )


def test_keys_revoke_of_unknown_key_exits_2(data_dir: Path) -> None:
    result = CliRunner().invoke(keys_app, ["revoke", "key_nothing"])
    assert result.exit_code == 2
    assert "no API key with id 'key_nothing'" in result.output


def test_serve_runs_uvicorn_on_the_given_host_and_port(data_dir: Path) -> None:
    with patch("uvicorn.run") as run:
        result = CliRunner().invoke(serve_app, ["--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    _, kwargs = run.call_args
    assert (kwargs["host"], kwargs["port"]) == ("0.0.0.0", 8123)
