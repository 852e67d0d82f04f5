"""What the browser tests share: paths, timeouts, and a `warroom serve` subprocess.

`start_server` runs the real CLI (`warroom keys create`, `warroom serve`) with the same
interpreter as the tests, over a data directory of its own and with none of the developer's
``WARROOM_*`` variables, so the server uses a fresh SQLite store and never a real model.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_INDEX = ROOT / "src" / "warroom" / "api" / "ui_dist" / "index.html"
SCREENSHOTS = ROOT / "build" / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The machine running these is slow and shared: waits are generous, and none is a fixed sleep.
TIMEOUT_MS = 60_000
DEBATE_TIMEOUT_MS = 240_000
STARTUP_TIMEOUT_S = 90.0
ROLES = ("admin", "responder", "viewer")
_CLI = "import sys; from warroom.cli import main; sys.argv[0] = 'warroom'; main()"


@dataclass
class Server:
    """A running `warroom serve`: its URL, data directory and one API key per role."""

    base_url: str
    data_dir: Path
    keys: dict[str, str]
    log: Path

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def client(self, role: str = "admin") -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=self.headers(role), timeout=60.0)


@dataclass
class Flow:
    """What the ordered tests hand on to each other (ids made by an earlier step)."""

    values: dict[str, str] = field(default_factory=dict)

    def need(self, name: str) -> str:
        """The value an earlier step stored; skips when that step did not get that far."""
        if name not in self.values:
            pytest.skip(f"an earlier step did not produce {name!r}; see its failure above")
        return self.values[name]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(data_dir: Path) -> dict[str, str]:
    """The test process' environment without any ``WARROOM_*`` of the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("WARROOM_")}
    env["WARROOM_DATA_DIR"] = str(data_dir)
    env["WARROOM_ALLOW_MODEL_REQUESTS"] = "false"
    return env


def create_key(role: str, env: dict[str, str], cwd: Path) -> str:
    """`warroom keys create` prints the secret alone on stdout (the note goes to stderr)."""
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "keys", "create", "--role", role, "--name", f"e2e-{role}"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or len(lines) != 1 or not lines[0].startswith("wr_"):
        raise RuntimeError(
            f"`warroom keys create --role {role}` answered {done.returncode}: "
            f"stdout {done.stdout!r}, stderr {done.stderr[-2000:]!r}"
        )
    return lines[0]


def _wait_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    """Poll ``/api/v1/health`` until it answers 200; fail with the server's log if the
    process exits or the deadline passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with httpx.Client(base_url=base_url, timeout=5.0) as client:
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                if client.get("/api/v1/health").status_code == 200:
                    return
            time.sleep(0.25)  # the poll interval of a readiness check, not a timing assumption
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(
        f"`warroom serve` did not become healthy at {base_url} "
        f"(exit code {process.poll()}); its log ends:\n{tail}"
    )


@contextlib.contextmanager
def start_server(home: Path) -> Iterator[Server]:
    """`warroom serve` on a free loopback port over ``home/data``, with a key per role;
    stopped (SIGTERM, then SIGKILL) on exit."""
    data_dir = home / "data"
    env = server_env(data_dir)
    keys = {role: create_key(role, env, home) for role in ROLES}
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = home / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", _CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=home,  # no warroom.toml of the developer's
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(process, base_url, log)
        yield Server(base_url=base_url, data_dir=data_dir, keys=keys, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
