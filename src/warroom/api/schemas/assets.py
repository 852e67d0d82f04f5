"""Assets over the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from warroom.domain import Asset, AssetKind, AssetState


class AssetPublic(BaseModel):
    id: str
    incident_id: str | None
    state: AssetState
    kind: AssetKind
    name: str
    sha256: str
    size: int
    media_type: str
    created_at: datetime

    @classmethod
    def of(cls, asset: Asset) -> AssetPublic:
        return cls.model_validate(asset.model_dump())


class AssetsPublic(BaseModel):
    data: list[AssetPublic]
    count: int
