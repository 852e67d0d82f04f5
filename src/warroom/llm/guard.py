"""The global switch that refuses real model requests (tests, air-gapped runs).

When model requests are not allowed, a request to any host that is not loopback
(127.0.0.0/8, ::1, ``localhost``) is refused with `ModelRequestRefused` before a connection is
attempted: no DNS lookup, no socket. Loopback stays reachable, so a test can run the real client
against a scripted server it started (see `warroom.llm.testing`).

Requests are refused when either holds:

- ``Settings.allow_model_requests`` is False (``WARROOM_ALLOW_MODEL_REQUESTS=false``), or
- the process-wide switch `refuse_remote_model_requests` was turned on, which the test suite
  does once for the whole session so that no test can reach a real model by building its own
  `Settings(allow_model_requests=True)`.

The refusal is loud: `run_role` re-raises it rather than falling back to the offline reasoner,
because a silent fallback would hide a misconfigured test or deployment.

pydantic-ai's own ``models.ALLOW_MODEL_REQUESTS`` is not used for this: it refuses every
request of a real model class, loopback included, which would keep tests from exercising the
real OpenAI client against the scripted server. This guard is host-based instead.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import httpx2

_REFUSE_REMOTE = False


class ModelRequestRefused(RuntimeError):
    """A model request to a non-loopback host while model requests are not allowed."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"refused a model request to {url!r}: model requests are not allowed here "
            "(WARROOM_ALLOW_MODEL_REQUESTS=false, or the test suite's switch), and only "
            "loopback hosts (127.0.0.0/8, ::1, localhost) may be called. Point the base URL "
            "at a local server, or allow model requests outside the test suite."
        )


def refuse_remote_model_requests(refuse: bool = True) -> None:
    """Turn the process-wide refusal on (or off). The test suite turns it on once."""
    global _REFUSE_REMOTE
    _REFUSE_REMOTE = refuse


def remote_requests_refused(allow_model_requests: bool) -> bool:
    """Whether non-loopback requests are refused, given the settings' own switch."""
    return _REFUSE_REMOTE or not allow_model_requests


def is_loopback_host(host: str) -> bool:
    """True for localhost names and loopback IP literals; never resolves a name."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_model_url(url: str, *, allow_model_requests: bool) -> None:
    """Raise `ModelRequestRefused` if `url` may not be called under the current switches."""
    if not remote_requests_refused(allow_model_requests):
        return
    host = urlsplit(url).hostname or ""
    if not is_loopback_host(host):
        raise ModelRequestRefused(url)


class GuardedTransport(httpx2.AsyncBaseTransport):
    """Checks every outgoing request (redirects included) before the wrapped transport runs."""

    def __init__(self, wrapped: httpx2.AsyncBaseTransport, *, allow_model_requests: bool) -> None:
        self._wrapped = wrapped
        self._allow = allow_model_requests

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        check_model_url(str(request.url), allow_model_requests=self._allow)
        return await self._wrapped.handle_async_request(request)

    async def aclose(self) -> None:
        await self._wrapped.aclose()
