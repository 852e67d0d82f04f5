"""Alert webhook load: `warroom serve` in a subprocess, Alertmanager payloads at a fixed rate.

Run: ``python benchmarks/webhook_load.py --rate 1000 --seconds 60 --alerts-per-request 1``.

What it does, all on 127.0.0.1 and bounded in time: starts the server (SQLite in a temporary
data dir), creates an admin key and a webhook token, drives ``GET /api/v1/health`` at the
same request rate as a baseline (the server's floor on this machine), then sends Alertmanager
payloads open-loop at ``--rate`` alerts/s for ``--seconds`` (a mix: mostly new fingerprints,
some repeats, a few recurring groups), stops the server and counts what the store holds:
every accepted alert must be a stored fingerprint or a bump of a stored fingerprint's count.
Requests go out as pre-encoded HTTP/1.1 on keep-alive connections (``Connection``): the
generator shares the two cores with the server and must cost it as little as possible. The
table also gives the server process's CPU time per request (all its threads), which says
more than the rate when other jobs share the machine.

The server helpers (``start_server``, ``create_admin_key``) are reused by
``concurrent_investigations.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.table import Table

console = Console()


# ---------------------------------------------------------------- the server under test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def app_from_env() -> Any:
    """The app ``warroom serve`` builds, for ``uvicorn --factory --workers N``."""
    from warroom.api import create_app
    from warroom.config import Settings

    return create_app(Settings())


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    data_dir: Path


def server_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env["WARROOM_DATA_DIR"] = str(data_dir)
    env.update(extra or {})
    return env


def create_admin_key(env: dict[str, str]) -> str:
    """``warroom keys create --role admin`` against the server's database; the key."""
    done = subprocess.run(
        ["warroom", "keys", "create", "--role", "admin", "--name", "bench"],
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode().strip().splitlines()[-1]


@contextmanager
def start_server(
    data_dir: Path, *, workers: int = 1, env_extra: dict[str, str] | None = None
) -> Iterator[Server]:
    """`warroom serve` (or uvicorn with ``workers`` processes) on a free loopback port;
    stopped (SIGTERM, then SIGKILL after 10 s) when the block ends."""
    env = server_env(data_dir, env_extra)
    port = free_port()
    if workers == 1:
        cmd = ["warroom", "serve", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--log-level", "warning"]
    else:
        here = str(Path(__file__).resolve().parent)
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", here]
        cmd += ["webhook_load:app_from_env", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--workers", str(workers), "--log-level", "warning"]
    # Migrate before serving, so several workers do not race to create the schema.
    create_admin_key(env)
    process = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /api/v1/health within 60 s")
            time.sleep(0.2)
        yield Server(url=url, process=process, env=env, data_dir=data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- the load generator


@dataclass
class Shot:
    """One load phase of one client process: what it sent and what came back."""

    latencies_ms: list[float] = field(default_factory=list)
    requests: int = 0
    alerts_sent: int = 0
    alerts_accepted: int = 0
    duplicates_answered: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    fingerprints: set[str] = field(default_factory=set)
    first_send: float = 0.0
    last_done: float = 0.0
    late_starts: int = 0
    not_sent: int = 0


@dataclass(frozen=True)
class Plan:
    url: str
    token: str
    health: bool
    request_rate: float
    seconds: float
    alerts_per_request: int
    concurrency: int
    groups: int
    repeat_share: float
    new_group_share: float
    client: int
    seed: int


def _payload(plan: Plan, index: int, rng: random.Random, pool: list[str]) -> dict[str, Any]:
    """An Alertmanager v4 body: the alerts of one group, like Alertmanager sends them."""
    if rng.random() < plan.new_group_share:
        group = f'{{}}:{{alertname="burst-{plan.client}-{index}"}}'
    else:
        group = f'{{}}:{{team="t{rng.randrange(plan.groups)}"}}'
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    alerts = []
    for j in range(plan.alerts_per_request):
        if pool and rng.random() < plan.repeat_share:
            fingerprint = rng.choice(pool)
        else:
            fingerprint = f"c{plan.client}r{index}a{j}"
            pool.append(fingerprint)
            if len(pool) > 2000:
                del pool[: len(pool) - 2000]
        kind = rng.randrange(40)
        alerts.append(
            {
                "status": "firing",
                "labels": {
                    "alertname": f"Alert{kind}",
                    "service": f"svc-{kind % 13}",
                    "severity": ("critical", "warning", "info")[kind % 3],
                    "instance": f"10.0.{kind % 7}.{j % 250}:9100",
                },
                "annotations": {"summary": f"Alert{kind} firing on svc-{kind % 13}"},
                "startsAt": now,
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.local/graph",
                "fingerprint": fingerprint,
            }
        )
    return {
        "version": "4",
        "groupKey": group,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.local",
        "alerts": alerts,
    }


class HttpFailure(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


class Connection:
    """One keep-alive HTTP/1.1 connection, requests written as bytes.

    The load generator shares two cores with the server: a full HTTP client spends about a
    millisecond of CPU per request, which at 1,000 requests/s is a core the server loses.
    Pre-encoded requests and a minimal response parser cost a few tens of microseconds.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        try:
            async with asyncio.timeout(30):
                return await self._exchange(raw)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            self.close()
            raise HttpFailure(type(exc).__name__) from exc
        except TimeoutError:
            self.close()
            raise HttpFailure("timeout") from None

    async def _exchange(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            raise HttpFailure("chunked answers are not supported by this load generator")
        body = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def encode_request(method: str, url: str, token: str, body: bytes | None) -> bytes:
    parts = urlsplit(url)
    head = [
        f"{method} {parts.path or '/'} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Authorization: Bearer {token}",
    ]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")


async def _drive(plan: Plan) -> Shot:
    """Open loop: request k is due at start + k / rate; at most ``concurrency`` in flight
    (one keep-alive connection each)."""
    shot = Shot()
    rng = random.Random(plan.seed)
    pool: list[str] = []
    total = max(1, int(plan.request_rate * plan.seconds))
    url = f"{plan.url}/api/v1/health" if plan.health else f"{plan.url}/api/v1/webhooks/alertmanager"
    where = urlsplit(url)
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(plan.concurrency):
        idle.put_nowait(Connection(where.hostname or "127.0.0.1", where.port or 80))

    async def one(
        connection: Connection, raw: bytes, health: bool, alerts: int, fingerprints: list[str]
    ) -> None:
        began = time.perf_counter()
        try:
            status, answer = await connection.request(raw)
            took = (time.perf_counter() - began) * 1000
            if status == (200 if health else 202):
                shot.latencies_ms.append(took)
                shot.alerts_accepted += alerts
                if not health:
                    shot.duplicates_answered += int(json.loads(answer)["duplicates"])
                    shot.fingerprints.update(fingerprints)
            else:
                name = f"HTTP {status}"
                shot.errors[name] = shot.errors.get(name, 0) + 1
        except HttpFailure as exc:
            name = str(exc)
            shot.errors[name] = shot.errors.get(name, 0) + 1
        finally:
            shot.last_done = time.perf_counter()
            idle.put_nowait(connection)

    tasks = []
    start = time.perf_counter()
    shot.first_send = start
    # Bounded in time: what the server could not take by the deadline is not sent.
    deadline = start + plan.seconds
    for k in range(total):
        if time.perf_counter() > deadline:
            shot.not_sent = total - k
            break
        due = start + k / plan.request_rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.01:
            shot.late_starts += 1
        try:  # all connections busy: the open loop falls behind
            connection = await asyncio.wait_for(
                idle.get(), max(0.0, deadline - time.perf_counter())
            )
        except TimeoutError:
            shot.not_sent = total - k
            break
        if plan.health:
            raw = encode_request("GET", url, plan.token, None)
            alerts, prints = 1, []
        else:
            body = _payload(plan, k, rng, pool)
            raw = encode_request("POST", url, plan.token, json.dumps(body).encode())
            alerts, prints = len(body["alerts"]), [a["fingerprint"] for a in body["alerts"]]
        shot.requests += 1
        shot.alerts_sent += alerts
        tasks.append(asyncio.create_task(one(connection, raw, plan.health, alerts, prints)))
        await asyncio.sleep(0)  # let the request go out before preparing the next one
    await asyncio.gather(*tasks)
    for connection in list(idle._queue):  # type: ignore[attr-defined]
        connection.close()
    return shot


def _run_client(plan: Plan) -> Shot:
    return asyncio.run(_drive(plan))


@dataclass
class Phase:
    name: str
    shots: list[Shot]
    server_cpu_s: float = float("nan")

    @property
    def latencies(self) -> list[float]:
        return sorted(x for s in self.shots for x in s.latencies_ms)

    def total(self, get: Callable[[Shot], int]) -> int:
        return sum(get(s) for s in self.shots)

    @property
    def elapsed(self) -> float:
        return max(s.last_done for s in self.shots) - min(s.first_send for s in self.shots)

    def errors(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for s in self.shots:
            for k, v in s.errors.items():
                merged[k] = merged.get(k, 0) + v
        return merged


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and its reaped children, all threads (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """CPU seconds of the server process and its live children (uvicorn workers)."""
    total = cpu_seconds(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        total += sum(cpu_seconds(int(c)) for c in children.read_text().split())
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_phase(plan: Plan, clients: int) -> Phase:
    """The plan split over ``clients`` processes (the load generator needs CPU too)."""
    plans = [
        Plan(
            **{
                **plan.__dict__,
                "request_rate": plan.request_rate / clients,
                "client": i,
                "seed": plan.seed + i,
            }
        )
        for i in range(clients)
    ]
    if clients == 1:
        return Phase("", [_run_client(plans[0])])
    with ProcessPoolExecutor(clients) as pool:
        return Phase("", list(pool.map(_run_client, plans)))


def stored_counts(db: Path) -> tuple[int, int, int]:
    """(distinct fingerprints, sum of counts, incidents) straight from the SQLite file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        distinct, counted = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(count), 0) FROM alerts"
        ).fetchone()
        (incidents,) = conn.execute("SELECT COUNT(*) FROM incidents").fetchone()
    return int(distinct), int(counted), int(incidents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000.0, help="alerts per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--alerts-per-request", type=int, default=1)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64, help="in flight, per client")
    parser.add_argument("--clients", type=int, default=1, help="load generator processes")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--groups", type=int, default=20, help="recurring alert groups")
    parser.add_argument("--repeat-share", type=float, default=0.15)
    parser.add_argument("--new-group-share", type=float, default=0.05)
    args = parser.parse_args()

    request_rate = args.rate / args.alerts_per_request
    with tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        with start_server(data_dir, workers=args.workers) as server:
            console.print(f"server pid {server.process.pid} (for a profiler: py-spy record -p)")
            admin = create_admin_key(server.env)
            made = httpx.post(
                f"{server.url}/api/v1/webhooks/secrets",
                json={"name": "bench"},
                headers={"Authorization": f"Bearer {admin}"},
                timeout=10,
            )
            made.raise_for_status()
            token = made.json()["token"]
            base = Plan(
                url=server.url,
                token=token,
                health=True,
                request_rate=request_rate,
                seconds=args.baseline_seconds,
                alerts_per_request=args.alerts_per_request,
                concurrency=args.concurrency,
                groups=args.groups,
                repeat_share=args.repeat_share,
                new_group_share=args.new_group_share,
                client=0,
                seed=7,
            )
            console.print(
                f"baseline: GET /api/v1/health at {request_rate:g} req/s "
                f"for {args.baseline_seconds:g} s"
            )
            before = server_cpu(server.process.pid)
            health = run_phase(base, args.clients)
            health.server_cpu_s = server_cpu(server.process.pid) - before
            hook = Plan(**{**base.__dict__, "health": False, "seconds": args.seconds})
            console.print(
                f"load: {args.rate:g} alerts/s ({args.alerts_per_request} per "
                f"request) for {args.seconds:g} s"
            )
            before = server_cpu(server.process.pid)
            hooks = run_phase(hook, args.clients)
            hooks.server_cpu_s = server_cpu(server.process.pid) - before
        distinct, counted, incidents = stored_counts(data_dir / "warroom.db")

    fingerprints = set().union(*(s.fingerprints for s in hooks.shots))
    table = Table(
        title=f"webhook load: {args.rate:g} alerts/s target, "
        f"{args.alerts_per_request} alert(s)/request, {args.seconds:g} s, "
        f"{args.workers} server worker(s), {os.cpu_count()} CPUs"
    )
    table.add_column("measure")
    table.add_column("GET /health (baseline)", justify="right")
    table.add_column("POST /webhooks/alertmanager", justify="right")
    for_both: list[tuple[str, Callable[[Phase], str]]] = [
        ("requests sent", lambda p: f"{p.total(lambda s: s.requests):,}"),
        ("alerts sent", lambda p: f"{p.total(lambda s: s.alerts_sent):,}"),
        ("alerts accepted", lambda p: f"{p.total(lambda s: s.alerts_accepted):,}"),
        ("achieved req/s", lambda p: f"{p.total(lambda s: s.requests) / p.elapsed:,.0f}"),
        ("achieved alerts/s", lambda p: f"{p.total(lambda s: s.alerts_accepted) / p.elapsed:,.0f}"),
        ("latency p50 ms", lambda p: f"{percentile(p.latencies, 0.50):.1f}"),
        ("latency p95 ms", lambda p: f"{percentile(p.latencies, 0.95):.1f}"),
        ("latency p99 ms", lambda p: f"{percentile(p.latencies, 0.99):.1f}"),
        ("latency max ms", lambda p: f"{max(p.latencies, default=float('nan')):.1f}"),
        ("sends >10 ms late", lambda p: f"{p.total(lambda s: s.late_starts):,}"),
        ("requests not sent by the deadline", lambda p: f"{p.total(lambda s: s.not_sent):,}"),
        ("errors", lambda p: ", ".join(f"{k}: {v}" for k, v in p.errors().items()) or "0"),
        ("server CPU busy (of one core)", lambda p: f"{p.server_cpu_s / p.elapsed:.0%}"),
        (
            "server CPU ms per request",
            lambda p: f"{p.server_cpu_s * 1000 / max(1, p.total(lambda s: s.requests)):.2f}",
        ),
    ]
    for name, show in for_both:
        table.add_row(name, show(health), show(hooks))
    accepted = hooks.total(lambda s: s.alerts_accepted)
    answered_dups = hooks.total(lambda s: s.duplicates_answered)
    table.add_row("stored fingerprints", "", f"{distinct:,} (expected {len(fingerprints):,})")
    table.add_row("stored dedup bumps", "", f"{counted - distinct:,} (answered {answered_dups:,})")
    ok = counted == accepted and distinct == len(fingerprints)
    verdict = "[green]yes[/]" if ok else "[red]NO[/]"
    table.add_row("stored + dedups == accepted", "", f"{counted:,} == {accepted:,}: {verdict}")
    table.add_row("incidents opened", "", f"{incidents:,}")
    console.print(table)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
