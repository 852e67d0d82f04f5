"""Group commit: concurrent writes share a transaction, each caller gets its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from warroom.store.batching import GroupCommit


class Ledger:
    """A fake transactional store: ``apply`` commits a batch whole or not at all."""

    def __init__(self, poison: set[int] | None = None, pause: asyncio.Event | None = None) -> None:
        self.committed: list[int] = []
        self.calls: list[list[int]] = []
        self.poison = poison or set()
        self.pause = pause

    async def apply(self, items: Sequence[int]) -> list[str]:
        self.calls.append(list(items))
        if self.pause is not None:
            await self.pause.wait()
        await asyncio.sleep(0)  # a database round trip
        bad = [i for i in items if i in self.poison]
        if bad:
            raise ValueError(f"item {bad[0]} is refused")
        self.committed.extend(items)
        return [f"done:{i}" for i in items]


async def test_concurrent_submits_share_batches_and_each_gets_its_own_result() -> None:
    ledger = Ledger()
    commits = GroupCommit(ledger.apply)
    results = await asyncio.gather(*(commits.submit(i) for i in range(200)))
    assert results == [f"done:{i}" for i in range(200)]
    assert ledger.committed == list(range(200))
    assert len(ledger.calls) < 20, "concurrent submits should have been coalesced"


async def test_a_lone_submit_is_written_at_once() -> None:
    ledger = Ledger()
    commits = GroupCommit(ledger.apply)
    assert await commits.submit(7) == "done:7"
    assert ledger.calls == [[7]]


async def test_batches_keep_under_the_max_weight_and_a_heavy_item_goes_alone() -> None:
    ledger = Ledger()
    commits = GroupCommit(ledger.apply, max_weight=10, weight=lambda i: 10 if i == 99 else 3)
    await asyncio.gather(*(commits.submit(i) for i in [*range(9), 99, 9]))
    assert [99] in ledger.calls
    assert all(sum(10 if i == 99 else 3 for i in call) <= 10 for call in ledger.calls)
    assert sorted(ledger.committed) == [*range(10), 99]


async def test_a_failed_batch_is_retried_one_by_one_so_only_the_bad_item_fails() -> None:
    ledger = Ledger(poison={5})
    commits = GroupCommit(ledger.apply)
    results = await asyncio.gather(*(commits.submit(i) for i in range(10)), return_exceptions=True)
    assert isinstance(results[5], ValueError) and "item 5" in str(results[5])
    assert [r for n, r in enumerate(results) if n != 5] == [
        f"done:{i}" for i in range(10) if i != 5
    ]
    assert sorted(ledger.committed) == [i for i in range(10) if i != 5]
    assert len(ledger.calls[0]) > 1, "the first attempt was one batch"


async def test_batches_committed_before_a_failure_stay() -> None:
    ledger = Ledger(poison={2})
    commits = GroupCommit(ledger.apply)
    assert await commits.submit(1) == "done:1"
    with pytest.raises(ValueError, match="item 2"):
        await commits.submit(2)
    assert ledger.committed == [1]


async def test_an_item_whose_caller_gave_up_before_its_batch_is_not_written() -> None:
    pause = asyncio.Event()
    ledger = Ledger(pause=pause)
    commits = GroupCommit(ledger.apply)
    first = asyncio.ensure_future(commits.submit(1))
    await asyncio.sleep(0.01)  # the writer now holds [1] and waits in ``apply``
    second = asyncio.ensure_future(commits.submit(2))
    third = asyncio.ensure_future(commits.submit(3))
    await asyncio.sleep(0)
    second.cancel()
    pause.set()
    assert await first == "done:1" and await third == "done:3"
    assert ledger.committed == [1, 3]


async def test_a_wait_gathers_items_that_arrive_soon_after() -> None:
    ledger = Ledger()
    commits = GroupCommit(ledger.apply, max_wait_s=0.05, max_weight=3)

    async def late(i: int) -> str:
        await asyncio.sleep(0.001)
        return await commits.submit(i)

    await asyncio.gather(commits.submit(0), late(1), late(2))
    assert ledger.calls == [[0, 1, 2]], "a full batch is written without waiting out the rest"


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="max_weight"):
        GroupCommit(Ledger().apply, max_weight=0)
    with pytest.raises(ValueError, match="max_wait_s"):
        GroupCommit(Ledger().apply, max_wait_s=-1)
