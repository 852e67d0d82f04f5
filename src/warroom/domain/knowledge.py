"""What the development and design graph says about one incident: the agents' view of it.

The flow builds a ``KnowledgeView`` before the tribunal (links of runtime evidence into the
graph, the domain placement of each suspect, the suspect commits, similar past cases and the
path from symptom to cause) and puts it in the report, so a person sees the same picture the
DomainAgent and CodeAgent reasoned over.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from warroom.domain.graph import CodeLink, GraphFragment, GraphPath


class DomainPlacement(BaseModel):
    """Where a component sits in the domain model (seed 004, 3.3)."""

    component: str
    bounded_context: str | None = None
    aggregate_root: str | None = None
    entities: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    endpoints: list[str] = Field(default_factory=list)
    depends_on_contexts: list[str] = Field(
        default_factory=list, description="Contexts it reaches through calls or shared tables."
    )


class CommitInfo(BaseModel):
    sha: str
    summary: str = ""
    author: str = ""
    authored_at: datetime | None = None
    files: list[str] = Field(default_factory=list)


class SimilarCase(BaseModel):
    case_id: str
    title: str
    score: float
    root_cause: str = ""
    component: str = ""
    fault_type: str = ""
    fix: str = ""


class KnowledgeView(BaseModel):
    links: list[CodeLink] = Field(default_factory=list)
    placements: list[DomainPlacement] = Field(default_factory=list)
    commits: list[CommitInfo] = Field(default_factory=list)
    similar_cases: list[SimilarCase] = Field(default_factory=list)
    path: GraphPath | None = Field(
        default=None, description="Symptom (alerting component) to cause (method or commit)."
    )
    graph: GraphFragment = Field(
        default_factory=GraphFragment, description="The incident's neighbourhood, bounded."
    )
    sources: list[str] = Field(default_factory=list, description="Repositories and documents.")

    def placement(self, component: str) -> DomainPlacement | None:
        return next((p for p in self.placements if p.component == component), None)

    def links_for(self, evidence_ids: set[str]) -> list[CodeLink]:
        return [link for link in self.links if link.evidence_id in evidence_ids]

    def commit(self, sha: str) -> CommitInfo | None:
        return next((c for c in self.commits if c.sha == sha), None)
