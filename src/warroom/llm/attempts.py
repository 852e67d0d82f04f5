"""The retry loop of one role call against one model (pydantic-ai over an OpenAI-compatible
endpoint). Imported only when a role has a model: see `warroom.llm.role`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from pydantic_ai import Agent, capture_run_messages
from pydantic_ai.exceptions import (
    AgentRunError,
    ModelAPIError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRequestTimeout,
    ModelTimeoutError,
    UnexpectedModelBehavior,
    UsageLimitExceeded,
)
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage, UsageLimits

from warroom.config import Settings
from warroom.llm import role as _role
from warroom.llm.guard import ModelRequestRefused
from warroom.llm.ledger import UsageLedger
from warroom.llm.provider import open_chat_model
from warroom.llm.role import RoleCall, RoleOutcome

T = TypeVar("T")

logger = logging.getLogger("warroom.llm.role")

# Rounds of the role's own tool calls one attempt may take before it is cut off as a loop.
MAX_TOOL_ROUNDS = 8
_MAX_BACKOFF_S = 60.0
_RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class _Failure:
    retryable: bool
    description: str
    hint: str = ""


class ModelAttempts(Generic[T]):
    """The retry loop for one role call against one model."""

    def __init__(self, call: RoleCall[T], model_name: str, settings: Settings) -> None:
        self.call = call
        self.model_name = model_name
        self.settings = settings
        self.max_attempts = 1 + settings.llm_max_retries
        self.attempts = 0
        self.failed_requests = 0
        self.usage = RunUsage()
        self.tool_names = {_tool_name(t) for t in call.tools}

    async def run(self, ledger: UsageLedger) -> RoleOutcome[T]:
        try:
            output = await self._ask_model()
        except _GaveUp as gave_up:
            failure = gave_up.failure
            reason = (
                f"{self.call.role}: model {self.model_name!r} {failure.description} "
                f"after {self.attempts} attempt{'s' if self.attempts != 1 else ''}; "
                f"used the offline reasoner{failure.hint}"
            )
            logger.warning("%s", reason)
            self._record(ledger, degraded_reason=reason)
            return RoleOutcome(
                output=self.call.offline(),
                model=self.model_name,
                degraded=True,
                degraded_reason=reason,
                attempts=self.attempts,
            )
        self._record(ledger, degraded_reason=None)
        return RoleOutcome(output=output, model=self.model_name, attempts=self.attempts)

    def _record(self, ledger: UsageLedger, *, degraded_reason: str | None) -> None:
        ledger.record(
            self.call.role,
            model=self.model_name,
            requests=self.usage.requests + self.failed_requests,
            input_tokens=self.usage.input_tokens,
            output_tokens=self.usage.output_tokens,
            degraded=degraded_reason is not None,
            degraded_reason=degraded_reason,
        )

    async def _ask_model(self) -> T:
        async with open_chat_model(self.settings, self.model_name) as model:
            agent = Agent(
                model,
                output_type=self.call.output_type,
                instructions=self.call.instructions,
                tools=list(self.call.tools),
                name=self.call.role,
                model_settings=ModelSettings(timeout=self.settings.llm_timeout_s),
            )
            while True:
                output_retries = self.max_attempts - self.attempts - 1
                with capture_run_messages() as messages:
                    try:
                        result = await agent.run(
                            self.call.prompt,
                            usage=self.usage,
                            retries={"output": output_retries},
                            usage_limits=UsageLimits(
                                request_limit=MAX_TOOL_ROUNDS + output_retries + 1
                            ),
                        )
                    except AgentRunError as exc:
                        failure = self._classify(exc)
                        before = self.attempts
                        self.attempts += self._wasted_responses(messages, succeeded=False)
                        if not isinstance(exc, UnexpectedModelBehavior | UsageLimitExceeded):
                            # The request itself failed: no response, one attempt spent.
                            self.attempts += 1
                            self.failed_requests += 1
                        # Every pass spends at least one attempt, so the loop always ends.
                        self.attempts = max(self.attempts, before + 1)
                    else:
                        self.attempts += self._wasted_responses(messages, succeeded=True) + 1
                        return result.output
                if not failure.retryable or self.attempts >= self.max_attempts:
                    raise _GaveUp(failure)
                await _role.pause(self._backoff())

    def _backoff(self) -> float:
        delay = self.settings.llm_backoff_s * 2.0 ** max(self.attempts - 1, 0)
        return min(delay, _MAX_BACKOFF_S)

    def _wasted_responses(self, messages: list[ModelMessage], *, succeeded: bool) -> int:
        """Responses that spent an attempt: neither a call of the role's tools nor the answer."""
        responses = [m for m in messages if isinstance(m, ModelResponse)]
        if succeeded:
            responses = responses[:-1]
        return sum(1 for r in responses if not self._calls_own_tool(r))

    def _calls_own_tool(self, response: ModelResponse) -> bool:
        return any(
            isinstance(p, ToolCallPart) and p.tool_name in self.tool_names for p in response.parts
        )

    def _classify(self, exc: AgentRunError) -> _Failure:
        refused = _refusal_in_chain(exc)
        if refused is not None:
            raise refused from exc
        if isinstance(exc, UsageLimitExceeded):
            return _Failure(False, f"kept calling tools past the request limit ({exc})")
        if isinstance(exc, ModelTimeoutError | ModelRequestTimeout):
            return _Failure(True, f"timed out (limit {self.settings.llm_timeout_s:g} s)")
        if isinstance(exc, ModelHTTPError):
            status = exc.status_code
            detail = _error_detail(exc.body)
            if status == 429:
                return _Failure(True, f"was rate limited (HTTP 429: {detail})")
            if status >= 500 or status in _RETRYABLE_STATUS:
                return _Failure(True, f"failed with HTTP {status} ({detail})")
            return _Failure(
                False,
                f"rejected the request with HTTP {status} ({detail})",
                hint="; check the base URL, API key and model name",
            )
        if isinstance(exc, ModelConnectionError):
            return _Failure(
                True,
                f"could not be reached at {self.settings.llm_base_url} ({_one_line(str(exc))})",
            )
        if isinstance(exc, ModelAPIError):
            return _Failure(True, f"sent a response that could not be read ({_one_line(str(exc))})")
        if isinstance(exc, UnexpectedModelBehavior):
            return _Failure(
                True,
                f"gave output that does not fit {_type_name(self.call.output_type)} "
                f"({_output_problem(exc)})",
            )
        # Another AgentRunError (a cancelled run, a concurrency limit) is not the model's
        # fault and not ours to hide.
        raise exc


class _GaveUp(Exception):
    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.description)
        self.failure = failure


def _refusal_in_chain(exc: BaseException) -> ModelRequestRefused | None:
    """The guard's refusal, if the SDK wrapped it in a connection error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ModelRequestRefused):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _tool_name(tool: Callable[..., Any]) -> str:
    name = getattr(tool, "name", None) or getattr(tool, "__name__", "")
    return str(name)


def _output_problem(exc: UnexpectedModelBehavior) -> str:
    """The schema errors, compact ("confidence: Input should be <= 1"), else the message."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'output'}: {e['msg']}"
            for e in cause.errors(include_url=False)
        ]
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        return _one_line("; ".join(problems[:3]) + more)
    return _one_line(str(exc))


def _error_detail(body: object) -> str:
    """The message of an OpenAI-style error body, else the body itself, on one line."""
    if isinstance(body, dict):
        message = body.get("message") or body.get("error")
        if isinstance(message, dict):
            message = message.get("message")
        if message:
            return _one_line(str(message))
    return _one_line(str(body))


def _type_name(tp: type[Any]) -> str:
    return getattr(tp, "__name__", str(tp))


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
