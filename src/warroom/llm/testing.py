"""A scripted OpenAI-compatible HTTP server on loopback, for tests and demos.

`ScriptedOpenAIServer` answers ``POST /v1/chat/completions`` with replies a test queued
beforehand, one reply per request, in order, and records every request it received. The real
client code (openai SDK, pydantic-ai, warroom's retry loop and guard) runs unchanged against it,
so a test exercises the same path production does, with the fault injected at the boundary::

    with ScriptedOpenAIServer() as server:
        server.enqueue(ScriptedReply.status(429), ScriptedReply.output({"summary": "ok"}))
        settings = Settings(llm_base_url=server.base_url, llm_model="glm-4")
        ...
        assert server.requests[0].model == "glm-4"

What a caller may rely on:

- The server binds 127.0.0.1 on a free port; `base_url` ends in ``/v1`` as OpenAI clients expect.
- A request that arrives with no reply queued gets HTTP 500 with a body saying so, and is
  still recorded; `unexpected_requests` counts them.
- A delayed reply sleeps before answering; leaving the context manager cuts every sleep short,
  so a test that timed out its client never waits for the full delay.
- `ScriptedReply.output(...)` answers with a call of pydantic-ai's default output tool
  (``final_result``), which is how a typed output arrives in tool-output mode.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from pydantic import BaseModel

OUTPUT_TOOL_NAME = "final_result"


@dataclass(frozen=True)
class ScriptedReply:
    """One queued answer: an HTTP status and a body, optionally after a delay."""

    status: int = 200
    body: str = ""
    delay_s: float = 0.0
    content_type: str = "application/json"

    @classmethod
    def text(cls, content: str, *, input_tokens: int = 10, output_tokens: int = 5) -> ScriptedReply:
        """A chat completion whose assistant message is plain text."""
        message: dict[str, Any] = {"role": "assistant", "content": content}
        return cls(body=_completion(message, "stop", input_tokens, output_tokens))

    @classmethod
    def tool_call(
        cls,
        name: str,
        arguments: dict[str, Any] | BaseModel | str,
        *,
        call_id: str = "call_1",
        input_tokens: int = 10,
        output_tokens: int = 5,
    ) -> ScriptedReply:
        """A chat completion that calls tool `name`; a str `arguments` is sent verbatim."""
        if isinstance(arguments, BaseModel):
            arguments = arguments.model_dump_json()
        elif not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
        return cls(body=_completion(message, "tool_calls", input_tokens, output_tokens))

    @classmethod
    def output(
        cls,
        value: dict[str, Any] | BaseModel | str,
        *,
        input_tokens: int = 10,
        output_tokens: int = 5,
    ) -> ScriptedReply:
        """The typed output, delivered as a call of the default output tool."""
        return cls.tool_call(
            OUTPUT_TOOL_NAME,
            value,
            call_id="call_output",
            input_tokens=input_tokens,
            output_tokens=output_tokens,
        )

    @classmethod
    def status_error(cls, status: int, message: str = "scripted error") -> ScriptedReply:
        """An HTTP error (429, 500, 503...) with an OpenAI-style error body."""
        body = json.dumps({"error": {"message": message, "type": "scripted", "code": status}})
        return cls(status=status, body=body)

    @classmethod
    def malformed(cls, body: str = '{"choices": [ this is not json') -> ScriptedReply:
        """HTTP 200 whose body is not JSON at all."""
        return cls(body=body)

    def delayed(self, seconds: float) -> ScriptedReply:
        """The same reply, sent only after `seconds` (longer than a client timeout to time out)."""
        return ScriptedReply(self.status, self.body, seconds, self.content_type)


def _completion(
    message: dict[str, Any], finish_reason: str, input_tokens: int, output_tokens: int
) -> str:
    return json.dumps(
        {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "scripted",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {
                "prompt_tokens": input_tokens,
                "completion_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
    )


@dataclass
class RecordedRequest:
    """What the server received: path, headers and the decoded JSON body ({} if not JSON)."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> str | None:
        value = self.body.get("model")
        return value if isinstance(value, str) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        value = self.body.get("messages")
        return value if isinstance(value, list) else []

    @property
    def tool_names(self) -> list[str]:
        """Names of the tools offered to the model, output tools included."""
        tools = self.body.get("tools")
        if not isinstance(tools, list):
            return []
        return [str(t.get("function", {}).get("name")) for t in tools if isinstance(t, dict)]

    def text_of(self, role: str) -> str:
        """All text content of messages with `role` (system, user, tool...), joined by newlines."""
        parts: list[str] = []
        for message in self.messages:
            if message.get("role") != role:
                continue
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):
                parts.extend(str(c.get("text", "")) for c in content if isinstance(c, dict))
        return "\n".join(parts)


class ScriptedOpenAIServer:
    """A loopback OpenAI-compatible server that answers with queued `ScriptedReply`s."""

    def __init__(self) -> None:
        self._replies: deque[ScriptedReply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.unexpected_requests = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def enqueue(self, *replies: ScriptedReply) -> None:
        """Queue replies; each request takes the oldest one."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Replies queued but not yet sent."""
        with self._lock:
            return len(self._replies)

    def start(self) -> None:
        # A short poll interval keeps `stop()` (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="scripted-openai",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _take(self, request: RecordedRequest) -> ScriptedReply:
        with self._lock:
            self.requests.append(request)
            if self._replies:
                return self._replies.popleft()
            self.unexpected_requests += 1
        return ScriptedReply.status_error(
            500, f"scripted server: no reply queued for request #{len(self.requests)}"
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except json.JSONDecodeError:
                    body = {}
                recorded = RecordedRequest(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body if isinstance(body, dict) else {},
                )
                reply = server._take(recorded)
                if reply.delay_s and server._stopping.wait(reply.delay_s):
                    return
                payload = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (timed out) before the delayed reply; that is the point.
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                # Quiet: tests assert on `requests`, not on stderr.
                pass

        return Handler
