"""How a followed run goes over the wire: Server-Sent Events frames and WebSocket messages."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from warroom.runs import Heartbeat, StreamEnd, StreamItem


def sse_frames(items: AsyncIterator[StreamItem]) -> AsyncIterator[str]:
    """Each event as ``id: <seq>``, ``event: <type>``, ``data: <json>``; a heartbeat as a
    comment line; the end as ``event: end`` with ``{"status": ...}``."""

    async def frames() -> AsyncIterator[str]:
        async for item in items:
            if isinstance(item, Heartbeat):
                yield ": keep-alive\n\n"
            elif isinstance(item, StreamEnd):
                yield f"event: end\ndata: {json.dumps({'status': item.status})}\n\n"
                return
            else:
                data = item.model_dump_json()
                yield f"id: {item.seq}\nevent: {item.type.value}\ndata: {data}\n\n"

    return frames()


def ws_message(item: StreamItem) -> dict[str, Any]:
    """``{"type": "event", "event": {...}}``, ``{"type": "heartbeat"}`` or
    ``{"type": "end", "status": ...}``."""
    if isinstance(item, Heartbeat):
        return {"type": "heartbeat"}
    if isinstance(item, StreamEnd):
        return {"type": "end", "status": item.status}
    return {"type": "event", "event": item.model_dump(mode="json")}
