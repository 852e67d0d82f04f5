"""Request-level helpers shared by the simulation, and the traffic that touches no shared state.

Browsing (web-gateway -> inventory-service) and accounts (web-gateway -> user-service) stay
healthy through the outage: they show that only the checkout path is broken.
"""

from __future__ import annotations

import random

from warroom.samples.synth.clock import END, MILLI, SECOND, START, at
from warroom.samples.synth.model import (
    CLIENT,
    CONSUMER,
    PODS,
    SERVER,
    LogEvent,
    Pod,
    Served,
    SimSpan,
    Story,
)

BROWSE_PER_SECOND = 0.2
ACCOUNTS_PER_SECOND = 0.09
GC_PAUSE = (at(13, 51, 37.214), 1840)  # user-service, unrelated and over in two seconds


class Tracer:
    """The spans of one request; kept only if the request was sampled and ended in time."""

    def __init__(self, rng: random.Random, sampled: bool):
        self.rng = rng
        self.id = f"{rng.getrandbits(128):032x}"
        self.sampled = sampled
        self.spans: list[SimSpan] = []

    def open(
        self,
        service: str,
        pod: str,
        name: str,
        kind: int,
        start: int,
        parent: SimSpan | None,
        attrs: dict[str, str | int],
    ) -> SimSpan:
        span = SimSpan(
            self.id,
            f"{self.rng.getrandbits(64):016x}",
            parent.span_id if parent else "",
            service,
            pod,
            name,
            kind,
            start,
            attrs=dict(attrs),
        )
        self.spans.append(span)
        return span

    def finish(self, story: Story) -> None:
        if self.sampled and all(0 < s.end <= END for s in self.spans):
            story.spans.extend(self.spans)


class Traffic:
    def __init__(self, rng: random.Random, story: Story):
        self.rng, self.story = rng, story
        self.threads: dict[str, list[int]] = {}
        self.offsets = [48_211, 47_903, 48_560]  # order-events partitions

    def ms(self, low: float, high: float) -> int:
        return round(self.rng.uniform(low, high) * MILLI)

    def tracer(self, sample: float) -> Tracer:
        return Tracer(self.rng, self.rng.random() < sample)

    def pick_pod(self, service: str, t: int) -> Pod:
        return self.rng.choice([p for p in PODS if p.service == service and p.serving(t)])

    def pick(self, service: str, t: int) -> str:
        return self.pick_pod(service, t).name

    def take_thread(self, pod: str, t: int, until: int) -> str:
        """A Tomcat worker that is free at ``t``; the pool grows when all ten are busy."""
        busy = self.threads.setdefault(pod, [0] * 10)
        free = [i for i, b in enumerate(busy) if b <= t]
        i = self.rng.choice(free[:4]) if free else len(busy)
        if i == len(busy):
            busy.append(0)
        busy[i] = until
        return f"http-nio-8080-exec-{i + 1}"

    def release_thread(self, pod: str, thread: str, t: int) -> None:
        self.threads[pod][int(thread.rsplit("-", 1)[1]) - 1] = t

    def inventory_call(
        self,
        trace: Tracer,
        parent: SimSpan,
        t: int,
        method: str,
        route: str,
        message: str,
        redis: str,
    ) -> int:
        """inventory-service answers one call over Redis; returns when it answered."""
        pod = self.pick("inventory-service", t)
        end = t + self.ms(6, 18)
        span = trace.open(
            "inventory-service",
            pod,
            f"{method} {route}",
            SERVER,
            t,
            parent,
            {"http.method": method, "http.route": route, "http.status_code": 200},
        )
        span.end = end
        r0 = t + self.ms(1, 2)
        trace.open(
            "inventory-service",
            pod,
            redis.split()[0],
            CLIENT,
            r0,
            span,
            {"db.system": "redis", "db.statement": redis},
        ).end = end - self.ms(0.5, 1)
        if message:
            self.story.logs.append(
                LogEvent(
                    end,
                    "inventory-service",
                    "INFO",
                    "inventory.reservations",
                    message,
                    trace_id=trace.id,
                )
            )
        self.story.served.append(Served("inventory-service", pod, t, end, False))
        return end

    def gateway_done(
        self,
        trace: Tracer,
        root: SimSpan,
        pod: str,
        end: int,
        status: int,
        upstream: str,
        upstream_status: int | None = None,
    ) -> None:
        root.end = end
        root.attrs["http.status_code"] = status
        method, path = root.name.split(" ", 1)
        fields = {"method": method, "path": path, "status": str(status), "upstream": upstream}
        if upstream_status is not None and upstream_status != status:
            fields["upstream_status"] = str(upstream_status)
        fields["duration_ms"] = f"{(end - root.start) / MILLI:.1f}"
        fields["bytes"] = str(self.rng.randint(180, 2400) if status < 500 else 96)
        msg, level = "request completed", "info"
        if status == 504:
            msg, level = "upstream timeout", "error"
        elif status >= 500:
            msg, level = "upstream error", "error"
        if status >= 500:
            root.error = f"{upstream} answered {upstream_status}" if upstream_status else msg
        self.story.logs.append(
            LogEvent(
                end, "web-gateway", level.upper(), "proxy", msg, trace_id=trace.id, fields=fields
            )
        )
        self.story.served.append(Served("web-gateway", pod, root.start, end, status >= 500))

    def notify(self, trace: Tracer, parent: SimSpan, t: int, order: str) -> None:
        """notification-service consumes OrderPlaced and sends the confirmation email."""
        pod = self.pick("notification-service", t)
        partition = self.rng.randrange(3)
        self.offsets[partition] += 1
        span = trace.open(
            "notification-service",
            pod,
            "order-events process",
            CONSUMER,
            t,
            parent,
            {"messaging.system": "kafka", "messaging.destination.name": "order-events"},
        )
        send = self.ms(60, 260)
        span.end = t + send + self.ms(2, 5)
        trace.open(
            "notification-service",
            pod,
            "POST",
            CLIENT,
            t + self.ms(1, 2),
            span,
            {
                "http.method": "POST",
                "http.url": "https://email.example.com/v3/send",
                "http.status_code": 202,
            },
        ).end = span.end - self.ms(1, 2)
        logs = self.story.logs
        logs.append(
            LogEvent(
                t,
                "notification-service",
                "INFO",
                "notification.consumer",
                f"consumed OrderPlaced order_id={order} partition={partition} "
                f"offset={self.offsets[partition]}",
                trace_id=trace.id,
            )
        )
        logs.append(
            LogEvent(
                span.end,
                "notification-service",
                "INFO",
                "notification.email",
                f"sent order_confirmation email order_id={order} latency_ms={send // MILLI}",
                trace_id=trace.id,
            )
        )
        self.story.served.append(Served("notification-service", pod, t, span.end, False))

    def browse_and_accounts(self) -> None:
        for t in self._arrivals(BROWSE_PER_SECOND):
            self._browse(t)
        pause_at, _ = GC_PAUSE
        # A few sign-ins land during the GC pause, so its effect shows in user-service latency.
        stuck = [pause_at + 250 * MILLI, pause_at + 900 * MILLI, pause_at + 1400 * MILLI]
        for t in sorted(self._arrivals(ACCOUNTS_PER_SECOND) + stuck):
            self._account(t)

    def _arrivals(self, rate: float) -> list[int]:
        times, t = [], START
        while (t := t + round(self.rng.expovariate(rate) * SECOND)) < END:
            times.append(t)
        return times

    def _browse(self, t0: int) -> None:
        rng = self.rng
        trace = self.tracer(sample=0.05)
        sku = f"sku-{rng.randint(1000, 1999)}"
        listing = rng.random() < 0.4
        public, route, redis = (
            ("/api/products", "/products", "ZRANGE catalog:popular 0 49")
            if listing
            else (f"/api/products/{sku}", "/products/{sku}", f"HGETALL product:{sku}")
        )
        pod = self.pick("web-gateway", t0)
        root = trace.open(
            "web-gateway",
            pod,
            f"GET {public}",
            SERVER,
            t0,
            None,
            {"http.method": "GET", "http.route": public.replace(sku, "{sku}")},
        )
        miss = (
            ""
            if listing or rng.random() > 0.08
            else (f"cache miss for {sku}, loaded from catalog in {rng.randint(14, 40)}ms")
        )
        end = self.inventory_call(trace, root, t0 + self.ms(1, 3), "GET", route, miss, redis)
        self.gateway_done(trace, root, pod, end + self.ms(1, 2), 200, "inventory-service")
        trace.finish(self.story)

    def _account(self, t0: int) -> None:
        rng = self.rng
        trace = self.tracer(sample=0.05)
        user = f"u-{rng.randint(1000, 9999)}"
        roll = rng.random()
        method, path, route, work = (
            ("GET", "/users/me", "/users/me", self.ms(4, 22))
            if roll < 0.65
            else ("POST", "/auth/login", "/auth/login", self.ms(60, 140))
            if roll < 0.9
            else ("GET", f"/users/{user}/addresses", "/users/{id}/addresses", self.ms(6, 30))
        )
        status = 401 if path == "/auth/login" and rng.random() < 0.06 else 200
        gw = self.pick("web-gateway", t0)
        root = trace.open(
            "web-gateway",
            gw,
            f"{method} /api{path}",
            SERVER,
            t0,
            None,
            {"http.method": method, "http.route": f"/api{route}"},
        )
        t = t0 + self.ms(1, 3)
        pause_at, pause_ms = GC_PAUSE
        pause_end = pause_at + pause_ms * MILLI
        end = t + work
        if t < pause_end and end > pause_at:  # a stop-the-world pause holds the request
            end += pause_end - max(t, pause_at)
        pod = self.pick("user-service", t)
        span = trace.open(
            "user-service",
            pod,
            f"{method} {route}",
            SERVER,
            t,
            root,
            {"http.method": method, "http.route": route, "http.status_code": status},
        )
        span.end = end
        took = (end - t) // MILLI
        logs = self.story.logs
        logs.append(
            LogEvent(
                end,
                "user-service",
                "WARN" if took > 1000 else "INFO",
                "http",
                f"{method} {path} {status} {took}ms" + (" (slow)" if took > 1000 else ""),
            )
        )
        if status == 401:
            logs.append(
                LogEvent(
                    end, "user-service", "WARN", "auth", f"login failed for {user}: bad credentials"
                )
            )
        self.story.served.append(Served("user-service", pod, t, end, False))
        self.gateway_done(trace, root, gw, end + self.ms(1, 2), status, "user-service")
        trace.finish(self.story)
