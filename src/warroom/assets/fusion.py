"""Fusion: one incident's runtime evidence joined to the development and design graph.

``fuse_incident`` turns an incident's suspect ranking, the code links of its evidence and its
similar past cases into a fragment: the incident node, IMPLICATES edges to what the evidence
points at and SIMILAR_TO edges to cases. Saved as the incident's graph source, or merged in
memory with repository and design fragments, it joins the graph, and the path from the
alerting service (the symptom) to a method or commit (the cause) runs through it:
``symptom_to_cause`` here for a fragment in memory, ``Store.graph_path`` for the stored graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from warroom.domain.evidence import SuspectScore
from warroom.domain.graph import (
    CodeLink,
    Edge,
    EdgeKind,
    GraphFragment,
    GraphPath,
    Node,
    NodeKind,
    node_id,
)


def _as_id(kind: NodeKind, value: str) -> str:
    """A node id for ``value``, which may already be one (``CodeLink`` holds ids for
    methods, classes, tables and owners, a path for the file, shas for commits)."""
    return value if value.startswith(f"{kind.value}:") else node_id(kind, value)


def _link_targets(link: CodeLink) -> list[tuple[str, str]]:
    """(node id, the ``CodeLink`` field that names it), most specific first."""
    found: list[tuple[str, str]] = []
    if link.method:
        found.append((_as_id(NodeKind.METHOD, link.method), "method"))
    if link.klass:
        found.append((_as_id(NodeKind.CLASS, link.klass), "klass"))
    if link.file:
        found.append((_as_id(NodeKind.FILE, link.file), "file"))
    if link.endpoint:
        found.append((_as_id(NodeKind.ENDPOINT, link.endpoint), "endpoint"))
    found += [(_as_id(NodeKind.TABLE, t), "tables") for t in link.tables]
    if link.aggregate:
        found.append((_as_id(NodeKind.AGGREGATE, link.aggregate), "aggregate"))
    if link.last_commit:
        found.append((_as_id(NodeKind.COMMIT, link.last_commit), "last_commit"))
    found += [(_as_id(NodeKind.COMMIT, c), "suspect_commits") for c in link.suspect_commits]
    for owner in link.owners:  # node ids; a bare e-mail is a person, anything else a team
        if owner.startswith(("person:", "team:")):
            found.append((owner, "owners"))
        elif "@" in owner.lstrip("@"):
            found.append((node_id(NodeKind.PERSON, owner.lower()), "owners"))
        else:
            found.append((node_id(NodeKind.TEAM, owner.lstrip("@")), "owners"))
    return found


def fuse_incident(
    incident_id: str,
    *,
    ranking: Sequence[SuspectScore],
    links: Sequence[CodeLink],
    similar_cases: Sequence[tuple[str, float]] = (),
) -> GraphFragment:
    """The incident's fragment.

    - ``incident -IMPLICATES-> service:<component>`` per ranked suspect, attrs ``rank``
      (1 = first), ``score``, ``fault_type``, ``evidence_ids``; the service nodes are in the
      fragment (telemetry names them).
    - ``incident -IMPLICATES-> <node>`` per node a code link resolved (method, class, file,
      endpoint, tables, aggregate, commits, owners), attrs ``evidence_id`` and ``how`` of the
      first link that named it, ``via`` (the link field) and ``evidence_ids`` (every link
      that named it). These nodes come from the repository and design fragments.
    - ``incident -SIMILAR_TO-> case:<id>`` per similar case, attr ``score``.
    """
    incident = node_id(NodeKind.INCIDENT, incident_id)
    nodes = {incident: Node.make(NodeKind.INCIDENT, incident_id)}
    edges: dict[str, Edge] = {}

    def implicate(target: str, **attrs: Any) -> Edge:
        if target not in edges:
            edges[target] = Edge(src=incident, kind=EdgeKind.IMPLICATES, dst=target, attrs=attrs)
        return edges[target]

    for rank, suspect in enumerate(ranking, start=1):
        service = Node.make(NodeKind.SERVICE, suspect.component)
        nodes.setdefault(service.id, service)
        implicate(
            service.id,
            rank=rank,
            score=suspect.score,
            fault_type=suspect.fault_type,
            evidence_ids=list(suspect.evidence_ids),
        )
    for link in links:
        for target, via in _link_targets(link):
            edge = implicate(target, evidence_id=link.evidence_id, how=link.how, via=via)
            named_by = edge.attrs.setdefault("evidence_ids", [])
            if link.evidence_id not in named_by:
                named_by.append(link.evidence_id)
    similar = [
        Edge(
            src=incident,
            kind=EdgeKind.SIMILAR_TO,
            dst=_as_id(NodeKind.CASE, case_id),
            attrs={"score": score},
        )
        for case_id, score in similar_cases
    ]
    return GraphFragment(nodes=list(nodes.values()), edges=[*edges.values(), *similar])


def _placeholder(id_: str) -> Node:
    kind, _, key = id_.partition(":")
    return Node(id=id_, kind=NodeKind(kind), name=key)


def symptom_to_cause(
    fragment: GraphFragment, *, symptom: str, cause: str, max_depth: int = 6
) -> GraphPath | None:
    """A shortest path from ``symptom`` to ``cause`` through ``fragment``, edges walked either
    way, at most ``max_depth`` hops; None when there is none.

    The same answer as ``Store.graph_path(directed=False)`` over the same graph: of several
    shortest paths, the least sequence of node ids, then the least sequence of steps (edge
    kind, then ``>`` along the edge before ``<`` against it). One breadth-first search from
    the cause gives every node's distance; the walk from the symptom then takes, at each
    step, the least neighbour one hop nearer. An id only edges name becomes a node with its
    key as name.
    """
    steps: dict[str, list[tuple[str, str, Edge]]] = {}
    for e in fragment.edges:
        steps.setdefault(e.src, []).append((e.dst, f"{e.kind.value}>", e))
        steps.setdefault(e.dst, []).append((e.src, f"{e.kind.value}<", e))
    known = {n.id: n for n in fragment.nodes}
    if not ({symptom, cause} <= (known.keys() | steps.keys())):
        return None
    distance = {cause: 0}
    queue = deque([cause])
    while queue:
        here = queue.popleft()
        if distance[here] < max_depth:
            for there, _, _ in steps.get(here, []):
                if there not in distance:
                    distance[there] = distance[here] + 1
                    queue.append(there)
    if symptom not in distance:
        return None
    path, edges = [symptom], []
    while path[-1] != cause:
        nearer = distance[path[-1]] - 1
        there, _, edge = min(
            (s for s in steps[path[-1]] if distance.get(s[0]) == nearer), key=lambda s: s[:2]
        )
        path.append(there)
        edges.append(edge)
    return GraphPath(nodes=[known.get(i) or _placeholder(i) for i in path], edges=edges)
