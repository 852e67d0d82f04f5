"""Reading the graph: the recursive CTEs, and fused rows as domain models.

The SQL is text, the same on SQLite and PostgreSQL but for three spellings kept in
``GraphSql``: the character that delimits a carried path, the substring search of the cycle
check, and ``COLLATE "C"`` so ids order byte-wise on PostgreSQL as they do on SQLite (ties
then break the same way on both). Ids are ``Text`` columns and every literal is cast to
``TEXT``, which PostgreSQL needs to type the recursive columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, and_, bindparam, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

from warroom.domain.graph import Edge, EdgeKind, Node, NodeKind
from warroom.store.graph_tables import GraphEdgeRow, GraphNodeRow
from warroom.store.graph_write import EDGES, Key, chunks

SEP = "\x1f"  # delimits node ids in a carried path; ids cannot contain it

# Blast radius: which way an edge points from the broken node to what it breaks.
# Against the edge (the dependent is ``src``): a caller, a collaborator, a reader or writer,
# a class mapped to a table, the container of a broken part, a table with a foreign key.
BLAST_AGAINST = (
    EdgeKind.CALLS,
    EdgeKind.DEPENDS_ON,
    EdgeKind.READS,
    EdgeKind.WRITES,
    EdgeKind.MAPS_TO,
    EdgeKind.CONTAINS,
    EdgeKind.REFERENCES,
)
# Along the edge (the dependent is ``dst``): the endpoint a method handles, the service or
# context a part belongs to, the design element a class implements. Provenance and ownership
# edges (modified, authored, owns, member_of, similar_to, implicates) carry no failure.
BLAST_ALONG = (EdgeKind.HANDLES, EdgeKind.BELONGS_TO, EdgeKind.IMPLEMENTS)


class GraphDirection(StrEnum):
    BOTH = "both"
    OUT = "out"
    IN = "in"


class GraphSql:
    """SQL text for the recursive queries; the few dialect differences live here."""

    def __init__(self, is_sqlite: bool) -> None:
        self.sep = "char(31)" if is_sqlite else "chr(31)"
        self.find = "instr" if is_sqlite else "strpos"
        self.collate = "" if is_sqlite else ' COLLATE "C"'

    @staticmethod
    def step(direction: GraphDirection, at: str) -> tuple[str, str, str]:
        """Join condition, next node and step direction for a walk standing at ``at``."""
        if direction is GraphDirection.OUT:
            return f"e.src = {at}", "e.dst", "'>'"
        if direction is GraphDirection.IN:
            return f"e.dst = {at}", "e.src", "'<'"
        return (
            f"(e.src = {at} OR e.dst = {at})",
            f"(CASE WHEN e.src = {at} THEN e.dst ELSE e.src END)",
            f"(CASE WHEN e.src = {at} THEN '>' ELSE '<' END)",
        )

    @staticmethod
    def kinds(kinds: list[str] | None) -> str:
        return " AND e.kind IN :kinds" if kinds is not None else ""

    def bfs(self, name: str, anchor: str, bound: str, direction: GraphDirection, kinds: str) -> str:
        """``name(id, d)``: every node within ``bound`` hops of the anchor rows, at each
        distance. ``UNION`` keeps one row per (node, distance), which bounds the work."""
        join, nxt, _ = self.step(direction, "w.id")
        return (
            f"{name}(id, d) AS ({anchor} UNION "
            f"SELECT {nxt}, w.d + 1 FROM {name} w JOIN graph_edges e ON {join} "
            f"WHERE w.d < {bound}{kinds})"
        )

    def _dist(self, directed: bool, kinds: list[str] | None) -> str:
        """``dist(id, a, b)``: hops from ``src`` (within ``hf``) and from ``dst`` (within
        ``hb``) per node, by aggregation: PostgreSQL cannot estimate CTE sizes, and a join
        of two CTEs would become a nested loop."""
        k = self.kinds(kinds)
        back = GraphDirection.IN if directed else GraphDirection.BOTH
        fwd = GraphDirection.OUT if directed else GraphDirection.BOTH
        return (
            f"{self.bfs('fwd', 'SELECT CAST(:src AS TEXT), 0', ':hf', fwd, k)}, "
            f"{self.bfs('back', 'SELECT CAST(:dst AS TEXT), 0', ':hb', back, k)}, "
            "dist(id, a, b) AS (SELECT id, MIN(CASE WHEN s = 0 THEN d END), "
            "MIN(CASE WHEN s = 1 THEN d END) FROM "
            "(SELECT id, d, 0 AS s FROM fwd UNION ALL SELECT id, d, 1 FROM back) x GROUP BY id)"
        )

    def distance(self, directed: bool, kinds: list[str] | None) -> TextClause:
        """Shortest distance, met in the middle: ``src`` walks ``hf`` hops, ``dst`` ``hb``."""
        sql = f"WITH RECURSIVE {self._dist(directed, kinds)} SELECT MIN(a + b) FROM dist"
        return expanding(text(sql), kinds)

    def path(self, directed: bool, kinds: list[str] | None) -> TextClause:
        """The least path of ``length`` hops, carried as delimited strings.

        ``layer`` holds where a node may stand on a shortest path: at ``p`` hops when it is
        ``p < hf`` hops from ``src``, at ``length - q`` when it is ``q < hb`` hops from
        ``dst``, at ``hf`` when it is ``hf`` from ``src`` and ``hb`` from ``dst`` (``hf + hb
        = length``). The walk steps only into its layer. The delimited path refuses a node
        already on it: the cycle check. Ties go to the least node-id sequence, then the
        least step sequence.
        """
        join, nxt, way = self.step(GraphDirection.OUT if directed else GraphDirection.BOTH, "w.id")
        sep = self.sep
        sql = (
            f"WITH RECURSIVE {self._dist(directed, kinds)}, "
            "layer(id, p) AS MATERIALIZED ("
            "SELECT id, a FROM dist WHERE a < :hf "
            "UNION ALL SELECT id, a FROM dist WHERE a = :hf AND b = :hb "
            "UNION ALL SELECT id, :length - b FROM dist WHERE b < :hb), "
            "walk(id, depth, path, steps) AS ("
            f"SELECT CAST(:src AS TEXT), 0, {sep} || CAST(:src AS TEXT) || {sep}, "
            "CAST('' AS TEXT) "
            f"UNION ALL SELECT {nxt}, w.depth + 1, w.path || {nxt} || {sep}, "
            f"w.steps || e.kind || {way} || {sep} "
            f"FROM walk w JOIN graph_edges e ON {join} "
            f"WHERE w.depth < :length{self.kinds(kinds)} "
            # Under an OR, PostgreSQL keeps the IN as one hashed subplan instead of a
            # semi-join it would run as a nested loop over the CTE; SQLite indexes it once.
            f"AND (({nxt}, w.depth + 1) IN (SELECT id, p FROM layer) OR w.depth < 0) "
            f"AND {self.find}(w.path, {sep} || {nxt} || {sep}) = 0) "
            "SELECT path, steps FROM walk WHERE id = :dst AND depth = :length "
            f"ORDER BY path{self.collate}, steps{self.collate} LIMIT 1"
        )
        return expanding(text(sql), kinds)

    def neighbourhood(
        self, seeds: int, direction: GraphDirection, kinds: list[str] | None
    ) -> TextualSelect:
        """The nearest ``limit`` nodes within ``depth`` hops of the seeds, with their rows."""
        values = ", ".join(f"(CAST(:seed{i} AS TEXT))" for i in range(seeds))
        walk = self.bfs("walk", "SELECT id, 0 FROM seeds", ":depth", direction, self.kinds(kinds))
        sql = (
            f"WITH RECURSIVE seeds(id) AS (VALUES {values}), {walk}, "
            "picked(id, d) AS (SELECT id, MIN(d) FROM walk GROUP BY id "
            f"ORDER BY MIN(d), id{self.collate} LIMIT :limit) "
            "SELECT p.id, p.d, n.kind, n.name, n.attrs FROM picked p "
            f"LEFT JOIN graph_nodes n ON n.id = p.id ORDER BY p.d, p.id{self.collate}"
        )
        return expanding(text(sql), kinds).columns(attrs=JSON)

    def blast(self) -> TextualSelect:
        """Every (node, distance, last edge kind) within ``depth`` hops of what breaks."""
        against = ", ".join(f"'{k.value}'" for k in BLAST_AGAINST)
        along = ", ".join(f"'{k.value}'" for k in BLAST_ALONG)
        hit_against = f"e.dst = h.id AND e.kind IN ({against})"
        sql = (
            "WITH RECURSIVE hit(id, d, via) AS ("
            "SELECT CAST(:start AS TEXT), 0, CAST('' AS TEXT) UNION "
            f"SELECT (CASE WHEN {hit_against} THEN e.src ELSE e.dst END), h.d + 1, "
            "CAST(e.kind AS TEXT) FROM hit h JOIN graph_edges e "
            f"ON ({hit_against}) OR (e.src = h.id AND e.kind IN ({along})) "
            "WHERE h.d < :depth) "
            "SELECT h.id, h.d, h.via, n.kind, n.name, n.attrs FROM hit h "
            "LEFT JOIN graph_nodes n ON n.id = h.id WHERE h.id <> :start"
        )
        return text(sql).columns(attrs=JSON)


def expanding(clause: TextClause, kinds: list[str] | None) -> TextClause:
    return clause if kinds is None else clause.bindparams(bindparam("kinds", expanding=True))


def kinds_param(kinds: list[str] | None) -> dict[str, Any]:
    return {} if kinds is None else {"kinds": kinds}


def placeholder(node_id: str) -> Node:
    """A node only edges name: its key as name, no attributes."""
    kind, _, key = node_id.partition(":")
    return Node(id=node_id, kind=NodeKind(kind), name=key)


def to_node(node_id: str, kind: str | None, name: str | None, attrs: Any) -> Node:
    if kind is None or name is None:
        return placeholder(node_id)
    return Node(id=node_id, kind=NodeKind(kind), name=name, attrs=attrs or {})


async def has_edges(session: AsyncSession, node_id: str) -> bool:
    for column in (GraphEdgeRow.src, GraphEdgeRow.dst):
        if await session.scalar(select(column).where(column == node_id).limit(1)) is not None:
            return True
    return False


async def nodes_by_id(
    session: AsyncSession, ids: Sequence[str], *, placeholders: bool
) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for batch in chunks(set(ids)):
        for r in await session.scalars(select(GraphNodeRow).where(GraphNodeRow.id.in_(batch))):
            found[r.id] = to_node(r.id, r.kind, r.name, r.attrs)
    if placeholders:
        found.update({i: placeholder(i) for i in ids if i not in found})
    return found


async def edges_by_key(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, Edge]:
    found: dict[Key, Edge] = {}
    c = EDGES.c
    for batch in chunks(set(keys), 100):
        # OR of primary keys: each term is an index lookup (a row-value IN may scan).
        match = or_(*(and_(c.src == s, c.kind == k, c.dst == d) for s, k, d in batch))
        rows = await session.execute(select(c.src, c.kind, c.dst, c.attrs).where(match))
        for src, kind, dst, attrs in rows:
            found[(src, kind, dst)] = Edge(src=src, kind=EdgeKind(kind), dst=dst, attrs=attrs)
    return found


async def edges_among(session: AsyncSession, ids: list[str], kinds: list[str] | None) -> list[Edge]:
    if not ids:
        return []
    c = EDGES.c
    query = select(c.src, c.kind, c.dst, c.attrs).where(c.src.in_(ids), c.dst.in_(ids))
    if kinds is not None:
        query = query.where(c.kind.in_(kinds))
    rows = (await session.execute(query)).all()
    return [
        Edge(src=src, kind=EdgeKind(kind), dst=dst, attrs=attrs)
        for src, kind, dst, attrs in sorted(rows, key=lambda r: r[:3])
    ]
