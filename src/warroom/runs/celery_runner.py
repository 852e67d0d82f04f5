"""``CeleryRunner``: the ``Runner`` that sends runs to Celery workers through Redis.

Use it from the API with ``create_app(settings, runner_factory=celery_runner_factory(URL))``
and start workers with ``warroom worker --broker URL``; both sides need the same database
(``WARROOM_DATABASE_URL``, PostgreSQL for more than one machine), the same blob folder
(``WARROOM_DATA_DIR`` on shared storage) and the same broker URL and prefix.

What a caller may rely on:

- ``submit`` returns once the task is on the broker; the Celery task id is the run id;
- the runner relays every run's live events from Redis into the app's in-process
  ``Broadcaster``, so ``follow_run`` (SSE, WebSocket) works unchanged for runs on workers;
- ``cancel`` sets the run's cancel flag (workers check it every ``poll_s``). When no worker
  holds the run (still queued, or its worker died), the runner records it cancelled itself
  and revokes the task; either way the run ends cancelled. False for a finished or unknown run;
- ``shutdown`` stops the relay only: runs belong to the workers and go on without the API;
- ``is_active`` is True between ``submit`` and the run's finish message seen by this runner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from celery import Celery

from warroom.domain.events import RunEventType
from warroom.runs.broadcast import Broadcaster
from warroom.runs.celery_app import TASK_NAME, make_celery, queue_name, remote_options
from warroom.runs.coordination import RunCoordinator
from warroom.runs.redis_broadcast import RedisBroadcaster, RedisRelay
from warroom.runs.runner import RunJob
from warroom.runs.sink import RecordingSink
from warroom.store import RunStatus, Store


class RemoteWork(Protocol):
    """Work a worker can rebuild from the shared store: it describes itself as JSON."""

    def remote_spec(self) -> dict[str, Any]: ...


class CeleryRunner:
    """Runs jobs on Celery workers; see the module docstring."""

    def __init__(
        self,
        store: Store,
        broadcaster: Broadcaster,
        *,
        broker_url: str | None = None,
        app: Celery | None = None,
        prefix: str = "warroom",
        redis_url: str | None = None,
    ) -> None:
        if app is None:
            if broker_url is None:
                raise ValueError("CeleryRunner needs broker_url (redis://host:6379/0) or app")
            app = make_celery(broker_url, prefix=prefix, redis_url=redis_url)
        self.app = app
        self.options = remote_options(app)
        self.store = store
        self.broadcaster = broadcaster
        self.coordinator = RunCoordinator(self.options.redis_url, prefix=self.options.prefix)
        self.live = RedisBroadcaster(self.options.redis_url, prefix=self.options.prefix)
        self._submitted: set[str] = set()
        self.relay = RedisRelay(
            self.options.redis_url,
            broadcaster,
            prefix=self.options.prefix,
            on_finish=self._submitted.discard,
        )
        self._relay_started: asyncio.Task[None] | None = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None  # started by the first submit or ``start()``
        if loop is not None:
            self._relay_started = loop.create_task(self.relay.start())

    async def start(self) -> None:
        """Wait until live events of runs on workers reach the local broadcaster."""
        if self._relay_started is None:
            self._relay_started = asyncio.get_running_loop().create_task(self.relay.start())
        await asyncio.shield(self._relay_started)

    async def submit(self, run: RunJob) -> None:
        spec = getattr(run.work, "remote_spec", None)
        if spec is None:
            raise TypeError(
                f"run {run.run_id}: CeleryRunner can only send work that describes itself "
                f"with remote_spec() (InvestigationWork), got {type(run.work).__name__}; "
                "use InlineRunner for in-process work"
            )
        await self.start()
        self._submitted.add(run.run_id)
        await asyncio.to_thread(
            self.app.send_task,
            TASK_NAME,
            args=[run.run_id, spec()],
            task_id=run.run_id,
            queue=queue_name(self.options.prefix),
        )

    async def cancel(self, run_id: str, reason: str = "cancelled on request") -> bool:
        run = await self.store.get_run(run_id=run_id)
        if run is None or run.status.finished:
            return False
        await asyncio.to_thread(self.coordinator.request_cancel, run_id, reason)
        lease = self.coordinator.lease(run_id, self.options.lease_ttl_s)
        if not await asyncio.to_thread(lease.acquire):
            return True  # a worker holds it and will see the flag
        try:
            run = await self.store.get_run(run_id=run_id)
            if run is not None and not run.status.finished:
                sink = RecordingSink(self.store, self.live, run_id)
                error = f"{reason}; no worker was executing it"
                await sink.emit(RunEventType.STATUS, None, {"status": "cancelled", "error": error})
                await self.store.set_run_status(
                    run_id=run_id, status=RunStatus.CANCELLED, error=error
                )
                self.live.finish(run_id, RunStatus.CANCELLED.value)
                await self.live.flush()
        finally:
            await asyncio.to_thread(lease.release)
        await asyncio.to_thread(self.app.control.revoke, run_id)
        return True

    def is_active(self, run_id: str) -> bool:
        return run_id in self._submitted

    async def shutdown(self) -> None:
        if self._relay_started is not None and not self._relay_started.done():
            self._relay_started.cancel()
        await self.relay.stop()
        await self.live.aclose()
        self.coordinator.close()


def celery_runner_factory(
    broker_url: str, *, prefix: str = "warroom", redis_url: str | None = None
) -> Callable[[Store, Broadcaster], CeleryRunner]:
    """A ``runner_factory`` for ``create_app``: runs go to workers on ``broker_url``."""

    def make(store: Store, broadcaster: Broadcaster) -> CeleryRunner:
        return CeleryRunner(
            store, broadcaster, broker_url=broker_url, prefix=prefix, redis_url=redis_url
        )

    return make
