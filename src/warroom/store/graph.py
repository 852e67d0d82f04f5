"""The knowledge graph in SQL: sources, and neighbourhood, path and blast-radius queries.

Saving a source (``save_graph_source``) replaces what that source contributed before; a node
or edge two sources share stays while either still has it, with its name from the latest-
saved source and attributes merged over all of them (``graph_write``). The queries are
recursive CTEs (``graph_sql``) that give the same answers on SQLite and PostgreSQL. An edge
may name a node no source describes: queries return it with its key as name and no
attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from warroom.domain.graph import Edge, EdgeKind, GraphFragment, GraphPath, Node, NodeKind
from warroom.domain.incident import new_id, utcnow
from warroom.store.database import Repository
from warroom.store.errors import NotFoundError, StoreInputError
from warroom.store.graph_sql import (
    SEP,
    GraphDirection,
    GraphSql,
    edges_among,
    edges_by_key,
    has_edges,
    kinds_param,
    nodes_by_id,
    placeholder,
    to_node,
)
from warroom.store.graph_tables import GraphEdgeRow, GraphNodeRow, GraphSourceRow
from warroom.store.graph_write import (
    EDGE_SOURCES,
    MAX_ID_LENGTH,
    NODE_SOURCES,
    as_json,
    check_id,
    chunks,
    contribution,
    replace_contribution,
)
from warroom.store.incidents import check_page

MAX_NEIGHBOURHOOD_DEPTH = 4
MAX_PATH_DEPTH = 10
MAX_BLAST_DEPTH = 6
MAX_RESULT_NODES = 5000
MAX_SEEDS = 100
_GRAPH_LOCK = 0x77617267  # the PostgreSQL advisory lock graph writes hold ("warg")


class GraphSourceKind(StrEnum):
    REPOSITORY = "repository"
    DESIGN = "design"
    INCIDENT = "incident"


class GraphSourceInfo(BaseModel):
    id: str
    kind: GraphSourceKind
    location: str
    stats: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    nodes: int
    edges: int


class GraphCounts(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]


class BlastEntry(NamedTuple):
    """A node that depends on the broken one, how far away, and the kind of the last hop."""

    node: Node
    distance: int
    via: EdgeKind


_E = TypeVar("_E", bound=StrEnum)


def _parse(enum: type[_E], value: str, field: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise StoreInputError(f"{field} must be one of {allowed}, got {value!r}") from None


def _edge_kinds(kinds: Sequence[EdgeKind | str] | None) -> list[str] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str) or not kinds:
        raise StoreInputError(
            f"edge_kinds must be a non-empty list of edge kinds, or None for all, got {kinds!r}"
        )
    return sorted({_parse(EdgeKind, k, "edge_kinds").value for k in kinds})


def _bounded(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise StoreInputError(f"{field} must be between {low} and {high}, got {value}")


class GraphRepository(Repository):
    @property
    def _graph_sql(self) -> GraphSql:
        return GraphSql(self._db.is_sqlite)

    async def _lock_graph(self, session: AsyncSession) -> None:
        # Writers read other sources' versions, then rewrite fused rows: one at a time.
        # (SQLite writes are serialized by the database already.)
        if not self._db.is_sqlite:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _GRAPH_LOCK})

    async def save_graph_source(
        self,
        *,
        kind: GraphSourceKind | str,
        location: str,
        fragment: GraphFragment,
        stats: Mapping[str, Any] | None = None,
        by: str | None = None,
    ) -> str:
        """Store ``fragment`` as everything the source ``(kind, location)`` says; return its id.

        Saving the same ``(kind, location)`` again replaces its nodes and edges (a re-index)
        and keeps its id. Duplicate nodes or edges in the fragment are merged like
        ``GraphFragment.merge``. Ids are checked: ``StoreInputError`` names a bad one.
        """
        source_kind = _parse(GraphSourceKind, kind, "kind")
        where = location.strip()
        if not where or len(where) > MAX_ID_LENGTH:
            raise StoreInputError(
                f"location must name the source in 1 to {MAX_ID_LENGTH} characters "
                f"(a repository path, a design folder, an incident id), got {location[:200]!r}"
            )
        nodes, edges = contribution(fragment)
        stats_json = as_json(stats or {}, "stats")
        now = utcnow()
        async with self._db.writing() as session:
            await self._lock_graph(session)
            row = await session.scalar(
                select(GraphSourceRow).where(
                    GraphSourceRow.kind == source_kind.value, GraphSourceRow.location == where
                )
            )
            if row is None:
                row = GraphSourceRow(
                    id=new_id("gsr"),
                    kind=source_kind.value,
                    location=where,
                    stats=stats_json,
                    created_at=now,
                    updated_at=now,
                    created_by=by,
                )
                session.add(row)
            else:
                row.stats = stats_json
                row.updated_at = now
            await session.flush()
            await replace_contribution(session, row.id, nodes, edges, now)
            return row.id

    async def delete_graph_source(self, *, source_id: str) -> None:
        """Remove a source and whatever only it contributed; ``NotFoundError`` if unknown."""
        async with self._db.writing() as session:
            await self._lock_graph(session)
            row = await session.get(GraphSourceRow, source_id)
            if row is None:
                raise NotFoundError(
                    f"no graph source with id {source_id!r}; list them with list_graph_sources()"
                )
            await replace_contribution(session, source_id, {}, {}, utcnow())
            await session.delete(row)

    async def list_graph_sources(self) -> list[GraphSourceInfo]:
        """Every source, oldest first, with how many nodes and edges it contributed."""
        return await self._sources(None)

    async def graph_source(self, *, source_id: str) -> GraphSourceInfo | None:
        found = await self._sources(source_id)
        return found[0] if found else None

    async def _sources(self, source_id: str | None) -> list[GraphSourceInfo]:
        ns, es = NODE_SOURCES.c, EDGE_SOURCES.c
        query = select(GraphSourceRow).order_by(GraphSourceRow.created_at, GraphSourceRow.id)
        node_counts = select(ns.source_id, func.count()).group_by(ns.source_id)
        edge_counts = select(es.source_id, func.count()).group_by(es.source_id)
        if source_id is not None:
            query = query.where(GraphSourceRow.id == source_id)
            node_counts = node_counts.where(ns.source_id == source_id)
            edge_counts = edge_counts.where(es.source_id == source_id)
        async with self._db.reading() as session:
            rows = list(await session.scalars(query))
            n_nodes = {sid: n for sid, n in await session.execute(node_counts)}
            n_edges = {sid: n for sid, n in await session.execute(edge_counts)}
        return [
            GraphSourceInfo(
                id=r.id,
                kind=GraphSourceKind(r.kind),
                location=r.location,
                stats=r.stats,
                created_at=r.created_at,
                updated_at=r.updated_at,
                created_by=r.created_by,
                nodes=n_nodes.get(r.id, 0),
                edges=n_edges.get(r.id, 0),
            )
            for r in rows
        ]

    async def graph_sources_fragment(
        self,
        *,
        kind: GraphSourceKind | str | None = None,
        source_ids: Sequence[str] | None = None,
    ) -> GraphFragment:
        """What the chosen sources contributed, as they saw it (not the fused rows), merged
        like ``GraphFragment.merge`` in save order: every source of ``kind``, or those of
        ``source_ids`` (of that kind, when both are given). Unknown ids are left out."""
        query = select(GraphSourceRow.id).order_by(GraphSourceRow.updated_at, GraphSourceRow.id)
        if kind is not None:
            query = query.where(GraphSourceRow.kind == _parse(GraphSourceKind, kind, "kind").value)
        if source_ids is not None:
            query = query.where(GraphSourceRow.id.in_(list(source_ids)))
        ns, es = NODE_SOURCES.c, EDGE_SOURCES.c
        async with self._db.reading() as session:
            ids = list(await session.scalars(query))
            nodes: dict[str, list[Node]] = {i: [] for i in ids}
            edges: dict[str, list[Edge]] = {i: [] for i in ids}
            for batch in chunks(ids):
                rows = await session.execute(
                    select(ns.source_id, ns.node_id, ns.kind, ns.name, ns.attrs).where(
                        ns.source_id.in_(batch)
                    )
                )
                for sid, nid, kind_, name, attrs in rows:
                    nodes[sid].append(Node(id=nid, kind=NodeKind(kind_), name=name, attrs=attrs))
                rows = await session.execute(
                    select(es.source_id, es.src, es.kind, es.dst, es.attrs).where(
                        es.source_id.in_(batch)
                    )
                )
                for sid, src, kind_, dst, attrs in rows:
                    edges[sid].append(Edge(src=src, dst=dst, kind=EdgeKind(kind_), attrs=attrs))
        return GraphFragment().merge(*(GraphFragment(nodes=nodes[i], edges=edges[i]) for i in ids))

    async def graph_node(self, *, node_id: str) -> Node | None:
        async with self._db.reading() as session:
            row = await session.get(GraphNodeRow, node_id)
            return None if row is None else to_node(row.id, row.kind, row.name, row.attrs)

    async def graph_nodes(
        self,
        *,
        kind: NodeKind | str | None = None,
        query: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Node]:
        """Nodes ordered by id, of one kind and/or whose id or name contains ``query``
        (case-insensitive)."""
        check_page(limit, offset)
        _bounded("limit", limit, 1, MAX_RESULT_NODES)
        stmt = select(GraphNodeRow)
        if kind is not None:
            stmt = stmt.where(GraphNodeRow.kind == _parse(NodeKind, kind, "kind").value)
        if query:
            needle = query.lower()
            stmt = stmt.where(
                func.lower(GraphNodeRow.name).contains(needle, autoescape=True)
                | func.lower(GraphNodeRow.id).contains(needle, autoescape=True)
            )
        order = GraphNodeRow.id if self._db.is_sqlite else GraphNodeRow.id.collate("C")
        async with self._db.reading() as session:
            rows = await session.scalars(stmt.order_by(order).limit(limit).offset(offset))
            return [to_node(r.id, r.kind, r.name, r.attrs) for r in rows]

    async def graph_counts(self) -> GraphCounts:
        """How many nodes and edges of each kind the fused graph holds."""
        async with self._db.reading() as session:
            nodes = await session.execute(
                select(GraphNodeRow.kind, func.count()).group_by(GraphNodeRow.kind)
            )
            edges = await session.execute(
                select(GraphEdgeRow.kind, func.count()).group_by(GraphEdgeRow.kind)
            )
            return GraphCounts(
                nodes={kind: n for kind, n in nodes}, edges={kind: n for kind, n in edges}
            )

    async def graph_neighbourhood(
        self,
        *,
        node_id: str,
        depth: int = 1,
        edge_kinds: Sequence[EdgeKind | str] | None = None,
        direction: GraphDirection | str = GraphDirection.BOTH,
        limit: int = 500,
    ) -> GraphFragment:
        """The nodes within ``depth`` hops (1 to 4) of ``node_id``, nearest first and at most
        ``limit``, and the edges among them. ``direction`` ``out`` follows edges from src to
        dst only, ``in`` only against them; ``edge_kinds`` restricts both the walk and the
        edges returned. An unknown node gives an empty fragment."""
        _bounded("depth", depth, 1, MAX_NEIGHBOURHOOD_DEPTH)
        return await self.graph_fragment_for(
            node_ids=[node_id], depth=depth, edge_kinds=edge_kinds, direction=direction, limit=limit
        )

    async def graph_fragment_for(
        self,
        *,
        node_ids: Sequence[str],
        depth: int = 1,
        edge_kinds: Sequence[EdgeKind | str] | None = None,
        direction: GraphDirection | str = GraphDirection.BOTH,
        limit: int = 500,
    ) -> GraphFragment:
        """``graph_neighbourhood`` of several nodes at once (depth 0: the nodes themselves
        and the edges among them). Unknown ids are left out."""
        if not 1 <= len(node_ids) <= MAX_SEEDS:
            raise StoreInputError(f"node_ids must hold 1 to {MAX_SEEDS} ids, got {len(node_ids)}")
        for node_id in node_ids:
            check_id(node_id, "node id")
        _bounded("depth", depth, 0, MAX_NEIGHBOURHOOD_DEPTH)
        _bounded("limit", limit, 1, MAX_RESULT_NODES)
        way = _parse(GraphDirection, direction, "direction")
        kinds = _edge_kinds(edge_kinds)
        seeds = list(dict.fromkeys(node_ids))
        params = {f"seed{i}": s for i, s in enumerate(seeds)}
        async with self._db.reading() as session:
            rows = await session.execute(
                self._graph_sql.neighbourhood(len(seeds), way, kinds),
                {**params, "depth": depth, "limit": limit, **kinds_param(kinds)},
            )
            found: dict[str, Node] = {}
            stored: set[str] = set()
            for r in rows:
                found[r.id] = to_node(r.id, r.kind, r.name, r.attrs)
                if r.kind is not None:
                    stored.add(r.id)
            edges = await edges_among(session, list(found), kinds)
        linked = {e.src for e in edges} | {e.dst for e in edges}
        # Seeds are walked from even when unknown: keep a node only if stored or linked.
        nodes = [n for n in found.values() if n.id in stored or n.id in linked]
        return GraphFragment(nodes=nodes, edges=edges)

    async def graph_path(
        self,
        *,
        src: str,
        dst: str,
        max_depth: int = 6,
        edge_kinds: Sequence[EdgeKind | str] | None = None,
        directed: bool = False,
    ) -> GraphPath | None:
        """A shortest path from ``src`` to ``dst`` of at most ``max_depth`` hops (1 to 10), or
        None. Undirected by default: an edge is walked either way. Of several shortest
        paths the one with the least node-id sequence wins, then the least sequence of
        (edge kind, direction) steps, so the answer is the same on every run and database."""
        check_id(src, "src")
        check_id(dst, "dst")
        _bounded("max_depth", max_depth, 1, MAX_PATH_DEPTH)
        kinds = _edge_kinds(edge_kinds)
        sql = self._graph_sql
        async with self._db.reading() as session:
            if src == dst:
                known = await nodes_by_id(session, [src], placeholders=False)
                if not known and not await has_edges(session, src):
                    return None
                return GraphPath(nodes=[known.get(src) or placeholder(src)], edges=[])
            params = {"src": src, "dst": dst, **kinds_param(kinds)}
            half = (max_depth + 1) // 2
            length = await session.scalar(
                sql.distance(directed, kinds), {**params, "hf": half, "hb": max_depth - half}
            )
            if length is None:
                return None
            half = (length + 1) // 2
            row = (
                await session.execute(
                    sql.path(directed, kinds),
                    {**params, "hf": half, "hb": length - half, "length": length},
                )
            ).one()
            ids = row.path.strip(SEP).split(SEP)
            steps = row.steps.rstrip(SEP).split(SEP)
            keys = [
                (a, step[:-1], b) if step[-1] == ">" else (b, step[:-1], a)
                for a, b, step in zip(ids[:-1], ids[1:], steps, strict=True)
            ]
            nodes = await nodes_by_id(session, ids, placeholders=True)
            edges = await edges_by_key(session, keys)
        return GraphPath(nodes=[nodes[i] for i in ids], edges=[edges[k] for k in keys])

    async def graph_blast_radius(
        self, *, node_id: str, depth: int = 3, limit: int = 1000
    ) -> list[BlastEntry]:
        """What breaks when ``node_id`` breaks, within ``depth`` hops (1 to 6): nearest first,
        then by id, at most ``limit``. Edges are followed per ``BLAST_AGAINST`` and
        ``BLAST_ALONG``; ``via`` is the kind of the hop that reached the node (the least kind
        when several reach it at the same distance)."""
        check_id(node_id, "node_id")
        _bounded("depth", depth, 1, MAX_BLAST_DEPTH)
        _bounded("limit", limit, 1, MAX_RESULT_NODES)
        best: dict[str, tuple[int, str, Node]] = {}
        async with self._db.reading() as session:
            rows = await session.execute(
                self._graph_sql.blast(), {"start": node_id, "depth": depth}
            )
            for r in rows:
                old = best.get(r.id)
                if old is None or (r.d, r.via) < old[:2]:
                    best[r.id] = (r.d, r.via, to_node(r.id, r.kind, r.name, r.attrs))
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[:limit]
        return [BlastEntry(node, d, EdgeKind(via)) for _, (d, via, node) in ranked]
