"""What every design-asset reader returns: a graph fragment and the problems it met."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from warroom.domain.graph import GraphFragment


class DesignKind(StrEnum):
    OPENAPI = "openapi"
    DDL = "ddl"
    DOMAIN = "domain"
    CASES = "cases"


class DesignError(BaseModel):
    """A problem in one design file; the rest of the file and the other files still load."""

    path: str
    line: int | None = None
    expected: str
    found: str

    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: expected {self.expected}, found {self.found}"


class Parsed(BaseModel):
    """One file read by one reader."""

    kind: DesignKind
    fragment: GraphFragment = Field(default_factory=GraphFragment)
    errors: list[DesignError] = Field(default_factory=list)
    skipped: int = Field(default=0, description="Statements or entries understood and ignored.")


def clip(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters, for an error's ``found``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
