"""``/webhooks``: alerts in (Alertmanager, Grafana, generic JSON), webhook secrets (admin).

An alert request is authenticated by a webhook token made with ``POST /webhooks/secrets``:
``Authorization: Bearer <token>``, ``?token=<token>``, or an HMAC-SHA256 of the raw body keyed
with the token in ``X-Warroom-Signature: sha256=<hex>``. API keys do not work here and
webhook tokens work nowhere else. A request answers 202 once its alerts are committed
(concurrent requests share a transaction: the store group-commits them); alert text is
masked before it is stored.

With ``investigate`` on (the secret's setting, or ``?investigate=true``), a new incident
starts a debate over its runtime assets; a webhook-opened incident has none yet, so it is
marked (``metadata.auto_investigate``) and its first runtime upload starts the debate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlalchemy.exc import SQLAlchemyError

from warroom.api.deps import AdminKey, CurrentKey, OffsetQuery, StoreDep
from warroom.api.routes.debates import launch_debate
from warroom.api.routes.responses import errors
from warroom.api.schemas import ErrorPublic
from warroom.api.schemas.webhooks import (
    AlertsPublic,
    AutoInvestigation,
    WebhookAccepted,
    WebhookSecretCreate,
    WebhookSecretCreated,
    WebhookSecretPublic,
    WebhookSecretsPublic,
)
from warroom.api.state import ApiState
from warroom.domain import AssetState
from warroom.ingest.alerts import (
    Alert,
    AlertPayloadError,
    parse_alertmanager,
    parse_generic,
    parse_grafana,
)
from warroom.store import WebhookSecretInfo

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Warroom-Signature"
_Parser = Callable[..., list[Alert]]
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
_WAITING = (
    "the incident has no runtime assets yet; upload logs, metrics and traces with "
    "POST /api/v1/assets/runtime (all in one request): the upload starts the debate "
    "(send investigate=false with it to start later with POST /api/v1/debates)"
)
_Investigate = Annotated[
    bool | None,
    Query(description="Start a debate for each new incident; default: the secret's setting."),
]
_ALERT_ERRORS: dict[int | str, dict[str, Any]] = {
    **errors(413, 422),
    503: {
        "model": ErrorPublic,
        "description": "The alerts could not be stored; nothing was recorded, send again.",
    },
}
_Token = Annotated[str | None, Query(description="The webhook token, for senders without headers.")]


async def _app_state(request: Request) -> ApiState:
    # A coroutine, not a plain function: FastAPI would run that in a worker thread, which
    # costs more than the rest of a one-alert request.
    state: ApiState = request.app.state.warroom
    return state


_State = Annotated[ApiState, Depends(_app_state)]


def _denied(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def _sender(
    request: Request, state: ApiState, body: bytes, token: str | None
) -> WebhookSecretInfo:
    """The webhook secret that vouches for this request, or 401."""
    signature = request.headers.get(SIGNATURE_HEADER)
    auth = request.headers.get("Authorization", "")
    bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    found: WebhookSecretInfo | None = None
    if signature:
        algo, _, hexdigest = signature.partition("=")
        if algo.strip().lower() != "sha256" or not hexdigest:
            raise _denied(f"expected '{SIGNATURE_HEADER}: sha256=<hex>', got {signature[:80]!r}")
        found = await state.store.verify_webhook_signature(body=body, signature_hex=hexdigest)
    elif bearer or token:
        found = await state.store.verify_webhook_token(token=(bearer or token or "").strip())
    else:
        raise _denied(
            "expected a webhook token ('Authorization: Bearer whk_...' or '?token=whk_...') "
            f"or a body signature ('{SIGNATURE_HEADER}: sha256=<hex>'); an admin creates one "
            "with POST /api/v1/webhooks/secrets"
        )
    if found is None:
        raise _denied("the webhook token or signature is not valid (unknown, revoked or wrong)")
    return found


async def _receive(
    request: Request,
    state: ApiState,
    parse: _Parser,
    token: str | None,
    investigate: bool | None,
) -> WebhookAccepted:
    body = await request.body()
    sender = await _sender(request, state, body, token)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"expected a JSON body, got one that does not parse: {exc}",
        ) from None
    try:
        alerts = parse(payload)
    except AlertPayloadError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    wanted = investigate if investigate is not None else sender.investigate
    try:
        outcomes = await state.store.ingest_alerts(alerts=alerts, investigate=wanted)
    except SQLAlchemyError as exc:
        # Its batch was retried alone and failed alone: nothing of this request was stored.
        log.exception("alerts of a %s webhook request were not stored", parse.__name__)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"the alerts were not stored (database error {type(exc).__name__}); nothing "
            "of this request was recorded, send it again",
            headers={"Retry-After": "5"},
        ) from None
    incident_ids = list(dict.fromkeys(o.incident_id for o in outcomes if o.incident_id))
    new_ids = [o.incident_id for o in outcomes if o.new_incident and o.incident_id]
    request.state.resource_id = ",".join(incident_ids)[:255] or None
    started: list[AutoInvestigation] = []
    if wanted:
        started = [await _investigate(state, i) for i in new_ids]
    return WebhookAccepted(
        received=len(alerts),
        duplicates=sum(o.duplicate for o in outcomes),
        incident_ids=incident_ids,
        new_incident_ids=new_ids,
        alerts=outcomes,
        investigations=started,
    )


async def _investigate(state: ApiState, incident_id: str) -> AutoInvestigation:
    """Start a debate over the incident's runtime assets, or say it waits for them."""
    incident = await state.store.get_incident(incident_id=incident_id)
    if incident is None:
        return AutoInvestigation(incident_id=incident_id, status="gone", detail="deleted")
    assets = [
        a
        for a in await state.store.list_assets(incident_id=incident_id)
        if a.state == AssetState.RUNTIME
    ]
    if not assets:
        return AutoInvestigation(
            incident_id=incident_id, status="waiting_for_assets", detail=_WAITING
        )
    run_id = await launch_debate(state, incident, assets)
    return AutoInvestigation(incident_id=incident_id, status="started", run_id=run_id)


@router.post(
    "/alertmanager",
    operation_id="webhooks_alertmanager",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_ALERT_ERRORS,
    openapi_extra=_BODY_DOC,
)
async def alertmanager(
    request: Request, state: _State, token: _Token = None, investigate: _Investigate = None
) -> WebhookAccepted:
    """Alertmanager's webhook (``version`` 4). Point a receiver's ``webhook_configs.url`` here."""
    return await _receive(request, state, parse_alertmanager, token, investigate)


@router.post(
    "/grafana",
    operation_id="webhooks_grafana",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_ALERT_ERRORS,
    openapi_extra=_BODY_DOC,
)
async def grafana(
    request: Request, state: _State, token: _Token = None, investigate: _Investigate = None
) -> WebhookAccepted:
    """Grafana's webhook contact point (unified alerting, or the legacy notification)."""
    return await _receive(request, state, parse_grafana, token, investigate)


@router.post(
    "/generic",
    operation_id="webhooks_generic",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_ALERT_ERRORS,
    openapi_extra=_BODY_DOC,
)
async def generic(
    request: Request, state: _State, token: _Token = None, investigate: _Investigate = None
) -> WebhookAccepted:
    """Any JSON alert: an object, a list, or ``{"alerts": [...]}``; each needs a ``name``."""
    return await _receive(request, state, parse_generic, token, investigate)


@router.post(
    "/secrets",
    status_code=status.HTTP_201_CREATED,
    operation_id="webhooks_secrets_create",
    responses=errors(422),
)
async def create_secret(
    body: WebhookSecretCreate, request: Request, store: StoreDep, key: AdminKey
) -> WebhookSecretCreated:
    """A webhook token for one sender; the answer holds it, and it is never shown again."""
    info, token = await store.create_webhook_secret(
        name=body.name, investigate=body.investigate, created_by=key.id
    )
    request.state.resource_id = info.id
    return WebhookSecretCreated(secret=WebhookSecretPublic.of(info), token=token)


@router.get("/secrets", operation_id="webhooks_secrets_list", responses=errors())
async def list_secrets(store: StoreDep, _key: AdminKey) -> WebhookSecretsPublic:
    found = [WebhookSecretPublic.of(s) for s in await store.list_webhook_secrets()]
    return WebhookSecretsPublic(data=found, count=len(found))


@router.delete(
    "/secrets/{secret_id}", operation_id="webhooks_secrets_revoke", responses=errors(404)
)
async def revoke_secret(secret_id: str, store: StoreDep, _key: AdminKey) -> WebhookSecretPublic:
    """Revoke a webhook token: its sender is refused from now on."""
    return WebhookSecretPublic.of(await store.revoke_webhook_secret(secret_id=secret_id))


@router.get("/alerts", operation_id="webhooks_alerts_list", responses=errors(422))
async def list_alerts(
    store: StoreDep,
    _key: CurrentKey,
    incident_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: OffsetQuery = 0,
) -> AlertsPublic:
    """Received alerts, most recently seen first (one row per fingerprint)."""
    found = await store.list_alerts(incident_id=incident_id, limit=limit, offset=offset)
    return AlertsPublic(data=found, count=len(found))
