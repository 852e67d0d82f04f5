"""Classify a metric by its name alone, so the ranking can reason about what moved.

The rules are keyword based and deliberately generic (no system-specific names). The first
matching category wins, in this order:

=============  =====================================================================
category       keywords (case-insensitive, anywhere in the name)
=============  =====================================================================
errors         success, error, fail, fault, 5xx, 4xx, exception, reject
latency        latency, duration, response_time, responsetime, elapsed; or pNN + "(s)"/"(ms)"
cpu            cpu, loadavg, load_average, load1/5/15, throttl
memory         mem, heap, gc, rss, oom
network        network, net_, receive, transmit, bytes_in/out, packet, tcp, bandwidth, rx, tx
disk           disk, syscall, iops, io_, fs_, filesystem, readbytes, writebytes
workload       workload, ops, qps, rps, tps, throughput, request, calls, count
other          anything else
=============  =====================================================================

Two further facts come from the name: ``scope`` is ``"node"`` when the series describes the
host rather than the service (the word "node" or "host" in the name), else ``"service"``; and
``side`` is ``"client"`` / ``"server"`` when the name says which end of a call it measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("success", "error", "fail", "fault", "5xx", "4xx", "exception", "reject")),
    ("latency", ("latency", "duration", "response_time", "responsetime", "elapsed")),
    ("cpu", ("cpu", "loadavg", "load_average", "load1", "load5", "load15", "throttl")),
    ("memory", ("mem", "heap", "gc", "rss", "oom")),
    (
        "network",
        (
            "network",
            "net_",
            "receive",
            "transmit",
            "bytes_in",
            "bytes_out",
            "packet",
            "tcp",
            "bandwidth",
            "rx_",
            "tx_",
        ),
    ),
    ("disk", ("disk", "syscall", "iops", "io_", "fs_", "filesystem", "readbytes", "writebytes")),
    (
        "workload",
        ("workload", "ops", "qps", "rps", "tps", "throughput", "request", "calls", "count"),
    ),
)

_PERCENTILE_TIME = re.compile(r"p\d{2}.*\((m?s)\)")
_NODE = re.compile(r"node|host")

RESOURCE_CATEGORIES = frozenset({"cpu", "memory", "network", "disk"})


@dataclass(frozen=True, slots=True)
class MetricKind:
    """What a metric name says about the series."""

    category: str
    scope: str  # "node" (the host) or "service"
    side: str | None  # "client", "server" or None


def classify(name: str) -> MetricKind:
    """Category, scope and side of a metric, from its name only."""
    lower = name.lower()
    category = "other"
    for cat, words in _RULES:
        if any(w in lower for w in words):
            category = cat
            break
    if category in ("other", "workload") and _PERCENTILE_TIME.search(lower):
        category = "latency"
    scope = "node" if _NODE.search(lower) else "service"
    side: str | None = None
    if "client" in lower or "outbound" in lower:
        side = "client"
    elif "server" in lower or "inbound" in lower:
        side = "server"
    return MetricKind(category=category, scope=scope, side=side)
