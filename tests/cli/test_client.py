"""The CLI as a client, against the real app served by uvicorn on a loopback port."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from tests.api.conftest import Keys, make_keys, sample_files
from tests.api.secured import secured_app
from warroom.cli.client import ClientConfig, debates_app, incidents_app, reports_app
from warroom.config import Settings
from warroom.samples import load_sample_manifest

SECRET = "Sup3rS3cretValue"


def root_app() -> typer.Typer:
    """The root command as `warroom` wires it: --server and --key into ``ctx.obj``."""
    app = typer.Typer()

    @app.callback()
    def main(
        ctx: typer.Context,
        server: Annotated[str, typer.Option()] = "http://127.0.0.1:8000",
        key: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        ctx.obj = ClientConfig(server=server, key=key, timeout_s=10)

    app.add_typer(incidents_app, name="incidents")
    app.add_typer(debates_app, name="debates")
    app.add_typer(reports_app, name="reports")
    return app


class Served:
    def __init__(self, url: str, keys: Keys) -> None:
        self.url = url
        self.keys = keys

    def run(self, *args: str, role: str = "responder") -> typer.testing.Result:
        argv = ["--server", self.url, "--key", self.keys.secrets[role], *args]
        return CliRunner().invoke(root_app(), argv)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    keys = make_keys(settings)
    config = uvicorn.Config(
        secured_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(f"http://127.0.0.1:{port}", keys)
    finally:
        server.should_exit = True
        thread.join(10)


def test_incidents_create_list_and_show(served: Served) -> None:
    created = served.run(
        "incidents",
        "create",
        "--title",
        "checkout down",
        "--at",
        "2026-03-14T14:07:00Z",
        "--severity",
        "critical",
    )
    assert created.exit_code == 0, created.output
    incident_id = created.stdout.strip().splitlines()[-1]
    listed = served.run("incidents", "list", "--json", role="viewer")
    assert listed.exit_code == 0, listed.output
    page = json.loads(listed.stdout)
    assert [i["id"] for i in page["data"]] == [incident_id]
    table = served.run("incidents", "list", role="viewer")
    assert "checkout down" in table.stdout
    shown = served.run("incidents", "show", incident_id, role="viewer")
    assert shown.exit_code == 0
    assert "checkout down" in shown.stdout and "critical" in shown.stdout


def test_server_error_prints_its_detail_and_exits_2(served: Served) -> None:
    missing = served.run("incidents", "show", "inc_nope", role="viewer")
    assert missing.exit_code == 2
    assert "404" in missing.output and "no incident with id 'inc_nope'" in missing.output
    forbidden = served.run(
        "incidents", "create", "--title", "x", "--at", "2026-03-14T14:07:00Z", role="viewer"
    )
    assert forbidden.exit_code == 2
    assert "role responder or higher" in forbidden.output
    bad_key = CliRunner().invoke(
        root_app(), ["--server", served.url, "--key", "wr_0_nope", "incidents", "list"]
    )
    assert bad_key.exit_code == 2
    assert "401" in bad_key.output and "not valid" in bad_key.output


def test_unreachable_server_exits_2_with_a_clear_message() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(
        root_app(), ["--server", f"http://127.0.0.1:{port}", "--key", "k", "incidents", "list"]
    )
    assert result.exit_code == 2
    assert f"could not reach the warroom server at http://127.0.0.1:{port}" in result.output
    assert "warroom serve" in result.output


def test_start_watch_and_export_a_debate_end_to_end(served: Served, tmp_path: Path) -> None:
    manifest = load_sample_manifest()
    created = served.run(
        "incidents",
        "create",
        "--title",
        manifest["title"],
        "--at",
        manifest["alert_time"],
        "--window",
        manifest["window"],
    )
    incident_id = created.stdout.strip().splitlines()[-1]
    files = [str(p) for p in sample_files()]
    # A secret in an uploaded log never comes back in the report.
    dirty = tmp_path / "extra.log"
    dirty.write_text(
        f"{manifest['alert_time'].replace('T', ' ').rstrip('Z')} ERROR login password={SECRET}\n"
    )
    uploaded = served.run("incidents", "upload", incident_id, *files, str(dirty))
    assert uploaded.exit_code == 0, uploaded.output

    started = served.run("debates", "start", incident_id)
    assert started.exit_code == 0, started.output
    run_id = started.stdout.strip().splitlines()[-1]

    watched = served.run("debates", "watch", run_id, role="viewer")
    assert watched.exit_code == 0, watched.output
    lines = watched.stdout.splitlines()
    assert any("status" in line and "running" in line for line in lines)
    assert any("verdict" in line for line in lines)
    assert f"debate {run_id} succeeded" in lines[-1]
    seqs = [int(line.split("#")[1].split()[0]) for line in lines if " #" in line]
    assert seqs == sorted(set(seqs)) and seqs[0] == 0

    for fmt in ("md", "html", "json"):
        target = tmp_path / f"report.{fmt}"
        exported = served.run(
            "reports", "export", incident_id, "--format", fmt, "--out", str(target), role="viewer"
        )
        assert exported.exit_code == 0, exported.output
        text = target.read_text()
        assert manifest["expected"]["component"] in text
        assert SECRET not in text
    assert json.loads((tmp_path / "report.json").read_text())["verdict"]


def test_export_before_any_debate_says_what_to_do(served: Served, tmp_path: Path) -> None:
    created = served.run("incidents", "create", "--title", "t", "--at", "2026-03-14T14:07:00Z")
    incident_id = created.stdout.strip().splitlines()[-1]
    result = served.run(
        "reports", "export", incident_id, "--format", "md", "--out", str(tmp_path / "r.md")
    )
    assert result.exit_code == 2
    assert "has no report" in result.output and "start a debate" in result.output
    assert not (tmp_path / "r.md").exists()


def test_watch_of_an_unknown_run_exits_2(served: Served) -> None:
    result = served.run("debates", "watch", "run_nope", role="viewer")
    assert result.exit_code == 2
    assert "no debate or run with id 'run_nope'" in result.output
