"""Concurrent investigations: N debates at once on one API process (and one worker).

Run: ``python benchmarks/concurrent_investigations.py --runs 50`` (``--mode inline``: the
inline runner, SQLite, one process) or ``--mode celery``: ``warroom serve`` plus ONE
``warroom worker`` process (prefork pool of ``--worker-concurrency`` processes) on the real
PostgreSQL and Redis. The celery mode creates a throwaway database ``warroom_bench_<random>``
(``--postgres-admin-url``, a server where the user may create databases) and uses its own
Redis key and queue prefix (``--redis-url``); both are dropped at the end.

Either way, on 127.0.0.1 and bounded by ``--timeout``: creates N incidents from the packaged
sample and uploads its logs, metrics and traces to each, starts N debates at once and polls
them until every one has finished, then reads every run's event log. Prints the time until
all were done, per-run time (server-side ``started_at`` to ``finished_at``) median and p95,
failures (a run that did not succeed, or succeeded without a verdict), runs whose event
sequence is not 0..N-1 without gap or repeat or that hold other than one verdict event, and
peak RSS (VmHWM): of the API process, and in celery mode of the worker's processes (its
main process and each pool process: the largest one and the sum of their peaks, an upper
bound of their peak together). Exit code 1 when any run failed, was lost or broke the event
checks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from webhook_load import create_admin_key, percentile, start_server

from warroom.samples import load_sample_manifest, sample_path

console = Console()
_DONE = {"succeeded", "failed", "cancelled"}


def peak_rss_mib(pid: int) -> float:
    """The process's high-water resident set (VmHWM), in MiB; NaN once it has exited."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@dataclass
class PeakWatch:
    """Samples the peak RSS of a process tree every ``every_s`` (pool processes come and
    go; each one's last reading before it ended is kept)."""

    root: int
    every_s: float = 0.5
    peaks: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        pending = [self.root]
        while pending:
            pid = pending.pop()
            peak = peak_rss_mib(pid)
            if peak == peak:  # not NaN: still alive
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
            pending.extend(_children(pid))

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    @contextlib.contextmanager
    def running(self) -> Iterator[PeakWatch]:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.sample()
            self._stop.set()
            thread.join()


def _incident_body(n: int) -> dict[str, Any]:
    manifest = load_sample_manifest()
    return {
        "title": f"{manifest['title']} #{n}",
        "description": manifest["description"],
        "severity": manifest["severity"],
        "alert_time": manifest["alert_time"],
        "window": manifest["window"],
        "metadata": {"teams": manifest["teams"], "alert": manifest["alert"]},
    }


async def _call(client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> httpx.Response:
    """One request; waits out a 429 (the per-key rate limit) and tries again."""
    while True:
        response = await client.request(method, url, **kw)
        if response.status_code != 429:
            return response
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))


async def _prepare(client: httpx.AsyncClient, n: int, files: list[Path]) -> str:
    made = await _call(client, "POST", "/api/v1/incidents", json=_incident_body(n))
    made.raise_for_status()
    incident_id: str = made.json()["id"]
    upload = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in files]
    sent = await _call(
        client, "POST", "/api/v1/assets/runtime", data={"incident_id": incident_id}, files=upload
    )
    sent.raise_for_status()
    return incident_id


async def _wait(client: httpx.AsyncClient, run_id: str, deadline: float) -> dict[str, Any]:
    while time.monotonic() < deadline:
        response = await _call(client, "GET", f"/api/v1/debates/{run_id}")
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        if data["status"] in _DONE:
            return data
        # 50 runs polled every 3 s stay under the default 1,200 requests a minute per key.
        await asyncio.sleep(3.0)
    return {"id": run_id, "status": "lost (timeout)", "verdict": None}


async def _events(client: httpx.AsyncClient, run_id: str) -> list[dict[str, Any]]:
    """Every stored event of the run, in order."""
    found: list[dict[str, Any]] = []
    after = -1
    while True:
        response = await _call(
            client,
            "GET",
            f"/api/v1/debates/{run_id}/history",
            params={"after": after, "limit": 5000},
        )
        response.raise_for_status()
        page = response.json()
        found.extend(page["data"])
        if page["count"] < 5000:
            return found
        after = page["next_after"]


def event_problem(events: list[dict[str, Any]]) -> str | None:
    """What is wrong with a finished run's event log: a gap or repeat in seq (0..N-1), or
    other than one verdict event; None when nothing is."""
    seqs = [e["seq"] for e in events]
    if seqs != list(range(len(seqs))):
        repeated = len(seqs) - len(set(seqs))
        return f"seq not 0..{len(seqs) - 1}: {repeated} repeated, first {seqs[:3]}"
    verdicts = sum(1 for e in events if e["type"] == "verdict")
    if verdicts != 1:
        return f"{verdicts} verdict events"
    return None


@dataclass
class Outcome:
    runs: int
    prepared_s: float
    started: int
    refused: int
    wall_s: float
    finished: list[dict[str, Any]]
    problems: dict[str, str]


async def drive(url: str, key: str, runs: int, budget_s: float) -> Outcome:
    root = sample_path()
    files = sorted(p for sub in ("logs", "metrics", "traces") for p in (root / sub).iterdir())
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        began = time.monotonic()
        incidents = await asyncio.gather(*(_prepare(client, n, files) for n in range(runs)))
        prepared = time.monotonic() - began
        start = time.monotonic()
        started = await asyncio.gather(
            *(_call(client, "POST", "/api/v1/debates", json={"incident_id": i}) for i in incidents)
        )
        run_ids = [r.json()["id"] for r in started if r.status_code == 202]
        refused = [r for r in started if r.status_code != 202]
        finished = await asyncio.gather(
            *(_wait(client, run_id, start + budget_s) for run_id in run_ids)
        )
        wall = time.monotonic() - start
        logs = await asyncio.gather(*(_events(client, run_id) for run_id in run_ids))
    problems = {
        run_id: problem
        for run_id, events in zip(run_ids, logs, strict=True)
        if (problem := event_problem(events)) is not None
    }
    return Outcome(runs, prepared, len(run_ids), len(refused), wall, list(finished), problems)


def report(outcome: Outcome, title: str, memory: list[tuple[str, str]]) -> bool:
    """Print the table; True when every run finished once with a verdict and a clean log."""
    finished = outcome.finished
    durations = [
        (
            datetime.fromisoformat(f["finished_at"]) - datetime.fromisoformat(f["started_at"])
        ).total_seconds()
        for f in finished
        if f.get("started_at") and f.get("finished_at")
    ]
    good = [f for f in finished if f["status"] == "succeeded" and f.get("verdict")]
    failures = outcome.runs - len(good)
    components: dict[str, int] = {}
    for f in good:
        name = str(f["verdict"].get("component") or "?")
        components[name] = components.get(name, 0) + 1
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "incidents created + sample uploaded", f"{outcome.runs} in {outcome.prepared_s:.1f} s"
    )
    table.add_row("debates started (202)", f"{outcome.started}")
    table.add_row("time to all done", f"{outcome.wall_s:.1f} s")
    table.add_row(
        "per-run time median", f"{statistics.median(durations):.1f} s" if durations else "-"
    )
    table.add_row("per-run time p95", f"{percentile(durations, 0.95):.1f} s" if durations else "-")
    table.add_row("succeeded with a verdict", f"{len(good)}")
    table.add_row("failures (incl. refused, lost)", f"{failures} (refused {outcome.refused})")
    table.add_row(
        "event logs: seq 0..N-1, one verdict",
        f"{outcome.started - len(outcome.problems)} of {outcome.started} clean",
    )
    table.add_row("verdict components", ", ".join(f"{k}: {v}" for k, v in components.items()))
    for name, value in memory:
        table.add_row(name, value)
    console.print(table)
    for f in finished:
        if f["status"] != "succeeded":
            console.print(f"[red]{f['id']}[/]: {f['status']} {f.get('error') or ''}")
    for run_id, problem in outcome.problems.items():
        console.print(f"[red]{run_id}[/]: {problem}")
    return failures == 0 and not outcome.problems


def run_inline(args: argparse.Namespace) -> bool:
    with (
        tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp,
        start_server(Path(tmp) / "data") as server,
    ):
        key = create_admin_key(server.env)
        outcome = asyncio.run(drive(server.url, key, args.runs, args.timeout))
        api_peak = peak_rss_mib(server.process.pid)
    title = f"{args.runs} concurrent investigations, inline runner, one API process, SQLite"
    return report(outcome, title, [("API process peak RSS (VmHWM)", f"{api_peak:.0f} MiB")])


# ---------------------------------------------------------------- celery mode


async def _admin_sql(admin_url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def bench_database(admin_url: str) -> Iterator[str]:
    """A new database ``warroom_bench_<random>``; its URL; dropped at the end."""
    from sqlalchemy.engine import make_url

    name = f"warroom_bench_{secrets.token_hex(5)}"
    asyncio.run(_admin_sql(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def drop_redis_keys(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        found = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if found:
            client.delete(*found)
        return len(found)
    finally:
        client.close()


@contextlib.contextmanager
def start_worker(env: dict[str, str], concurrency: int, log: Path) -> Iterator[int]:
    """One ``warroom worker`` (prefork pool) in its own process group; its pid. Stopped
    with SIGTERM (warm shutdown), SIGKILL after 30 s."""
    cmd = ["warroom", "worker", f"--concurrency={concurrency}", "--pool=prefork"]
    cmd += ["--loglevel=warning", f"--hostname=bench-{secrets.token_hex(3)}@%h"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def run_celery(args: argparse.Namespace) -> bool:
    prefix = f"warroom_bench_{secrets.token_hex(5)}"
    with (
        tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp,
        bench_database(args.postgres_admin_url) as database_url,
    ):
        extra = {
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_BROKER_URL": args.redis_url,
            "WARROOM_BROKER_PREFIX": prefix,
        }
        try:
            with start_server(Path(tmp) / "data", env_extra=extra) as server:
                with (
                    start_worker(
                        server.env, args.worker_concurrency, Path(tmp) / "worker.log"
                    ) as worker_pid,
                    PeakWatch(worker_pid).running() as watch,
                ):
                    key = create_admin_key(server.env)
                    outcome = asyncio.run(drive(server.url, key, args.runs, args.timeout))
                    api_peak = peak_rss_mib(server.process.pid)
                    pool = sorted(watch.peaks.items())
                if not outcome.finished or outcome.problems:
                    console.print((Path(tmp) / "worker.log").read_text()[-4000:])
        finally:
            drop_redis_keys(args.redis_url, prefix)
    main_peak = watch.peaks.get(worker_pid, float("nan"))
    children = [peak for pid, peak in pool if pid != worker_pid]
    title = (
        f"{args.runs} concurrent investigations, Celery: one API process + one worker "
        f"(prefork, concurrency {args.worker_concurrency}), PostgreSQL, Redis"
    )
    return report(
        outcome,
        title,
        [
            ("API process peak RSS (VmHWM)", f"{api_peak:.0f} MiB"),
            ("worker main process peak RSS", f"{main_peak:.0f} MiB"),
            (
                f"worker pool processes ({len(children)}) peak RSS, largest",
                f"{max(children, default=float('nan')):.0f} MiB",
            ),
            (
                "worker, all processes: sum of their peaks",
                f"{main_peak + sum(children):.0f} MiB",
            ),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for all runs")
    parser.add_argument("--mode", choices=("inline", "celery"), default="inline")
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=os.cpu_count() or 2,
        help="celery mode: pool processes of the one worker (default: one per CPU)",
    )
    parser.add_argument(
        "--postgres-admin-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="celery mode: a server where this user may create and drop databases",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.runs < 1 or args.worker_concurrency < 1:
        parser.error("--runs and --worker-concurrency must be at least 1")
    ok = run_celery(args) if args.mode == "celery" else run_inline(args)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
