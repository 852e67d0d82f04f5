"""Fixtures for the model layer: a scripted loopback endpoint and fast settings for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from warroom.config import Settings
from warroom.llm.testing import ScriptedOpenAIServer


class Finding(BaseModel):
    """A small typed output with a constraint the model can break."""

    component: str
    confidence: float = Field(ge=0.0, le=1.0)


OFFLINE_FINDING = Finding(component="offline-reasoner", confidence=0.1)


@pytest.fixture
def server() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as scripted:
        yield scripted


def fast_settings(server: ScriptedOpenAIServer, **overrides: Any) -> Settings:
    """Settings pointing at `server`, with timeouts and backoff short enough for unit tests."""
    values: dict[str, Any] = {
        "llm_base_url": server.base_url,
        "llm_model": "glm-4",
        "llm_timeout_s": 0.3,
        "llm_backoff_s": 0.01,
        "llm_max_retries": 2,
    }
    values.update(overrides)
    return Settings(**values)
