"""One router per resource. ``api_routers()`` lists those mounted under ``API_PREFIX``;
``live`` (the WebSocket stream) is mounted at the root."""

from __future__ import annotations

from fastapi import APIRouter

from warroom.api.routes import assets, debates, health, incidents, keys, live, reports, runs

API_PREFIX = "/api/v1"

__all__ = ["API_PREFIX", "api_routers", "live"]


def api_routers() -> list[APIRouter]:
    return [
        health.router,
        incidents.router,
        assets.router,
        debates.router,
        runs.router,
        reports.router,
        keys.router,
    ]
