"""Concurrent investigations: one `warroom serve` process, the inline runner, N debates at once.

Run: ``python benchmarks/concurrent_investigations.py --runs 50``.

Starts the server (SQLite in a temporary data dir, loopback only), creates N incidents from
the packaged sample and uploads its logs, metrics and traces to each, then starts N debates
at once and polls them until every one has finished (bounded by ``--timeout``). Prints the
time until all were done, per-run time (server-side ``started_at`` to ``finished_at``)
median and p95, failures (a run that did not succeed, or succeeded without a verdict), and
the server process's peak RSS (VmHWM). Exit code 1 when any run failed or was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
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
    """The process's high-water resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


async def drive(url: str, key: str, runs: int, budget_s: float, pid: int) -> None:
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
    durations = [
        (
            datetime.fromisoformat(f["finished_at"]) - datetime.fromisoformat(f["started_at"])
        ).total_seconds()
        for f in finished
        if f.get("started_at") and f.get("finished_at")
    ]
    good = [f for f in finished if f["status"] == "succeeded" and f.get("verdict")]
    failures = runs - len(good)
    components: dict[str, int] = {}
    for f in good:
        name = str(f["verdict"].get("component") or "?")
        components[name] = components.get(name, 0) + 1
    table = Table(title=f"{runs} concurrent investigations, inline runner, one API process, SQLite")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("incidents created + sample uploaded", f"{runs} in {prepared:.1f} s")
    table.add_row("debates started (202)", f"{len(run_ids)}")
    table.add_row("time to all done", f"{wall:.1f} s")
    table.add_row(
        "per-run time median", f"{statistics.median(durations):.1f} s" if durations else "-"
    )
    table.add_row("per-run time p95", f"{percentile(durations, 0.95):.1f} s" if durations else "-")
    table.add_row("succeeded with a verdict", f"{len(good)}")
    table.add_row("failures (incl. refused, lost)", f"{failures} (refused {len(refused)})")
    table.add_row("verdict components", ", ".join(f"{k}: {v}" for k, v in components.items()))
    table.add_row("server peak RSS (VmHWM)", f"{peak_rss_mib(pid):.0f} MiB")
    console.print(table)
    for f in finished:
        if f["status"] != "succeeded":
            console.print(f"[red]{f['id']}[/]: {f['status']} {f.get('error') or ''}")
    if failures:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for all runs")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp,
        start_server(Path(tmp) / "data") as server,
    ):
        key = create_admin_key(server.env)
        asyncio.run(drive(server.url, key, args.runs, args.timeout, server.process.pid))


if __name__ == "__main__":
    main()
