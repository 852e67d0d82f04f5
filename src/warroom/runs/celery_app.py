"""The Celery application that carries runs from the API to workers.

``make_celery(broker_url, ...)`` builds it; the API side (``CeleryRunner``) and the workers
(``warroom worker``) must build it with the same broker URL and prefix. What it guarantees:

- one task, ``warroom.runs.execute(run_id, spec)``, on the queue ``<prefix>.runs``, JSON only;
- ``acks_late`` + ``reject_on_worker_lost``: a message is acknowledged only after the attempt
  ends, so a worker that dies mid-run leaves it to be delivered again. With the Redis broker
  an unacknowledged message comes back after ``visibility_timeout_s`` (checked every
  ``restore_interval_s`` and when a worker starts); keep it above the longest *queue wait*
  you expect, not the run length: a copy delivered while the run is alive finds the lease
  held and retries later (after ``lease_ttl_s``), and one delivered after the run ended does
  nothing;
- every Redis key Celery writes, like the lease and cancel keys, starts with ``<prefix>``,
  so several deployments (or test sessions) can share one Redis;
- no result backend is needed: the store is the record. ``backend_url`` is accepted for
  operators who want Celery's own result tracking.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from celery import Celery, Task

from warroom.config import Settings
from warroom.runs.remote import Outcome, RemoteOptions, execute_remote

TASK_NAME = "warroom.runs.execute"
DEFAULT_VISIBILITY_TIMEOUT_S = 3600
DEFAULT_RESTORE_INTERVAL_S = 10.0


def queue_name(prefix: str) -> str:
    return f"{prefix}.runs"


def make_celery(
    broker_url: str,
    *,
    prefix: str = "warroom",
    redis_url: str | None = None,
    backend_url: str | None = None,
    lease_ttl_s: float = 30.0,
    poll_s: float = 0.5,
    visibility_timeout_s: float = DEFAULT_VISIBILITY_TIMEOUT_S,
    restore_interval_s: float = DEFAULT_RESTORE_INTERVAL_S,
) -> Celery:
    """The Celery app over ``broker_url`` (``redis://host:6379/0``).

    ``redis_url`` is where leases, cancel flags and live events live (default: the broker).
    """
    options = RemoteOptions(
        redis_url=redis_url or broker_url, prefix=prefix, lease_ttl_s=lease_ttl_s, poll_s=poll_s
    )
    app = Celery("warroom", broker=broker_url, backend=backend_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=backend_url is None,
        task_default_queue=queue_name(prefix),
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One run per worker process at a time; a prefetched message would wait unacked.
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "global_keyprefix": f"{prefix}:celery:",
            "visibility_timeout": visibility_timeout_s,
            "unacked_restore_interval": restore_interval_s,
            "unacked_restore_throttle": 1,
        },
        warroom_remote_options=asdict(options),
    )
    app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
    )(_execute)
    return app


def remote_options(app: Celery) -> RemoteOptions:
    return RemoteOptions(**app.conf["warroom_remote_options"])


def _execute(task: Task[Any, Any], run_id: str, spec: dict[str, Any]) -> str:
    """The task body: one attempt at the run (settings from the worker's environment)."""
    options = remote_options(task.app)
    outcome = asyncio.run(execute_remote(run_id, spec, options, Settings()))
    if outcome is Outcome.BUSY:
        # Another worker holds the run; come back when its lease would have expired.
        raise task.retry(countdown=options.lease_ttl_s, max_retries=None)
    return outcome.value
