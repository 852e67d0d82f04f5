"""Development and design assets, the incident fusion and graph queries over the wire.

Nodes, edges and paths are the domain's own models (``domain.graph``): ``Node`` is
``{id, kind, name, attrs}``, ``Edge`` ``{src, dst, kind, attrs}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from warroom.domain.graph import CodeLink, Edge, EdgeKind, GraphPath, Node
from warroom.domain.knowledge import CommitInfo, DomainPlacement, SimilarCase
from warroom.store import GraphSourceInfo, GraphSourceKind

MAX_COMMITS = 100_000


class DevelopmentCreate(BaseModel):
    """A git repository on the server to index (admin keys only: it reads a server path)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1,
        max_length=1024,
        description="Absolute path of a git repository, or of a folder inside one, on the "
        "server; under one of the configured repo_roots when any are set.",
        examples=["/srv/repos/order-service"],
    )
    service: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The service the whole repository is, as telemetry names it; left out, "
        "services are found per module (build files, application names).",
    )
    max_commits: int = Field(
        default=5000, ge=0, le=MAX_COMMITS, description="How much history to read."
    )


class GraphSourcePublic(BaseModel):
    """A stored source of graph content: a repository, a set of design documents, a
    confirmed case (``design``, location ``case:<incident id>``) or an incident."""

    id: str
    kind: GraphSourceKind
    location: str
    stats: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    nodes: int = Field(description="Nodes this source contributed.")
    edges: int = Field(description="Edges this source contributed.")

    @classmethod
    def of(cls, info: GraphSourceInfo) -> GraphSourcePublic:
        return cls.model_validate(info.model_dump())


class GraphSourcesPublic(BaseModel):
    data: list[GraphSourcePublic]
    count: int


class FileProblemPublic(BaseModel):
    path: str
    reason: str


class DevelopmentSourceCreated(BaseModel):
    source: GraphSourcePublic
    head: str = Field(description="The commit indexed.")
    problems: list[FileProblemPublic] = Field(
        description="Files that could not be parsed (the rest were indexed)."
    )


class DesignFilePublic(BaseModel):
    name: str
    kind: str | None = Field(description="openapi, ddl, domain or cases; null: none fits.")
    nodes: int
    edges: int
    skipped: int
    errors: list[str]


class DesignSourceCreated(BaseModel):
    source: GraphSourcePublic
    files: list[DesignFilePublic]


class CaseConfirmed(BaseModel):
    """The confirmed verdict as a case of the library; similar incidents recall it."""

    case: Node
    source: GraphSourcePublic


class FusionPublic(BaseModel):
    """What the development and design graph said about one incident (its report's
    ``knowledge``); empty lists when the investigation had no assets."""

    incident_id: str
    nodes: list[Node]
    edges: list[Edge]
    path: GraphPath | None = Field(description="From the symptom to the cause, if found.")
    links: list[CodeLink]
    placements: list[DomainPlacement]
    similar_cases: list[SimilarCase]
    commits: list[CommitInfo]
    sources: list[str] = Field(description="Repositories and documents the run used.")


class GraphCountsPublic(BaseModel):
    nodes: dict[str, int] = Field(description="Nodes by kind.")
    edges: dict[str, int] = Field(description="Edges by kind.")


class NodesPublic(BaseModel):
    """One page of nodes, ordered by id; ``count`` is the size of this page."""

    data: list[Node]
    count: int


class NeighbourhoodPublic(BaseModel):
    node_id: str
    nodes: list[Node] = Field(description="Nearest first.")
    edges: list[Edge]


class BlastEntryPublic(BaseModel):
    node: Node
    distance: int
    via: EdgeKind = Field(description="The kind of the hop that reached the node.")


class BlastRadiusPublic(BaseModel):
    """What depends on the node: nearest first."""

    node_id: str
    data: list[BlastEntryPublic]
    count: int


class GraphPathPublic(BaseModel):
    src: str
    dst: str
    path: GraphPath | None = Field(description="A shortest path, or null when none is found.")
