"""Access tokens: exchanged for an API key, accepted wherever a key is, with the key's role."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, sample_incident_body
from tests.api.secured import TOKEN_PATH, secured_app
from warroom.api.security import SecurityOptions
from warroom.api.tokens import TokenSigner
from warroom.config import Settings
from warroom.store import KeyRole

INCIDENTS = "/api/v1/incidents"
SECRET = "s" * 40


@pytest.fixture
def app_client(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    app = secured_app(settings, SecurityOptions(jwt_secret=SECRET, token_ttl_s=600))
    with TestClient(app) as client:
        yield client


def token_for(client: TestClient, keys: Keys, role: str) -> str:
    response = client.post(TOKEN_PATH, headers=keys.headers(role))
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_exchange_returns_a_short_lived_jwt_carrying_the_keys_role(
    app_client: TestClient, keys: Keys
) -> None:
    response = app_client.post(TOKEN_PATH, headers=keys.responder)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "responder"
    assert 0 < body["expires_in"] <= 600
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], issuer="warroom")
    assert claims["role"] == "responder"
    assert claims["sub"] == body["key_id"]
    assert claims["exp"] - claims["iat"] <= 600


def test_key_may_be_sent_in_the_body_whole_or_as_id_and_secret(
    app_client: TestClient, keys: Keys
) -> None:
    plaintext = keys.secrets["viewer"]
    whole = app_client.post(TOKEN_PATH, json={"api_key": plaintext})
    assert whole.status_code == 200, whole.text
    ident, secret = plaintext.removeprefix("wr_").split("_", 1)
    split = app_client.post(TOKEN_PATH, json={"key_id": f"key_{ident}", "secret": secret})
    assert split.status_code == 200, split.text
    assert split.json()["key_id"] == f"key_{ident}"
    half = app_client.post(TOKEN_PATH, json={"key_id": f"key_{ident}"})
    assert half.status_code == 422
    assert "both key_id and secret" in half.json()["detail"]


def test_token_is_accepted_wherever_a_key_is_and_keeps_the_roles_limits(
    app_client: TestClient, keys: Keys
) -> None:
    viewer = bearer(token_for(app_client, keys, "viewer"))
    responder = bearer(token_for(app_client, keys, "responder"))
    assert app_client.get(INCIDENTS, headers=viewer).status_code == 200
    refused = app_client.post(INCIDENTS, json=sample_incident_body(), headers=viewer)
    assert refused.status_code == 403
    assert "role responder or higher" in refused.json()["detail"]
    created = app_client.post(INCIDENTS, json=sample_incident_body(), headers=responder)
    assert created.status_code == 201
    assert app_client.get("/api/v1/keys", headers=responder).status_code == 403


def test_expired_token_answers_401_saying_how_to_get_a_new_one(
    settings: Settings, keys: Keys
) -> None:
    app = secured_app(settings, SecurityOptions(jwt_secret=SECRET))
    with TestClient(app) as client:
        expired = jwt.encode(
            {"iss": "warroom", "sub": "key_x", "role": "admin", "iat": 1, "exp": 2},
            SECRET,
            algorithm="HS256",
        )
        response = client.get(INCIDENTS, headers=bearer(expired))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert "/api/v1/auth/token" in response.json()["detail"]


def test_token_past_its_lifetime_on_the_signers_clock_is_rejected() -> None:
    now = [time.time()]
    signer = TokenSigner(SECRET, ttl_s=60, clock=lambda: now[0])
    token, _ = signer.issue(key_id="key_a", key_name="a", role=KeyRole.VIEWER)
    assert signer.verify(token).role is KeyRole.VIEWER
    now[0] += 61
    with pytest.raises(Exception, match="expired"):
        signer.verify(token)


def test_forged_or_tampered_tokens_answer_401(app_client: TestClient, keys: Keys) -> None:
    forged = jwt.encode(
        {"iss": "warroom", "sub": "key_x", "role": "admin", "iat": 1, "exp": 4_000_000_000},
        "another-secret-that-is-long-enough-000",
        algorithm="HS256",
    )
    response = app_client.get(INCIDENTS, headers=bearer(forged))
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"

    token = token_for(app_client, keys, "viewer")
    header, _payload, signature = token.split(".")
    escalated = jwt.encode(
        {**jwt.decode(token, options={"verify_signature": False}), "role": "admin"},
        "x" * 40,
        algorithm="HS256",
    ).split(".")[1]
    tampered = f"{header}.{escalated}.{signature}"
    assert app_client.get("/api/v1/keys", headers=bearer(tampered)).status_code == 401

    unsigned = jwt.encode(
        {"iss": "warroom", "sub": "key_x", "role": "admin", "iat": 1, "exp": 4_000_000_000},
        None,
        algorithm="none",
    )
    assert app_client.get(INCIDENTS, headers=bearer(unsigned)).status_code == 401


def test_token_stops_working_when_its_key_is_revoked(app_client: TestClient, keys: Keys) -> None:
    made = app_client.post(
        "/api/v1/keys", json={"role": "viewer", "name": "bot"}, headers=keys.admin
    ).json()
    token = app_client.post(TOKEN_PATH, json={"api_key": made["secret"]}).json()["access_token"]
    assert app_client.get(INCIDENTS, headers=bearer(token)).status_code == 200
    app_client.delete(f"/api/v1/keys/{made['key']['id']}", headers=keys.admin)
    response = app_client.get(INCIDENTS, headers=bearer(token))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_cannot_be_exchanged_for_another_token(app_client: TestClient, keys: Keys) -> None:
    token = token_for(app_client, keys, "admin")
    response = app_client.post(TOKEN_PATH, headers=bearer(token))
    assert response.status_code == 401
    assert "tokens cannot be renewed" in response.json()["detail"]


def test_exchange_with_a_bad_key_answers_401_and_is_audited(
    app_client: TestClient, keys: Keys
) -> None:
    assert app_client.post(TOKEN_PATH, json={"api_key": "wr_0000_nope"}).status_code == 401
    assert app_client.post(TOKEN_PATH).status_code == 401
    token_for(app_client, keys, "viewer")
    entries = app_client.get("/api/v1/audit", headers=keys.admin).json()["data"]
    seen = [(e["path"], e["status_code"], e["key_name"]) for e in entries]
    assert seen == [
        (TOKEN_PATH, 401, None),
        (TOKEN_PATH, 401, None),
        (TOKEN_PATH, 200, "test-viewer"),
    ]


def test_token_lifetime_can_be_shortened_but_not_lengthened(
    app_client: TestClient, keys: Keys
) -> None:
    short = app_client.post(TOKEN_PATH, json={"ttl_s": 30}, headers=keys.viewer).json()
    assert short["expires_in"] == 30
    long = app_client.post(TOKEN_PATH, json={"ttl_s": 99_999}, headers=keys.viewer).json()
    assert long["expires_in"] == 600


def test_a_short_signing_secret_is_refused_when_the_app_is_built(settings: Settings) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        secured_app(settings, SecurityOptions(jwt_secret="short"))


def test_apps_without_a_configured_secret_do_not_accept_each_others_tokens(
    settings: Settings, keys: Keys
) -> None:
    with TestClient(secured_app(settings)) as first:
        token = token_for(first, keys, "viewer")
        assert first.get(INCIDENTS, headers=bearer(token)).status_code == 200
    with TestClient(secured_app(settings)) as second:
        assert second.get(INCIDENTS, headers=bearer(token)).status_code == 401
