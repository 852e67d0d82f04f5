"""Assets over the wire.

Whether an upload was masked at rest is recorded as a parameter of its stored media type
(``...; masking=masked``); ``AssetPublic`` shows it as ``masking`` and the media type without
it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from warroom.api.schemas.webhooks import AutoInvestigation
from warroom.domain import Asset, AssetKind, AssetState

MASKING_PARAMETER = "masking"


class Masking(StrEnum):
    """``masked``: text, secrets and personal data replaced before it was stored;
    ``binary_kept``: runtime content that is not text (compressed, binary), stored as uploaded;
    ``kept``: a development or design file, stored as uploaded; ``unknown``: stored before
    uploads were masked."""

    MASKED = "masked"
    BINARY_KEPT = "binary_kept"
    KEPT = "kept"
    UNKNOWN = "unknown"


def with_masking(media_type: str, masking: Masking) -> str:
    """``media_type`` (a sender's ``masking`` parameter dropped) with ours appended."""
    base, _ = split_masking(media_type)
    return f"{base[:200]}; {MASKING_PARAMETER}={masking.value}"


def split_masking(media_type: str) -> tuple[str, Masking]:
    """The media type without its ``masking`` parameter, and that parameter's value."""
    kept: list[str] = []
    found = Masking.UNKNOWN
    for part in media_type.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip().lower() == MASKING_PARAMETER:
            try:
                found = Masking(value.strip())
            except ValueError:
                found = Masking.UNKNOWN
        elif part.strip():
            kept.append(part.strip())
    return "; ".join(kept), found


class AssetPublic(BaseModel):
    id: str
    incident_id: str | None
    state: AssetState
    kind: AssetKind
    name: str
    sha256: str = Field(description="Of the bytes stored (masked, for runtime text uploads).")
    size: int = Field(description="Bytes stored (masked, for runtime text uploads).")
    media_type: str
    masking: Masking = Field(description="What was masked before the file was stored.")
    created_at: datetime

    @classmethod
    def of(cls, asset: Asset) -> AssetPublic:
        media_type, masking = split_masking(asset.media_type)
        return cls.model_validate(
            {**asset.model_dump(), "media_type": media_type, "masking": masking}
        )


class AssetsPublic(BaseModel):
    data: list[AssetPublic]
    count: int
    masked_secrets: int | None = Field(
        default=None, description="Upload answers: secrets masked in this request's files."
    )
    investigation: AutoInvestigation | None = Field(
        default=None,
        description="Upload answers: the debate this runtime upload started, if it did one.",
    )
