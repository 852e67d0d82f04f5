"""The OpenAI-compatible endpoint: credentials, base URL and the HTTP client, nothing else.

`open_chat_model` yields a pydantic-ai `OpenAIChatModel` for one model name on the configured
endpoint (GLM, Qwen/DashScope, DeepSeek, OpenAI, vLLM, Ollama all speak Chat Completions). A
caller may rely on:

- the HTTP client goes through `GuardedTransport`, so the global switch is checked on every
  request before a connection is attempted;
- the SDK's own retries are off (``max_retries=0``): `warroom.llm.role` owns retrying, so
  one bound covers every kind of failure and each attempt is counted once;
- each HTTP request is limited to ``settings.llm_timeout_s``;
- the client is closed when the context exits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
from openai import AsyncOpenAI
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai_compatible import OpenAICompatibleProvider

from warroom.config import Settings
from warroom.llm.guard import GuardedTransport, check_model_url

PROVIDER_NAME = "warroom-openai-compatible"

# Local servers (Ollama, vLLM) ignore the key, but the OpenAI SDK refuses an empty one.
_NO_KEY = "not-needed"


@asynccontextmanager
async def open_chat_model(settings: Settings, model_name: str) -> AsyncIterator[OpenAIChatModel]:
    """A chat model bound to `settings.llm_base_url`; raises `ModelRequestRefused` up front."""
    base_url = settings.llm_base_url
    if not base_url:
        raise ValueError(
            f"model {model_name!r} was requested but settings.llm_base_url is empty; "
            "set WARROOM_LLM_BASE_URL or leave the model unset to use the offline reasoner"
        )
    check_model_url(base_url, allow_model_requests=settings.allow_model_requests)
    transport = GuardedTransport(
        httpx2.AsyncHTTPTransport(), allow_model_requests=settings.allow_model_requests
    )
    timeout = httpx2.Timeout(settings.llm_timeout_s, connect=min(settings.llm_timeout_s, 10.0))
    async with httpx2.AsyncClient(transport=transport, timeout=timeout) as http_client:
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else _NO_KEY
        client = AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or _NO_KEY,
            http_client=http_client,
            max_retries=0,
            timeout=settings.llm_timeout_s,
        )
        provider = OpenAICompatibleProvider(PROVIDER_NAME, openai_client=client)
        yield OpenAIChatModel(model_name, provider=provider)
