"""Group commit: the writes of concurrent callers coalesced into one transaction per batch.

``GroupCommit(apply)`` takes items from any number of concurrent ``submit`` calls and hands
them to one writer task, which calls ``apply(items)`` (one transaction for the whole batch)
and gives each caller its own result. What a caller may rely on:

- ``submit`` returns only after the transaction holding its item committed, with the result
  ``apply`` produced for that item; items are applied in the order they were submitted;
- batches form on their own under load: while one batch is being written, new items queue
  up and all of them (up to ``max_weight``) go into the next one, after waiting at most
  ``max_wait_s`` for more. A lone item is written at once when ``max_wait_s`` is 0;
- a failed batch stores nothing (its transaction rolls back) and is retried item by item,
  each in its own transaction, so only the items that fail on their own get the error;
  batches committed before are never touched;
- a caller cancelled before its item was taken into a batch leaves nothing written; once
  taken, the item is written even if nobody waits for the answer any more;
- the writer task exists only while there is work: nothing to start or stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")

DEFAULT_MAX_WEIGHT = 1000
DEFAULT_MAX_WAIT_S = 0.0


@dataclass
class _Pending(Generic[In, Out]):
    item: In
    weight: int
    future: asyncio.Future[Out]


class GroupCommit(Generic[In, Out]):
    """See the module docstring. ``apply`` must return one result per item, in order, and
    commit all of them or none; ``weight(item)`` (default 1) counts against ``max_weight``
    per batch (an item heavier than that is a batch of its own)."""

    def __init__(
        self,
        apply: Callable[[Sequence[In]], Awaitable[list[Out]]],
        *,
        max_weight: int = DEFAULT_MAX_WEIGHT,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        weight: Callable[[In], int] | None = None,
    ) -> None:
        if max_weight < 1:
            raise ValueError(f"max_weight must be at least 1, got {max_weight}")
        if max_wait_s < 0:
            raise ValueError(f"max_wait_s must be 0 or more seconds, got {max_wait_s}")
        self._apply = apply
        self.max_weight = max_weight
        self.max_wait_s = max_wait_s
        self._weight = weight or (lambda _item: 1)
        self._queue: deque[_Pending[In, Out]] = deque()
        self._queued_weight = 0
        self._writer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.batches = 0  # committed or failed batches, for diagnostics and tests
        self._more = asyncio.Event()

    async def submit(self, item: In) -> Out:
        """Queue ``item`` and wait until the batch holding it committed; its result."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A store is used from one loop at a time; a new loop starts afresh.
            self._loop, self._writer, self._more = loop, None, asyncio.Event()
            self._queue.clear()
            self._queued_weight = 0
        future: asyncio.Future[Out] = loop.create_future()
        pending = _Pending(item, max(1, self._weight(item)), future)
        self._queue.append(pending)
        self._queued_weight += pending.weight
        if self._queued_weight >= self.max_weight:
            self._more.set()
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_all())
        return await pending.future

    async def _write_all(self) -> None:
        while self._queue:
            if self.max_wait_s > 0 and self._queued_weight < self.max_weight:
                self._more.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._more.wait(), self.max_wait_s)
            else:
                await asyncio.sleep(0)  # let callers already under way join this batch
            batch = self._take()
            if batch:
                await self._write(batch)

    def _take(self) -> list[_Pending[In, Out]]:
        batch: list[_Pending[In, Out]] = []
        total = 0
        while self._queue:
            head = self._queue[0]
            if head.future.done():  # its caller was cancelled while it waited
                self._queue.popleft()
                self._queued_weight -= head.weight
                continue
            if batch and total + head.weight > self.max_weight:
                break
            self._queue.popleft()
            self._queued_weight -= head.weight
            batch.append(head)
            total += head.weight
        return batch

    async def _write(self, batch: list[_Pending[In, Out]]) -> None:
        self.batches += 1
        try:
            results = await self._apply([p.item for p in batch])
            if len(results) != len(batch):
                raise RuntimeError(
                    f"group commit: apply returned {len(results)} results for {len(batch)} items"
                )
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0], exc)
                return
            log.warning("a batch of %d writes failed (%s); retrying one by one", len(batch), exc)
            for pending in batch:
                await self._write([pending])
            return
        except BaseException as exc:  # cancelled (loop shutting down): nobody may hang
            for pending in batch:
                _settle(pending, RuntimeError(f"the write was interrupted: {exc!r}"))
            raise
        for pending, result in zip(batch, results, strict=True):
            if not pending.future.done():
                pending.future.set_result(result)


def _settle(pending: _Pending[In, Out], exc: BaseException) -> None:
    if not pending.future.done():
        pending.future.set_exception(exc)
