"""The in-process broadcaster: live run events for whoever is watching, in this process.

The store is the record; the broadcaster only carries what happens *now*. A subscriber that
joins late reads the backlog from the store first (see ``warroom.runs.stream``), which is why
it must subscribe before reading the backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol

from warroom.domain.events import RunEvent


@dataclass(frozen=True)
class RunFinished:
    """The last message a subscription receives: the run reached a final status."""

    run_id: str
    status: str


Message = RunEvent | RunFinished


@dataclass(eq=False)
class Subscription:
    """One watcher of one run. Messages arrive in the order they were published."""

    run_id: str
    queue: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)

    async def next(self, wait_s: float | None = None) -> Message | None:
        """The next message, or None when ``wait_s`` seconds pass without one."""
        try:
            return await asyncio.wait_for(self.queue.get(), wait_s)
        except TimeoutError:
            return None


class LiveEvents(Protocol):
    """What a sink publishes to and a stream subscribes to: ``Broadcaster`` in one process,
    ``RedisBroadcaster`` across processes and machines."""

    def subscribe(self, run_id: str) -> AbstractAsyncContextManager[Subscription]:
        """Receive the run's messages published from now on, until the block ends."""
        ...

    def publish(self, event: RunEvent) -> None:
        """Pass on a stored event; never blocks."""
        ...

    def finish(self, run_id: str, status: str) -> None:
        """Tell the run's watchers it is over; never blocks."""
        ...


class Broadcaster:
    """Fan-out of run events to subscriptions, keyed by run id. Not thread-safe: use it from
    the event loop that runs the API (which is where runs and streams live)."""

    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = {}

    @contextlib.asynccontextmanager
    async def subscribe(self, run_id: str) -> AsyncIterator[Subscription]:
        """Receive the run's messages published from now on, until the block ends."""
        subscription = Subscription(run_id)
        self._subscriptions.setdefault(run_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            watchers = self._subscriptions.get(run_id)
            if watchers is not None:
                watchers.discard(subscription)
                if not watchers:
                    del self._subscriptions[run_id]

    def publish(self, event: RunEvent) -> None:
        for subscription in tuple(self._subscriptions.get(event.run_id, ())):
            subscription.queue.put_nowait(event)

    def finish(self, run_id: str, status: str) -> None:
        """Tell the run's watchers that it is over; they stop after this message."""
        message = RunFinished(run_id, status)
        for subscription in tuple(self._subscriptions.get(run_id, ())):
            subscription.queue.put_nowait(message)

    def watchers(self, run_id: str) -> int:
        return len(self._subscriptions.get(run_id, ()))
