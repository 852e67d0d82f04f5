"""Ask one tribunal role for its typed output: the model when configured, else the reasoner.

`run_role` is the one entry point the agents layer uses. What a caller may rely on:

- No model for the role (``settings.model_for(role)`` is None): ``offline()`` answers, the
  outcome has ``model="offline"``, ``attempts=0``, ``degraded=False``.
- With a model: the role's instructions, prompt and tools go to the OpenAI-compatible endpoint
  through pydantic-ai, and the reply is validated into ``output_type``.
- One bound, ``1 + settings.llm_max_retries`` attempts, covers every failure that can pass:
  timeouts (``llm_timeout_s`` per request), HTTP 429 / 408 / 5xx, unreachable endpoints,
  bodies that are not JSON, and output that fails the schema (pydantic-ai's own output retries
  spend the same budget). Calls of the role's own tools do not count as attempts. Before a
  retry after a failed request it waits ``llm_backoff_s * 2**n`` (capped at 60 s).
- When the bound is spent, or the endpoint rejects the request outright (HTTP 400/401/404),
  or the model loops on tools past the request limit: ``offline()`` answers and the outcome
  is ``degraded=True`` with a reason a person can read, e.g.
  ``"judge: model 'glm-4' timed out (limit 60 s) after 3 attempts; used the offline reasoner"``.
  ``model`` stays the name of the model that failed. These never raise.
- `ModelRequestRefused` (the global switch) and programming errors (a bad output type, a
  tool with an unusable signature, an exception inside ``offline()``) do raise.
- Every call is recorded once in the ledger, with usage summed over its attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from warroom.config import Settings
from warroom.ingest.redact import redact_text
from warroom.llm.ledger import OFFLINE_MODEL, UsageLedger

T = TypeVar("T")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleOutcome(Generic[T]):
    """A role's typed output and how it was produced."""

    output: T
    model: str
    degraded: bool = False
    degraded_reason: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class RoleCall(Generic[T]):
    """Everything one role call needs except where it runs (settings) and who pays (ledger)."""

    role: str
    output_type: type[T]
    instructions: str
    prompt: str
    offline: Callable[[], T]
    tools: Sequence[Callable[..., Any]] = ()

    async def run(self, settings: Settings, ledger: UsageLedger) -> RoleOutcome[T]:
        model_name = settings.model_for(self.role)
        if model_name is None:
            ledger.record(self.role, model=OFFLINE_MODEL)
            return RoleOutcome(output=self.offline(), model=OFFLINE_MODEL)
        # Evidence was masked at ingest; this second pass keeps a secret that came in some
        # other way (an incident description, a pasted note) from leaving the process.
        masked = replace(
            self, instructions=redact_text(self.instructions), prompt=redact_text(self.prompt)
        )
        # pydantic-ai and the OpenAI client load only when a model is configured: the
        # offline path (and every CLI start) does not pay for importing them.
        from warroom.llm.attempts import ModelAttempts

        return await ModelAttempts(masked, model_name, settings).run(ledger)


async def run_role(
    role: str,
    *,
    output_type: type[T],
    instructions: str,
    prompt: str,
    offline: Callable[[], T],
    settings: Settings,
    ledger: UsageLedger,
    tools: Sequence[Callable[..., Any]] = (),
) -> RoleOutcome[T]:
    """Ask `role` for an `output_type`; see the module docstring for the guarantees.

    Inside `replaying_roles(answer)`, `answer(role, output_type, ledger)` is asked first and a
    stored outcome it returns is used as is: a resumed run never asks a role twice.
    """
    replay = _REPLAY.get()
    if replay is not None:
        stored = replay(role, output_type, ledger)
        if stored is not None:
            return stored
    call = RoleCall(role, output_type, instructions, prompt, offline, tuple(tools))
    return await call.run(settings, ledger)


RoleReplay = Callable[[str, type[Any], UsageLedger], "RoleOutcome[Any] | None"]
_REPLAY: ContextVar[RoleReplay | None] = ContextVar("warroom_role_replay", default=None)


@contextlib.contextmanager
def replaying_roles(answer: RoleReplay) -> Iterator[None]:
    """Answer role calls made in this context (and tasks created inside it) from `answer`
    when it has a stored outcome; calls it has none for go to the model or the reasoner."""
    token = _REPLAY.set(answer)
    try:
        yield
    finally:
        _REPLAY.reset(token)


async def pause(seconds: float) -> None:
    """The wait between attempts; a seam so tests can record backoff without sleeping."""
    await asyncio.sleep(seconds)
