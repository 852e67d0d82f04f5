"""How a tool that writes asks a person first: request an approval, then wait for it.

``request_approval`` records a pending request (risk, action, arguments) and tells the run's
watchers; ``wait_for_decision`` polls until a person approves or denies it, or the time runs
out. A tool acts only on ``ApprovalStatus.APPROVED``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Literal

from warroom.domain.events import RunEventType
from warroom.runs.broadcast import Broadcaster
from warroom.store import Approval, ApprovalStatus, Store

Risk = Literal["read", "write"]


async def request_approval(
    store: Store,
    *,
    run_id: str | None,
    action: str,
    args: Mapping[str, Any] | None = None,
    risk: Risk = "write",
    broadcaster: Broadcaster | None = None,
) -> Approval:
    """A pending approval for ``action`` with ``args``; the run gets an ``approval_request``
    event (``stage: requested``) so live watchers see it at once."""
    approval = await store.request_approval(
        run_id=run_id, action=action, payload={"risk": risk, "args": dict(args or {})}
    )
    if run_id is not None:
        event = await store.append_event(
            run_id=run_id,
            type=RunEventType.APPROVAL_REQUEST,
            role=None,
            payload={"stage": "requested", **approval.model_dump(mode="json")},
        )
        if broadcaster is not None:
            broadcaster.publish(event)
    return approval


async def wait_for_decision(
    store: Store, *, approval_id: str, timeout_s: float, poll_s: float = 1.0
) -> Approval:
    """The request once decided, or as it stands (still pending) when ``timeout_s`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        found = await store.get_approval(approval_id=approval_id)
        if found is None:
            raise LookupError(f"no approval request with id {approval_id!r}")
        if found.status != ApprovalStatus.PENDING or loop.time() >= deadline:
            return found
        await asyncio.sleep(min(poll_s, max(0.0, deadline - loop.time())))
