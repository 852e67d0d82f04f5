"""What the services log on their own: pod lifecycles, scheduled jobs, heartbeats, GC.

The inventory-service slow-Redis warning and the user-service GC pause are red herrings:
the first is steady before and after the fault, the second is over long before it.
"""

from __future__ import annotations

import random

from warroom.samples.synth.clock import END, MILLI, SECOND, START
from warroom.samples.synth.model import PODS, LogEvent, Story
from warroom.samples.synth.traffic import GC_PAUSE

_MAIN = "com.shop.payment.PaymentServiceApplication"


def background(rng: random.Random, story: Story) -> None:
    _payment_rollout(rng, story)
    _stock_sync(rng, story)
    _heartbeats(rng, story)
    at, pause_ms = GC_PAUSE
    story.gc_pauses.append(("user-service", at, pause_ms))
    story.logs.append(
        LogEvent(
            at + pause_ms * MILLI,
            "user-service",
            "WARN",
            "gc",
            f"G1 Evacuation Pause (young) (to-space exhausted) {pause_ms}ms, "
            "heap 1702M->388M(2048M)",
        )
    )


def _payment_rollout(rng: random.Random, story: Story) -> None:
    """payment-service 2.14.0 replaces 2.13.4 one pod at a time."""
    logs = story.logs
    for pod in PODS:
        if pod.service != "payment-service":
            continue
        if START <= pod.start < END:
            steps = [
                (
                    _MAIN,
                    f"Starting PaymentServiceApplication v{pod.version} using Java 21.0.2 "
                    "with PID 1 (/app/payment-service.jar started by app in /app)",
                ),
                (_MAIN, 'The following 1 profile is active: "prod"'),
                (
                    "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
                    "Tomcat initialized with port 8080 (http)",
                ),
                ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
                (
                    "com.zaxxer.hikari.pool.HikariPool",
                    "HikariPool-1 - Added connection "
                    f"org.postgresql.jdbc.PgConnection@{rng.getrandbits(32):08x}",
                ),
                ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
                (
                    "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
                    "Tomcat started on port 8080 (http) with context path ''",
                ),
            ]
            span = pod.ready - pod.start
            for i, (logger, message) in enumerate(steps):
                t = pod.start + span * (i + 1) // (len(steps) + 2)
                logs.append(LogEvent(t, pod.service, "INFO", logger, message, "main"))
            boot = (pod.ready - pod.start) / SECOND - 0.6
            logs.append(
                LogEvent(
                    pod.ready - 400 * MILLI,
                    pod.service,
                    "INFO",
                    _MAIN,
                    f"Started PaymentServiceApplication in {boot:.3f} seconds "
                    f"(process running for {boot + 0.9:.3f})",
                    "main",
                )
            )
        if START <= pod.end < END:
            graceful = "org.springframework.boot.web.embedded.tomcat.GracefulShutdown"
            hook = "SpringApplicationShutdownHook"
            for offset, thread, logger, message in (
                (
                    0,
                    hook,
                    graceful,
                    "Commencing graceful shutdown. Waiting for active requests to complete",
                ),
                (310, "tomcat-shutdown", graceful, "Graceful shutdown complete"),
                (
                    352,
                    hook,
                    "com.zaxxer.hikari.HikariDataSource",
                    "HikariPool-1 - Shutdown initiated...",
                ),
                (
                    371,
                    hook,
                    "com.zaxxer.hikari.HikariDataSource",
                    "HikariPool-1 - Shutdown completed.",
                ),
            ):
                logs.append(
                    LogEvent(pod.end + offset * MILLI, pod.service, "INFO", logger, message, thread)
                )


def _stock_sync(rng: random.Random, story: Story) -> None:
    """inventory-service's stock sync scans a big hash every ~30 s and has always been slow."""
    t = START + round(rng.uniform(2, 20) * SECOND)
    while t < END:
        took = rng.randint(520, 780)
        story.logs.append(
            LogEvent(
                t + took * MILLI,
                "inventory-service",
                "WARN",
                "inventory.cache",
                f"slow redis call: HSCAN stock:* COUNT 500 took {took}ms (threshold 250ms)",
            )
        )
        story.logs.append(
            LogEvent(
                t + (took + rng.randint(60, 140)) * MILLI,
                "inventory-service",
                "INFO",
                "inventory.sync",
                f"stock sync completed: 1284 skus in {took + rng.randint(90, 200)}ms",
            )
        )
        t += round(rng.uniform(27, 33) * SECOND)


def _heartbeats(rng: random.Random, story: Story) -> None:
    t = START + round(rng.uniform(1, 50) * SECOND)
    while t < END:
        lag = rng.choice((0, 0, 0, 1))
        story.logs.append(
            LogEvent(
                t,
                "notification-service",
                "INFO",
                "notification.consumer",
                f"consumer group notification-service: lag={lag} partitions=3 assigned",
            )
        )
        t += 60 * SECOND + round(rng.uniform(-0.05, 0.05) * SECOND)
