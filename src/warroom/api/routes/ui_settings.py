"""``/settings``: what the server runs with, for admins, without secrets (read-only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter

from warroom.api.deps import AdminKey, StateDep
from warroom.api.routes.responses import errors
from warroom.api.schemas.ui import RoleModel, SettingsPublic
from warroom.config import AGENT_ROLES, Settings

router = APIRouter(tags=["ui"])


def endpoint_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of ``url``: no user, password, path or query."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(set, not a valid URL)"
    if not parts.scheme or not parts.hostname:
        return "(set, not a valid URL)"
    return f"{parts.scheme}://{parts.hostname}{port}"


def database_kind(settings: Settings) -> str:
    scheme = settings.resolved_database_url.split(":", 1)[0]
    return scheme.split("+", 1)[0] or "unknown"


def role_models(settings: Settings) -> list[RoleModel]:
    rows = []
    for role in AGENT_ROLES:
        model = settings.model_for(role)
        if model is None:
            rows.append(RoleModel(role=role, model=None, source="offline"))
        elif role in settings.llm_role_models:
            rows.append(RoleModel(role=role, model=model, source="role"))
        else:
            rows.append(RoleModel(role=role, model=model, source="default"))
    return rows


@router.get("/settings", operation_id="settings_get", responses=errors())
async def get_settings(state: StateDep, _key: AdminKey) -> SettingsPublic:
    """The model of each agent role, language, debate and upload limits. Keys and secrets are
    never included; change these with ``WARROOM_*`` variables or ``warroom.toml``."""
    settings = state.settings
    return SettingsPublic(
        lang=settings.lang,
        debate_rounds=settings.debate_rounds,
        window_seconds=settings.window.total_seconds(),
        models=role_models(settings),
        llm_endpoint=endpoint_of(settings.llm_base_url),
        llm_timeout_s=settings.llm_timeout_s,
        llm_max_retries=settings.llm_max_retries,
        runner="celery" if settings.broker_url else "inline",
        database=database_kind(settings),
        max_upload_bytes=state.limits.max_upload_bytes,
        max_upload_request_bytes=state.limits.max_upload_request_bytes,
        max_body_bytes=state.limits.max_body_bytes,
    )
