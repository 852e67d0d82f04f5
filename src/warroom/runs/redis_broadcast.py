"""Live run events across processes and machines, over Redis pub/sub.

``RedisBroadcaster`` has the interface of the in-process ``Broadcaster`` (``LiveEvents``): a
worker's sink publishes through it, and anyone may subscribe to a run. ``RedisRelay`` forwards
every run's messages from Redis into an in-process ``Broadcaster``, which is how the API's
SSE/WebSocket streams (written against the local broadcaster) see runs that execute in a
worker.

What a caller may rely on:

- one channel per run, ``<prefix>:live:<run_id>``; a message is JSON, either
  ``{"kind": "event", "event": {...RunEvent...}}`` or ``{"kind": "finished", ...}``;
- ``publish``/``finish`` never block: messages go out in call order from one writer task;
  ``flush()`` waits until they are sent;
- delivery is best effort, like pub/sub itself: a message lost while Redis is unreachable is
  logged, never raised. The store is the record; ``follow_run`` fills any gap from it and
  checks the store while a run is quiet, so a stream always ends;
- ``subscribe`` returns only after Redis confirmed the subscription, so reading the stored
  backlog afterwards cannot miss an event (see ``warroom.runs.stream``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from warroom.domain.events import RunEvent
from warroom.runs.broadcast import Broadcaster, Message, RunFinished, Subscription

log = logging.getLogger(__name__)

_CONFIRM_S = 5.0
_RECONNECT_S = 1.0


def live_channel(prefix: str, run_id: str) -> str:
    return f"{prefix}:live:{run_id}"


def encode(message: Message) -> str:
    if isinstance(message, RunFinished):
        return json.dumps({"kind": "finished", "run_id": message.run_id, "status": message.status})
    return json.dumps({"kind": "event", "event": message.model_dump(mode="json")})


def decode(data: str | bytes) -> Message | None:
    """The message, or None (logged) for anything that is not one of ours."""
    try:
        body: Any = json.loads(data)
        if body.get("kind") == "finished":
            return RunFinished(str(body["run_id"]), str(body["status"]))
        if body.get("kind") == "event":
            return RunEvent.model_validate(body["event"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignored a live message that is not a run event or finish: %s", exc)
        return None
    log.warning("ignored a live message of unknown kind: %.200r", data)
    return None


async def _confirmed(pubsub: aioredis.client.PubSub) -> None:
    """Wait for Redis to confirm a (p)subscribe, so nothing published after it is missed."""
    deadline = asyncio.get_running_loop().time() + _CONFIRM_S
    while asyncio.get_running_loop().time() < deadline:
        message = await pubsub.get_message(timeout=0.5)
        if message and message.get("type") in ("subscribe", "psubscribe"):
            return
    raise TimeoutError(f"Redis did not confirm the subscription within {_CONFIRM_S:.0f} s")


class RedisBroadcaster:
    """``LiveEvents`` over Redis pub/sub; use from one event loop, close with ``aclose()``."""

    def __init__(self, url: str, *, prefix: str = "warroom") -> None:
        self.url = url
        self.prefix = prefix
        self._client: aioredis.Redis = aioredis.Redis.from_url(url)
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    def publish(self, event: RunEvent) -> None:
        self._send(event.run_id, encode(event))

    def finish(self, run_id: str, status: str) -> None:
        self._send(run_id, encode(RunFinished(run_id, status)))

    def _send(self, run_id: str, data: str) -> None:
        self._outbox.put_nowait((live_channel(self.prefix, run_id), data))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(
                self._write(), name="warroom-redis-broadcast"
            )

    async def _write(self) -> None:
        while True:
            channel, data = await self._outbox.get()
            try:
                await self._client.publish(channel, data)
            except RedisError as exc:
                log.warning(
                    "live message for %s not sent (Redis: %s); the store has it", channel, exc
                )
            finally:
                self._outbox.task_done()

    async def flush(self, timeout_s: float = 5.0) -> None:
        """Wait until every message published so far was handed to Redis (or given up)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox.join(), timeout_s)

    @contextlib.asynccontextmanager
    async def subscribe(self, run_id: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(run_id)
        pubsub = self._client.pubsub()
        await pubsub.subscribe(live_channel(self.prefix, run_id))
        reader: asyncio.Task[None] | None = None
        try:
            await _confirmed(pubsub)
            reader = asyncio.get_running_loop().create_task(_read(pubsub, subscription.queue))
            yield subscription
        finally:
            if reader is not None:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, RedisError):
                    await reader
            with contextlib.suppress(RedisError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def watchers(self, run_id: str) -> int:
        """Unknown across machines; 0 (kept for the ``Broadcaster`` interface)."""
        return 0

    async def aclose(self) -> None:
        await self.flush()
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self._client.aclose()


async def _read(pubsub: aioredis.client.PubSub, queue: asyncio.Queue[Message]) -> None:
    async for raw in pubsub.listen():
        if raw.get("type") not in ("message", "pmessage"):
            continue
        message = decode(raw["data"])
        if message is not None:
            queue.put_nowait(message)


class RedisRelay:
    """Forwards every run's live messages from Redis into a local ``Broadcaster``.

    ``start()`` returns once the pattern subscription is confirmed; a lost connection is
    re-established after a pause (messages sent meanwhile are lost; streams recover from the
    store). ``on_finish`` is called with the run id of each ``RunFinished`` seen.
    """

    def __init__(
        self,
        url: str,
        broadcaster: Broadcaster,
        *,
        prefix: str = "warroom",
        on_finish: Callable[[str], None] | None = None,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.broadcaster = broadcaster
        self.on_finish = on_finish
        self._client: aioredis.Redis = aioredis.Redis.from_url(url)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="warroom-redis-relay"
            )
        await asyncio.wait_for(self._ready.wait(), _CONFIRM_S * 2)

    async def _run(self) -> None:
        pattern = live_channel(self.prefix, "*")
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.psubscribe(pattern)
                await _confirmed(pubsub)
                self._ready.set()
                async for raw in pubsub.listen():
                    if raw.get("type") == "pmessage":
                        self._forward(raw["data"])
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("live relay from Redis lost (%s); reconnecting", exc)
                await asyncio.sleep(_RECONNECT_S)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _forward(self, data: str | bytes) -> None:
        message = decode(data)
        if isinstance(message, RunFinished):
            self.broadcaster.finish(message.run_id, message.status)
            if self.on_finish is not None:
                self.on_finish(message.run_id)
        elif message is not None:
            self.broadcaster.publish(message)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._client.aclose()
