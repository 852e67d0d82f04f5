"""The one settings class. Nothing else in warroom reads the environment.

Values come from ``WARROOM_*`` environment variables, then an optional ``warroom.toml``
in the working directory, then the defaults below. Settings are built by the entry
points (CLI, API) and passed inward; no module creates them at import time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

Lang = Literal["en", "zh"]
AgentRole = Literal["log", "domain", "code", "critic", "rebuttal", "judge"]
AGENT_ROLES: tuple[AgentRole, ...] = ("log", "domain", "code", "critic", "rebuttal", "judge")


class Settings(BaseSettings):
    """Everything warroom can be told, with the defaults of the embedded mode."""

    model_config = SettingsConfigDict(
        env_prefix="WARROOM_",
        env_nested_delimiter="__",
        toml_file="warroom.toml",
        extra="ignore",
    )

    data_dir: Path = Field(
        default=Path(".warroom"),
        description="Where the SQLite database and the blob folder live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is a SQLite file in data_dir.",
    )
    lang: Lang = "en"
    window: timedelta = Field(
        default=timedelta(minutes=30),
        description="Telemetry window around the alert time that an investigation reads.",
    )
    debate_rounds: int = Field(default=3, ge=0, le=10)

    # Distributed runs. With no broker, runs are asyncio tasks in the API process.
    broker_url: str | None = Field(
        default=None,
        description="Celery broker (Redis) URL; `warroom serve` then queues runs for "
        "`warroom worker` processes.",
    )
    broker_prefix: str = Field(default="warroom", description="Key and queue prefix on Redis.")
    repo_roots: list[Path] = Field(
        default_factory=list,
        description="Folders under which `POST /api/v1/assets/development` may index a git "
        "repository (env WARROOM_REPO_ROOTS, a JSON list: '[\"/srv/repos\"]'); empty: any "
        "folder the server can read, for admin keys.",
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HS256 secret (>= 32 bytes) for access tokens; random per process if unset "
        "(tokens then end with the process and are not shared between API processes).",
    )

    # Models. With no base URL every role runs on the offline reasoner.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = Field(default=None, description="Default model for every role.")
    llm_role_models: dict[str, str] = Field(
        default_factory=dict,
        description="Per-role model names, e.g. {'judge': 'deepseek-chat'}.",
    )
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_backoff_s: float = Field(default=1.0, ge=0)
    llm_price_per_mtok: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="USD per million (input, output) tokens by model name, for cost accounting.",
    )
    allow_model_requests: bool = Field(
        default=True,
        description="Global switch; the test suite turns it off so no real model is ever called.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'warroom.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    def model_for(self, role: str) -> str | None:
        """The model name a role should call, or None for the offline reasoner."""
        if not self.llm_base_url:
            return None
        return self.llm_role_models.get(role) or self.llm_model
