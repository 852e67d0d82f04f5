"""API keys and the audit log over the wire."""

from __future__ import annotations

from pydantic import BaseModel, Field

from warroom.store import ApiKeyInfo, AuditEntry, KeyRole


class ApiKeyCreate(BaseModel):
    role: KeyRole
    name: str = Field(default="", max_length=200)


class ApiKeyPublic(ApiKeyInfo):
    pass


class ApiKeyCreated(BaseModel):
    key: ApiKeyPublic
    secret: str = Field(description="The key itself. Shown once: it is not stored.")


class ApiKeysPublic(BaseModel):
    data: list[ApiKeyPublic]
    count: int


class AuditEntriesPublic(BaseModel):
    data: list[AuditEntry]
    count: int
