"""One router per resource. ``api_routers()`` lists those mounted under ``API_PREFIX``;
``live`` (the WebSocket stream) is mounted at the root.

``knowledge`` serves ``POST /assets/development`` and ``POST /assets/design`` (indexing
repositories and reading design documents into the graph, and, for multipart bodies with an
``incident_id``, the incident uploads ``assets`` defines): it comes before ``assets``, and
those two routes of ``assets`` are left out so each path has one operation.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from warroom.api.routes import (
    assets,
    debates,
    graph,
    health,
    incidents,
    keys,
    knowledge,
    live,
    reports,
    runs,
)

API_PREFIX = "/api/v1"

__all__ = ["API_PREFIX", "api_routers", "live"]


def _without(router: APIRouter, replaced: frozenset[tuple[str, str]]) -> APIRouter:
    """``router`` minus its routes whose (method, path) another router serves."""
    kept = APIRouter()
    kept.routes = [
        r
        for r in router.routes
        if not (isinstance(r, APIRoute) and any((m, r.path) in replaced for m in r.methods or ()))
    ]
    return kept


def api_routers() -> list[APIRouter]:
    return [
        health.router,
        incidents.router,
        knowledge.router,
        _without(assets.router, knowledge.REPLACED),
        debates.router,
        runs.router,
        reports.router,
        knowledge.confirm_router,
        graph.router,
        keys.router,
    ]
