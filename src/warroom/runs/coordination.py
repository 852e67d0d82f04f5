"""Who may execute a run, and whether it should stop: a Redis lease and a cancel flag per run.

- ``RunLease``: ``SET key token NX PX ttl``; a heartbeat thread renews it every ``ttl/3``
  while the holder works. Only the holder's token renews or releases it. A holder that cannot
  renew for a whole ``ttl`` (Redis down, or another holder took the expired key) sets
  ``lost``, and must stop writing. A thread, not an asyncio task, renews: CPU-bound evidence
  work can hold the event loop for seconds.
- Cancel flags: ``request_cancel`` stores a reason under the run for a day; workers check it
  between steps and while agents think.

Keys: ``<prefix>:lease:<run_id>`` and ``<prefix>:cancel:<run_id>``. The methods are blocking
(sync Redis): call them through ``asyncio.to_thread`` from a loop.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time

import redis
from redis.exceptions import RedisError

CANCEL_TTL_S = 24 * 3600

# Renew or delete only while the key still holds our token (atomic on the server).
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('del', KEYS[1]) else return 0 end"
)


class RunLease:
    """An exclusive, expiring claim on one run. ``acquire`` once; ``release`` when done."""

    def __init__(self, client: redis.Redis, key: str, ttl_s: float) -> None:
        if ttl_s <= 0:
            raise ValueError(f"a lease needs a positive time to live, got {ttl_s} s")
        self.client = client
        self.key = key
        self.ttl_s = ttl_s
        self.token = secrets.token_hex(12)
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def _ttl_ms(self) -> int:
        return max(1, int(self.ttl_s * 1000))

    def acquire(self) -> bool:
        """Take the lease if nobody holds it, and start renewing it; False when it is taken."""
        if not self.client.set(self.key, self.token, nx=True, px=self._ttl_ms):
            return False
        self._thread = threading.Thread(
            target=self._heartbeat, name=f"warroom-lease-{self.key}", daemon=True
        )
        self._thread.start()
        return True

    def _heartbeat(self) -> None:
        renewed = time.monotonic()
        while not self._stop.wait(self.ttl_s / 3):
            try:
                if self.client.eval(_RENEW, 1, self.key, self.token, self._ttl_ms):
                    renewed = time.monotonic()
                    continue
                self.lost.set()  # expired and taken, or deleted: someone else may run it now
                return
            except RedisError:
                if time.monotonic() - renewed >= self.ttl_s:
                    self.lost.set()
                    return

    def release(self) -> None:
        """Stop renewing and free the lease (only if it is still ours)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.ttl_s)
        with contextlib.suppress(RedisError):  # else it expires by itself
            self.client.eval(_RELEASE, 1, self.key, self.token)


class RunCoordinator:
    """Leases and cancel flags of runs, on one Redis server under one key prefix."""

    def __init__(self, url: str, *, prefix: str = "warroom") -> None:
        self.prefix = prefix
        self.client: redis.Redis = redis.Redis.from_url(url, decode_responses=True)

    def lease_key(self, run_id: str) -> str:
        return f"{self.prefix}:lease:{run_id}"

    def cancel_key(self, run_id: str) -> str:
        return f"{self.prefix}:cancel:{run_id}"

    def lease(self, run_id: str, ttl_s: float) -> RunLease:
        return RunLease(self.client, self.lease_key(run_id), ttl_s)

    def is_leased(self, run_id: str) -> bool:
        return bool(self.client.exists(self.lease_key(run_id)))

    def request_cancel(self, run_id: str, reason: str) -> None:
        self.client.set(self.cancel_key(run_id), reason or "cancelled", ex=CANCEL_TTL_S)

    def cancel_reason(self, run_id: str) -> str | None:
        """The reason given with ``request_cancel``, or None when nobody asked."""
        value = self.client.get(self.cancel_key(run_id))
        return str(value) if value is not None else None

    def forget(self, run_id: str) -> None:
        """Drop the run's cancel flag (its lease expires or is released by its holder)."""
        self.client.delete(self.cancel_key(run_id))

    def close(self) -> None:
        self.client.close()
