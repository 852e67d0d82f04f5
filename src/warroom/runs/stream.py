"""Replay, then follow: a run's events from the store, then live, with no gap and no repeat.

The order matters: subscribe to the broadcaster first, then read the stored backlog, then
pass on live events, dropping those already replayed (``seq <= last``). An event stored
between the subscription and the backlog read arrives twice and is dropped once; one stored
before the subscription is in the backlog. Live events can arrive out of order when a flow
emits from concurrent tasks; a seq jump is filled from the store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from warroom.domain.events import RunEvent
from warroom.runs.broadcast import LiveEvents, RunFinished
from warroom.store import RunInfo, Store, UnknownRunError


@dataclass(frozen=True)
class StreamEnd:
    """The run is over; nothing follows."""

    status: str


@dataclass(frozen=True)
class Heartbeat:
    """Nothing happened for a while; the run is still going."""


StreamItem = RunEvent | StreamEnd | Heartbeat


async def follow_run(
    store: Store,
    broadcaster: LiveEvents,
    run_id: str,
    *,
    after: int = -1,
    heartbeat_s: float = 15.0,
) -> AsyncIterator[StreamItem]:
    """Every event of the run with ``seq > after``, each once and in order, then ``StreamEnd``.

    While the run is quiet a ``Heartbeat`` comes every ``heartbeat_s`` seconds, and the store
    is checked: a run that finished elsewhere (another process, a crash) still ends the
    stream. Raises ``UnknownRunError`` when the run is not stored.
    """
    async with broadcaster.subscribe(run_id) as subscription:
        run = await store.get_run(run_id=run_id)
        if run is None:
            raise UnknownRunError(run_id)
        last = after
        for event in await store.events(run_id=run_id, after_seq=last):
            yield event
            last = event.seq
        if run.status.finished:
            yield StreamEnd(run.status.value)
            return
        while True:
            message = await subscription.next(heartbeat_s)
            if message is None:
                latest = await store.get_run(run_id=run_id)
                if latest is None or latest.status.finished:
                    async for event in _stored_after(store, run_id, last):
                        yield event
                        last = event.seq
                    yield StreamEnd(_final(latest))
                    return
                yield Heartbeat()
                continue
            if isinstance(message, RunFinished):
                # Everything was stored before the finish was announced: catch up, then end.
                async for event in _stored_after(store, run_id, last):
                    yield event
                    last = event.seq
                yield StreamEnd(message.status)
                return
            if message.seq <= last:
                continue
            if message.seq > last + 1:
                async for event in _stored_after(store, run_id, last):
                    if event.seq >= message.seq:
                        break
                    yield event
                    last = event.seq
            yield message
            last = message.seq


async def _stored_after(store: Store, run_id: str, last: int) -> AsyncIterator[RunEvent]:
    for event in await store.events(run_id=run_id, after_seq=last):
        yield event


def _final(run: RunInfo | None) -> str:
    return run.status.value if run is not None else "deleted"
