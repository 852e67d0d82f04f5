"""metrics.csv (long form, per service) and pods.csv (wide form, per pod), every 15 seconds.

RED metrics are computed from the simulated requests over a trailing minute, as a
Prometheus ``rate(...[1m])`` would; resource metrics are baselines with seeded noise.
"""

from __future__ import annotations

import csv
import io
import math
import random
from bisect import bisect_left, bisect_right

from warroom.samples.synth.clock import END, MILLI, SECOND, START, iso_s
from warroom.samples.synth.model import PODS, Served, Story

STEP = 15 * SECOND
RATE_WINDOW = 60 * SECOND
POOL_SIZE = 10
_JVM = ("order-service", "payment-service", "user-service")
_HTTP = ("web-gateway", "order-service", "payment-service", "inventory-service", "user-service")
# service -> (cpu %, memory MB, cpu % per request/s)
_BASE = {
    "web-gateway": (7.0, 182.0, 2.0),
    "order-service": (21.0, 812.0, 9.0),
    "payment-service": (17.0, 744.0, 8.0),
    "inventory-service": (14.0, 236.0, 5.0),
    "notification-service": (5.0, 148.0, 6.0),
    "user-service": (12.0, 905.0, 12.0),
}


def ticks() -> list[int]:
    return list(range(START, END + 1, STEP))


class RedMetrics:
    """Rate, error share and p99 latency of one service's requests, by the time they ended."""

    def __init__(self, served: list[Served]):
        self.served = sorted(served, key=lambda s: s.end)
        self.ends = [s.end for s in self.served]
        self.last_p99 = 0.0

    def at(self, t: int) -> tuple[float, float, float]:
        chunk = self.served[bisect_left(self.ends, t - RATE_WINDOW) : bisect_right(self.ends, t)]
        if not chunk:
            return 0.0, 0.0, self.last_p99
        took = sorted((s.end - s.start) / MILLI for s in chunk)
        self.last_p99 = took[min(len(took) - 1, math.ceil(0.99 * len(took)) - 1)]
        errors = sum(s.error for s in chunk)
        return len(chunk) / (RATE_WINDOW / SECOND), errors / len(chunk), self.last_p99


def _count(intervals: list[tuple[int, int]], t: int) -> int:
    return sum(1 for start, end in intervals if start <= t < end)


def render_metrics(story: Story, seed: int) -> str:
    rng = random.Random(seed)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["timestamp", "service", "metric", "value"])
    red = {svc: RedMetrics([s for s in story.served if s.service == svc]) for svc in _BASE}
    serving = {p.name: p for p in PODS}
    holds = [(h.start, h.end) for h in story.db_holds if h.end > h.start]
    waits = [(w.start, w.end) for w in story.db_waits]
    mem_drift = dict.fromkeys(_BASE, 0.0)
    for t in ticks():
        stamp = iso_s(t)
        for svc, (cpu, mem, per_rps) in _BASE.items():
            rps, err, p99 = red[svc].at(t)
            mem_drift[svc] += rng.gauss(0, 2.0)
            memory = mem + mem_drift[svc] + 6 * math.sin((t - START) / (600 * SECOND))
            row = {
                "cpu_usage_percent": max(0.5, cpu + per_rps * rps + rng.gauss(0, 1.2)),
                "memory_usage_mb": memory,
            }
            if svc in _HTTP:
                row["http_server_requests_per_second"] = rps
                row["http_server_error_rate"] = err
                row["http_server_latency_p99_ms"] = p99
            else:
                row["messages_consumed_per_second"] = rps
                row["queue_consumer_lag"] = float(rng.choice((0, 0, 0, 1, 2)))
            if svc in _JVM:
                row["jvm_gc_pause_ms"] = _gc(story, svc, t, rng)
            if svc == "inventory-service":
                row["redis_command_latency_p99_ms"] = 540 + rng.gauss(0, 60)
            if svc == "payment-service":
                pods = [p for p in serving.values() if p.service == svc and p.serving(t)]
                active = _count(holds, t)
                row["db_pool_active_connections"] = float(active)
                row["db_pool_idle_connections"] = float(max(0, POOL_SIZE * len(pods) - active))
                row["db_pool_pending_threads"] = float(_count(waits, t))
            for metric, value in row.items():
                out.writerow([stamp, svc, metric, _fmt(value)])
    return buf.getvalue()


def _gc(story: Story, service: str, t: int, rng: random.Random) -> float:
    paused = sum(ms for svc, at, ms in story.gc_pauses if svc == service and t - STEP < at <= t)
    return paused + (0.0 if rng.random() < 0.3 else rng.uniform(3, 28))


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.3f}".rstrip("0")


def render_pods(seed: int) -> str:
    """One row per pod and timestamp; new payment-service pods burn CPU while the JVM starts."""
    rng = random.Random(seed)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(
        ["timestamp", "pod", "cpu_millicores", "memory_working_set_mb", "ready", "restarts"]
    )
    for t in ticks():
        for pod in PODS:
            if not pod.start <= t < pod.end:
                continue
            cpu, mem, _ = _BASE[pod.service]
            ready = pod.serving(t)
            millicores = cpu * 10 + rng.gauss(0, 12)
            memory = mem + rng.gauss(0, 8)
            if not ready:  # JVM start-up: busy and still small
                millicores, memory = 850 + rng.gauss(0, 60), mem * 0.55
            elif pod.start > START:
                grown = min(1.0, (t - pod.ready) / (600 * SECOND))
                memory = mem * (0.7 + 0.3 * grown) + rng.gauss(0, 8)
            out.writerow(
                [iso_s(t), pod.name, f"{max(1.0, millicores):.0f}", f"{memory:.1f}", int(ready), 0]
            )
    return buf.getvalue()
