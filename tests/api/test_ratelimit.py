"""Rate limits per key: a token bucket each, 429 with Retry-After past it, health exempt."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys
from tests.api.secured import TOKEN_PATH, secured_app
from warroom.api.ratelimit import RateLimit, RateLimiter
from warroom.api.security import SecurityOptions
from warroom.config import Settings

INCIDENTS = "/api/v1/incidents"


def tight(settings: Settings, burst: int = 3) -> TestClient:
    return TestClient(
        secured_app(settings, SecurityOptions(rate_limit=RateLimit(per_minute=6, burst=burst)))
    )


def test_bucket_allows_a_burst_then_says_how_long_to_wait() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(per_minute=60, burst=2), clock=lambda: now[0])
    assert limiter.take("a") is None
    assert limiter.take("a") is None
    wait = limiter.take("a")
    assert wait == pytest.approx(1.0)
    now[0] += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("a") is None
    assert limiter.take("b") is None  # another key has its own bucket


def test_bucket_refills_no_higher_than_its_burst() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(per_minute=60, burst=2), clock=lambda: now[0])
    now[0] += 3600
    assert [limiter.take("a") is None for _ in range(3)] == [True, True, False]


def test_over_the_limit_answers_429_with_retry_after_and_a_message(
    settings: Settings, keys: Keys
) -> None:
    with tight(settings) as client:
        codes = [client.get(INCIDENTS, headers=keys.viewer).status_code for _ in range(4)]
        refused = client.get(INCIDENTS, headers=keys.viewer)
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    detail = refused.json()["detail"]
    assert "rate limit of 6 requests a minute" in detail
    assert "retry in" in detail


def test_limits_are_per_key(settings: Settings, keys: Keys) -> None:
    with tight(settings, burst=1) as client:
        assert client.get(INCIDENTS, headers=keys.viewer).status_code == 200
        assert client.get(INCIDENTS, headers=keys.viewer).status_code == 429
        assert client.get(INCIDENTS, headers=keys.responder).status_code == 200


def test_health_is_exempt(settings: Settings, keys: Keys) -> None:
    with tight(settings, burst=1) as client:
        assert all(client.get("/api/v1/health").status_code == 200 for _ in range(10))


def test_a_token_shares_its_keys_bucket(settings: Settings, keys: Keys) -> None:
    with tight(settings, burst=2) as client:
        token = client.post(TOKEN_PATH, headers=keys.viewer).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert client.get(INCIDENTS, headers=auth).status_code == 200
        assert client.get(INCIDENTS, headers=auth).status_code == 429
        assert client.post(TOKEN_PATH, headers=keys.viewer).status_code == 429


def test_limiting_can_be_turned_off(settings: Settings, keys: Keys) -> None:
    app = secured_app(settings, SecurityOptions(rate_limit=None))
    with TestClient(app) as client:
        assert all(
            client.get(INCIDENTS, headers=keys.viewer).status_code == 200 for _ in range(300)
        )


def test_a_nonsensical_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="per_minute > 0 and burst >= 1"):
        RateLimit(per_minute=0)
