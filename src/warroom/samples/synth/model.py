"""What the simulation produces: pods, log events, spans and served requests.

Renderers turn these into files; nothing here knows a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warroom.samples.synth.clock import DEPLOY, END, SECOND, START

FOREVER = END + 3600 * SECOND

# OTLP span kinds.
INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER = 1, 2, 3, 4, 5

OLD_PAYMENT, NEW_PAYMENT = "2.13.4", "2.14.0"


@dataclass(frozen=True, slots=True)
class Pod:
    name: str
    service: str
    version: str
    start: int
    ready: int  # serves traffic from here
    end: int  # stops serving here

    def serving(self, t: int) -> bool:
        return self.ready <= t < self.end


def _pods() -> tuple[Pod, ...]:
    early = START - 86400 * SECOND  # running since the day before
    s = SECOND
    plain = [
        ("web-gateway", "1.8.2", ["web-gateway-6b7f9c8d5c-k2xqp", "web-gateway-6b7f9c8d5c-r8w4n"]),
        (
            "order-service",
            "3.7.1",
            ["order-service-5f6d7c9b8f-m3t7v", "order-service-5f6d7c9b8f-p9z2c"],
        ),
        (
            "inventory-service",
            "1.22.0",
            ["inventory-service-84c6d5f7b9-t6j8s", "inventory-service-84c6d5f7b9-w2l5d"],
        ),
        ("notification-service", "0.9.3", ["notification-service-6c9b7d8f5a-n4v7k"]),
        (
            "user-service",
            "4.2.0",
            ["user-service-7b8c9d6f4e-f5g3h", "user-service-7b8c9d6f4e-j1s6y"],
        ),
    ]
    pods = [Pod(n, svc, v, early, early, FOREVER) for svc, v, names in plain for n in names]
    # The rollout replaces one pod at a time (maxSurge 1, maxUnavailable 0).
    pods += [
        Pod(
            "payment-service-5c8d7f9b6a-q4m2z",
            "payment-service",
            OLD_PAYMENT,
            early,
            early,
            DEPLOY + 21 * s,
        ),
        Pod(
            "payment-service-5c8d7f9b6a-h7t1w",
            "payment-service",
            OLD_PAYMENT,
            early,
            early,
            DEPLOY + 52 * s,
        ),
        Pod(
            "payment-service-7d9f8b6c4d-x2k9p",
            "payment-service",
            NEW_PAYMENT,
            DEPLOY + 4 * s,
            DEPLOY + 19 * s,
            FOREVER,
        ),
        Pod(
            "payment-service-7d9f8b6c4d-b8n4r",
            "payment-service",
            NEW_PAYMENT,
            DEPLOY + 22 * s,
            DEPLOY + 37 * s,
            FOREVER,
        ),
    ]
    return tuple(pods)


PODS = _pods()


@dataclass(slots=True)
class LogEvent:
    t: int
    service: str
    level: str  # INFO, WARN or ERROR
    logger: str
    message: str
    thread: str = ""
    trace_id: str = ""
    stack: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)  # extra structured fields, in order


@dataclass(slots=True)
class SimSpan:
    trace_id: str
    span_id: str
    parent_id: str
    service: str
    pod: str
    name: str
    kind: int
    start: int
    end: int = 0
    attrs: dict[str, str | int] = field(default_factory=dict)
    error: str = ""  # status message; non-empty means status code 2
    exception: tuple[str, str] | None = None  # (type, message) recorded as a span event


@dataclass(frozen=True, slots=True)
class Served:
    """One request a service answered, for the RED metrics."""

    service: str
    pod: str
    start: int
    end: int
    error: bool


@dataclass(frozen=True, slots=True)
class Interval:
    pod: str
    start: int
    end: int


@dataclass(slots=True)
class Story:
    logs: list[LogEvent] = field(default_factory=list)
    spans: list[SimSpan] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)
    db_holds: list[Interval] = field(default_factory=list)  # a pool connection checked out
    db_waits: list[Interval] = field(default_factory=list)  # a thread waiting for one
    gc_pauses: list[tuple[str, int, int]] = field(default_factory=list)  # service, t, ms
