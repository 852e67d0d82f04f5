"""``/ws/debates/{run_id}``: a debate's events over a WebSocket, replayed then live.

Browsers cannot set headers on a WebSocket, so the key may also come as ``?api_key=``.
Refusals are sent as ``{"type": "error", "detail": ...}`` and the socket is closed with 4401
(no or bad key), 4403 (role) or 4404 (unknown run).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, WebSocket, WebSocketDisconnect

from warroom.api.deps import AfterSeqQuery, authenticate, authorize, state_of
from warroom.api.security import security_of
from warroom.api.streaming import ws_message
from warroom.runs import StreamEnd, follow_run
from warroom.store import KeyRole

router = APIRouter(tags=["live"])


def _key_from(websocket: WebSocket, api_key: str | None) -> str | None:
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return websocket.headers.get("x-api-key") or api_key


@router.websocket("/ws/debates/{run_id}")
async def debate_socket(
    websocket: WebSocket,
    run_id: str,
    after: AfterSeqQuery = -1,
    api_key: Annotated[str | None, Query()] = None,
) -> None:
    """Messages: ``{"type": "event", "event": {...}}`` per event with ``seq > after``,
    ``{"type": "heartbeat"}`` while quiet, and ``{"type": "end", "status": ...}`` last."""
    state = state_of(websocket)
    await websocket.accept()
    try:
        key = await authenticate(
            state.store, _key_from(websocket, api_key), tokens=security_of(websocket).tokens
        )
        authorize(key, KeyRole.VIEWER)
    except HTTPException as exc:
        await websocket.send_json({"type": "error", "detail": exc.detail})
        await websocket.close(code=4400 + exc.status_code % 100)
        return
    if await state.store.get_run(run_id=run_id) is None:
        await websocket.send_json(
            {"type": "error", "detail": f"no debate or run with id {run_id!r}"}
        )
        await websocket.close(code=4404)
        return
    try:
        async for item in follow_run(
            state.store,
            state.broadcaster,
            run_id,
            after=after,
            heartbeat_s=state.limits.heartbeat_s,
        ):
            await websocket.send_json(ws_message(item))
            if isinstance(item, StreamEnd):
                break
        await websocket.close()
    except WebSocketDisconnect:
        return
