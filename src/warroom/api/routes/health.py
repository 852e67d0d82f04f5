"""Liveness, without a key."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

import warroom

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    version: str


@router.get("/health", operation_id="health_get")
async def health() -> HealthPublic:
    """Answers 200 while the app is up; needs no API key."""
    return HealthPublic(status="ok", version=warroom.__version__)
