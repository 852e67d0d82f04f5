"""Development and design knowledge for one investigation: link, place, recall, connect.

Before the tribunal, the runtime evidence is joined to the graph of what the system is:

- every stack frame or logger location that reaches an indexed repository becomes a
  ``code_link`` evidence item (method, file:line, owners) and, when git knows which commit
  last changed that line before the alert, a ``code_change`` item;
- each suspect is placed in the domain model (bounded context, aggregate root, entities,
  tables, endpoints) from the design documents and the code;
- past cases that resemble the incident (BM25 over the case library) become
  ``similar_case`` items;
- the path from the symptom (the alerting component) to the cause (the failing method and
  the commit) is found in the fused graph, for the report.

The new evidence items are about the same component as the runtime evidence they extend, so
the citation checker treats them like any other evidence. Nothing here changes the ranking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warroom.assets.casebook import CaseLibrary, query_from_pack
from warroom.assets.design import load_design
from warroom.assets.development import RepoIndex, index_repository
from warroom.assets.fusion import fuse_incident, symptom_to_cause
from warroom.assets.linking import link_evidence
from warroom.domain.evidence import Evidence, EvidenceKind, EvidencePack, EvidenceSource
from warroom.domain.graph import (
    CodeLink,
    Edge,
    EdgeKind,
    GraphFragment,
    GraphPath,
    Node,
    NodeKind,
    node_id,
    node_key,
)
from warroom.domain.incident import Incident
from warroom.domain.knowledge import CommitInfo, DomainPlacement, KnowledgeView, SimilarCase
from warroom.domain.verdict import Verdict

# Edges a symptom-to-cause path may follow: calls and structure, not owners, tables or history.
_PATH_EDGES = {EdgeKind.CALLS, EdgeKind.BELONGS_TO, EdgeKind.CONTAINS, EdgeKind.HANDLES}
_MAX_GRAPH_NODES = 150
_MIN_CASE_SCORE = 0.5
PROBLEMS_PER_REPOSITORY = 20  # unreadable files named per repository


@dataclass
class KnowledgeSources:
    """Indexed repositories, the design graph and the case library of an investigation."""

    repos: list[RepoIndex] = field(default_factory=list)
    design: GraphFragment = field(default_factory=GraphFragment)
    problems: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.repos and not self.design.nodes

    @property
    def cases(self) -> list[Node]:
        return [n for n in self.design.nodes if n.kind is NodeKind.CASE]

    def add_repository(self, index: RepoIndex, *, note: str = "") -> None:
        """Use ``index``; name it (``note`` is appended inside the brackets) and list the
        first files it could not read."""
        self.repos.append(index)
        self.names.append(f"repository {index.name} ({index.stats.files} files{note})")
        self.problems += [
            f"{index.name}:{p.path}: {p.reason}" for p in index.errors[:PROBLEMS_PER_REPOSITORY]
        ]


def load_sources(
    repo_paths: Sequence[Path] = (),
    design_paths: Sequence[Path] = (),
    *,
    stored: GraphFragment | None = None,
) -> KnowledgeSources:
    """Index ``repo_paths`` (raises ``AssetInputError`` for a path that is not a git
    repository) and read ``design_paths``; ``stored`` adds a design/case graph kept in the
    store. A design file that cannot be read is listed in ``problems``; the rest loads."""
    sources = KnowledgeSources()
    for path in repo_paths:
        sources.add_repository(index_repository(path))
    fragments: list[GraphFragment] = [stored] if stored is not None else []
    if design_paths:
        design = load_design(list(design_paths))
        fragments.append(design.fragment)
        sources.names += [f.path for f in design.files if f.kind is not None]
        sources.problems += [f"{e.path}: {e.expected}, found {e.found}" for e in design.errors]
    if fragments:
        sources.design = GraphFragment().merge(*fragments)
    return sources


def _short_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:10]


class _Adjacency:
    """Out- and in-edges of a fragment by kind, for the placement lookups."""

    def __init__(self, fragment: GraphFragment) -> None:
        self.nodes = {n.id: n for n in fragment.nodes}
        self.out: dict[str, list[Edge]] = {}
        self.into: dict[str, list[Edge]] = {}
        for e in fragment.edges:
            self.out.setdefault(e.src, []).append(e)
            self.into.setdefault(e.dst, []).append(e)

    def targets(self, src: str, kind: EdgeKind, prefix: str = "") -> list[str]:
        return self._known({e.dst for e in self.out.get(src, []) if e.kind is kind}, prefix)

    def sources(self, dst: str, kind: EdgeKind, prefix: str = "") -> list[str]:
        return self._known({e.src for e in self.into.get(dst, []) if e.kind is kind}, prefix)

    def _known(self, ids: set[str], prefix: str) -> list[str]:
        """The ids that are nodes of the fragment and start with ``prefix``, sorted."""
        return sorted(i for i in ids if i in self.nodes and i.startswith(prefix))


def _commit_info(graph: _Adjacency, sha: str) -> CommitInfo:
    node = graph.nodes.get(node_id(NodeKind.COMMIT, sha))
    attrs = node.attrs if node else {}
    when = attrs.get("authored_at")
    files = [f.get("path", "") for f in attrs.get("files", []) if isinstance(f, dict)]
    return CommitInfo(
        sha=sha,
        summary=str(attrs.get("summary", "")),
        author=str(attrs.get("author_name") or attrs.get("author") or ""),
        authored_at=datetime.fromisoformat(when) if isinstance(when, str) else None,
        files=files,
    )


def _team(owners: Sequence[str]) -> str | None:
    teams = [o for o in owners if o.startswith("team:")]
    return node_key(teams[0]) if teams else None


def _where(link: CodeLink) -> str:
    method = node_key(link.method) if link.method else None
    place = f"{link.file}:{link.line}" if link.file and link.line else (link.file or link.frame)
    return f"{method.rsplit('.', 1)[-1]} ({place})" if method else place


def _link_evidence(
    link: CodeLink, source: Evidence, graph: _Adjacency, pack: EvidencePack
) -> list[Evidence]:
    owners = ", ".join(node_key(o) for o in link.owners[:3]) or "no recorded owner"
    items = [
        Evidence(
            id=f"code:link:{_short_id(link.evidence_id, link.frame)}",
            kind=EvidenceKind.CODE_LINK,
            entity=source.entity,
            window=pack.window,
            onset=source.onset,
            summary=f"{source.id} points at {_where(link)}; owners: {owners}",
            score=source.score,
            data=link.model_dump(mode="json"),
            source=EvidenceSource(path=link.file or "", lines=[link.line] if link.line else []),
        )
    ]
    sha = link.suspect_commit
    if sha:
        commit = _commit_info(graph, sha)
        when = f" on {commit.authored_at:%Y-%m-%d %H:%M}" if commit.authored_at else ""
        items.append(
            Evidence(
                id=f"code:commit:{sha[:12]}",
                kind=EvidenceKind.CODE_CHANGE,
                entity=source.entity,
                window=pack.window,
                onset=None,
                summary=(
                    f'commit {sha[:10]} "{commit.summary}" by {commit.author or "unknown"}'
                    f"{when} last changed {link.file}:{link.line}"
                    + (" (newest commit touching the method)" if sha == link.last_commit else "")
                ),
                score=source.score,
                data={
                    **commit.model_dump(mode="json"),
                    "file": link.file,
                    "line": link.line,
                    "method": link.method,
                    "suspect_commits": link.suspect_commits,
                },
                source=EvidenceSource(path=link.file or "", query=f"git blame -L {link.line}"),
            )
        )
    return items


def _placement(
    component: str, graph: _Adjacency, links: Sequence[CodeLink], calls: Sequence[str]
) -> DomainPlacement:
    service = node_id(NodeKind.SERVICE, component)
    endpoints = graph.targets(service, EdgeKind.CONTAINS, "endpoint:")
    endpoints += [
        n.id
        for n in graph.nodes.values()
        if n.kind is NodeKind.ENDPOINT and n.attrs.get("service") == component
    ]
    aggregates = [link.aggregate for link in links if link.aggregate]
    for ep in endpoints:
        aggregates += graph.targets(ep, EdgeKind.BELONGS_TO, "aggregate:")
    aggregates = [a if a.startswith("aggregate:") else f"aggregate:{a}" for a in aggregates]
    contexts = graph.targets(service, EdgeKind.BELONGS_TO, "context:")
    for ep in endpoints:
        contexts += graph.targets(ep, EdgeKind.BELONGS_TO, "context:")
    for agg in aggregates:
        contexts += graph.targets(agg, EdgeKind.BELONGS_TO, "context:")
        contexts += graph.sources(agg, EdgeKind.CONTAINS, "context:")
    aggregate = aggregates[0] if aggregates else None
    entities = graph.targets(aggregate, EdgeKind.CONTAINS, "entity:") if aggregate else []
    tables = sorted({t for link in links for t in link.tables})
    if aggregate:
        tables += [t for t in graph.targets(aggregate, EdgeKind.MAPS_TO) if t not in tables]
    reached: list[str] = []
    for callee in calls:
        for ctx in graph.targets(node_id(NodeKind.SERVICE, callee), EdgeKind.BELONGS_TO):
            if ctx.startswith("context:") and ctx not in reached:
                reached.append(ctx)
    context = contexts[0] if contexts else None
    return DomainPlacement(
        component=component,
        bounded_context=node_key(context) if context else None,
        aggregate_root=node_key(aggregate) if aggregate else None,
        entities=[node_key(e) for e in entities],
        tables=[node_key(t) for t in tables],
        endpoints=sorted({node_key(e) for e in endpoints}),
        depends_on_contexts=[node_key(c) for c in reached if c != context],
    )


def _runtime_fragment(
    pack: EvidencePack, links: Sequence[tuple[CodeLink, Evidence]]
) -> GraphFragment:
    """Calls between services seen at runtime, and each linked class placed in the service
    whose telemetry named it."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for caller, callees in (pack.stats.get("call_graph") or {}).items():
        for callee in callees:
            for name in (caller, callee):
                nodes.setdefault(node_id(NodeKind.SERVICE, name), Node.make(NodeKind.SERVICE, name))
            edges.append(
                Edge(
                    src=node_id(NodeKind.SERVICE, str(caller)),
                    dst=node_id(NodeKind.SERVICE, str(callee)),
                    kind=EdgeKind.CALLS,
                    attrs={"seen": "traces"},
                )
            )
    for link, source in links:
        service = node_id(NodeKind.SERVICE, source.entity)
        nodes.setdefault(service, Node.make(NodeKind.SERVICE, source.entity))
        owner = link.klass or (node_id(NodeKind.FILE, link.file) if link.file else None)
        if owner:
            edges.append(
                Edge(src=owner, dst=service, kind=EdgeKind.BELONGS_TO, attrs={"seen": "logs"})
            )
    return GraphFragment(nodes=list(nodes.values()), edges=edges)


def _symptom(pack: EvidencePack, incident: Incident) -> str | None:
    alert = next((e for e in pack.items if e.kind is EvidenceKind.ALERT), None)
    if alert is not None and alert.entity not in ("alert", ""):
        return alert.entity
    entity = incident.metadata.get("alert_entity")
    if isinstance(entity, str) and entity:
        return entity
    return pack.ranking[0].component if pack.ranking else None


def _symptom_to_cause(fused: GraphFragment, symptom: str, lead: CodeLink) -> GraphPath | None:
    """Symptom service → … → the failing method (calls and structure only), then the commit
    that last changed the failing line (``git log -L`` says it modified the method)."""
    target = lead.method or lead.klass or (node_id(NodeKind.FILE, lead.file) if lead.file else None)
    if target is None:
        return None
    walkable = GraphFragment(
        nodes=fused.nodes, edges=[e for e in fused.edges if e.kind in _PATH_EDGES]
    )
    path = symptom_to_cause(walkable, symptom=symptom, cause=target, max_depth=8)
    sha = lead.suspect_commit
    if path is None or sha is None:
        return path
    commit = node_id(NodeKind.COMMIT, sha)
    node = next((n for n in fused.nodes if n.id == commit), None) or Node.make(
        NodeKind.COMMIT, sha, name=sha[:10]
    )
    edge = Edge(src=commit, dst=target, kind=EdgeKind.MODIFIED, attrs={"how": "git blame"})
    return GraphPath(nodes=[*path.nodes, node], edges=[*path.edges, edge])


def _bounded(fragment: GraphFragment, keep: set[str]) -> GraphFragment:
    """The nodes in ``keep`` plus their direct neighbours, at most ``_MAX_GRAPH_NODES``."""
    chosen = set(keep)
    for e in fragment.edges:
        if len(chosen) >= _MAX_GRAPH_NODES:
            break
        if e.src in keep and e.kind is not EdgeKind.MODIFIED:
            chosen.add(e.dst)
        elif e.dst in keep and e.kind is not EdgeKind.MODIFIED:
            chosen.add(e.src)
    nodes = [n for n in fragment.nodes if n.id in chosen]
    present = {n.id for n in nodes}
    edges = [e for e in fragment.edges if e.src in present and e.dst in present]
    return GraphFragment(nodes=nodes, edges=edges)


def gather_knowledge(
    incident: Incident, pack: EvidencePack, sources: KnowledgeSources
) -> tuple[KnowledgeView, list[Evidence]]:
    """The incident's knowledge view and the evidence items it adds (see the module doc)."""
    by_id = pack.by_id()
    pairs: list[tuple[CodeLink, Evidence]] = []
    seen: set[str] = set()
    for repo in sources.repos:
        for link in link_evidence(repo, pack.items, at=incident.alert_time):
            if link.evidence_id in seen or link.evidence_id not in by_id:
                continue
            seen.add(link.evidence_id)
            pairs.append((link, by_id[link.evidence_id]))
    fused = GraphFragment().merge(
        *(r.fragment for r in sources.repos), sources.design, _runtime_fragment(pack, pairs)
    )
    graph = _Adjacency(fused)

    items: list[Evidence] = []
    for link, source in pairs:
        for item in _link_evidence(link, source, graph, pack):
            if item.id not in by_id and all(item.id != i.id for i in items):
                items.append(item)

    call_graph = {
        str(k): [str(v) for v in vs] for k, vs in (pack.stats.get("call_graph") or {}).items()
    }
    placements = [
        _placement(
            s.component,
            graph,
            [link for link, source in pairs if source.entity == s.component],
            call_graph.get(s.component, []),
        )
        for s in pack.ranking[:5]
    ]

    similar: list[SimilarCase] = []
    library = CaseLibrary(sources.cases)
    if len(library):
        for hit in library.search(query_from_pack(pack, incident), k=3):
            if hit.score < _MIN_CASE_SCORE:
                continue
            attrs = hit.case.attrs
            case = SimilarCase(
                case_id=node_key(hit.case.id),
                title=hit.case.name,
                score=round(hit.score, 3),
                root_cause=str(attrs.get("root_cause", "")),
                component=str(attrs.get("component", "")),
                fault_type=str(attrs.get("fault_type", "")),
                fix=str(attrs.get("fix", "")),
            )
            similar.append(case)
            items.append(
                Evidence(
                    id=f"case:{_short_id(hit.case.id)}",
                    kind=EvidenceKind.SIMILAR_CASE,
                    entity=case.component or "case",
                    window=pack.window,
                    summary=f"similar past case (BM25 {hit.score:.1f}): {hit.line()}",
                    score=round(hit.score, 3),
                    data=case.model_dump(mode="json") | {"matched": hit.matched},
                )
            )

    commits: list[CommitInfo] = []
    for link, _ in pairs:
        sha = link.suspect_commit
        if sha and all(c.sha != sha for c in commits):
            commits.append(_commit_info(graph, sha))

    incident_fragment = fuse_incident(
        incident.id,
        ranking=pack.ranking[:5],
        links=[link for link, _ in pairs],
        similar_cases=[(c.case_id, c.score) for c in similar],
    )
    fused = fused.merge(incident_fragment)
    path = None
    symptom = _symptom(pack, incident)
    lead = next(
        (
            link
            for link, source in pairs
            if pack.ranking and source.entity == pack.ranking[0].component
        ),
        pairs[0][0] if pairs else None,
    )
    if symptom and lead is not None:
        path = _symptom_to_cause(fused, node_id(NodeKind.SERVICE, symptom), lead)
    keep = {node_id(NodeKind.INCIDENT, incident.id)}
    keep |= {e.dst for e in incident_fragment.edges}
    if path is not None:
        keep |= {n.id for n in path.nodes}
    view = KnowledgeView(
        links=[link for link, _ in pairs],
        placements=placements,
        commits=commits,
        similar_cases=similar,
        path=path,
        graph=_bounded(fused, keep),
        sources=list(sources.names),
    )
    return view, items


def enrich_verdict(verdict: Verdict, view: KnowledgeView, pack: EvidencePack) -> Verdict:
    """Code location (file:line), suspect commit and owning team from the links of the
    verdict's own component, where the tribunal did not settle them from the same facts."""
    about = {e.id for e in pack.items if e.entity == verdict.component}
    links = view.links_for(about)
    if not links:
        return verdict
    link = links[0]
    update: dict[str, object] = {}
    if link.file and link.line:
        update["code_location"] = f"{link.file}:{link.line}"
    sha = link.suspect_commit
    if sha and not verdict.suspect_commit:
        update["suspect_commit"] = sha
    team = _team(link.owners)
    if team:
        update["responsible_team"] = team
    return verdict.model_copy(update=update)
