"""Writing the graph: check a source's fragment, replace its contribution, re-fuse.

A source's nodes and edges go into ``graph_node_sources`` / ``graph_edge_sources``; the
fused rows (``graph_nodes`` / ``graph_edges``) of every node and edge the source had or has
are then rebuilt from all sources that have them: name from the latest-saved source,
attributes merged key by key in save order. A fused row exists exactly when some source
has it, so only keys the source had before or shares with another source can have a row to
delete. Callers hold the graph write lock (``GraphRepository._lock_graph``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from pydantic_core import PydanticSerializationError, to_jsonable_python
from sqlalchemy import Table, and_, bindparam, delete, insert, literal, null, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from warroom.domain.graph import Edge, GraphFragment, Node, NodeKind
from warroom.store.columns import UTCDateTime
from warroom.store.errors import StoreInputError
from warroom.store.graph_tables import (
    GraphEdgeRow,
    GraphEdgeSourceRow,
    GraphNodeRow,
    GraphNodeSourceRow,
    GraphSourceRow,
)

MAX_ID_LENGTH = 1024
BATCH = 1000  # rows per executemany, ids per IN list
# "<kind>:<key>" without control characters: \x1f delimits paths in the path query.
_ID = re.compile(rf"({'|'.join(k.value for k in NodeKind)}):[^\x00-\x1f]+")

NODES = cast(Table, GraphNodeRow.__table__)
EDGES = cast(Table, GraphEdgeRow.__table__)
NODE_SOURCES = cast(Table, GraphNodeSourceRow.__table__)
EDGE_SOURCES = cast(Table, GraphEdgeSourceRow.__table__)

_T = TypeVar("_T")
Key = tuple[str, str, str]  # (src, kind, dst)


def chunks(items: Iterable[_T], size: int = BATCH) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def check_id(value: str, what: str) -> str:
    """``value`` if it is a well-formed node id, else ``StoreInputError``."""
    if len(value) > MAX_ID_LENGTH or not _ID.fullmatch(value):
        raise StoreInputError(
            f"{what} must be '<kind>:<key>' with a node kind "
            f"({', '.join(k.value for k in NodeKind)}), a non-empty key, no control "
            f"characters and at most {MAX_ID_LENGTH} characters; got {value[:200]!r}"
        )
    return value


def as_json(value: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not value:
        return {}
    try:
        return dict(to_jsonable_python(value))
    except PydanticSerializationError as exc:
        raise StoreInputError(f"{what} must be JSON-serializable, got: {exc}") from None


def contribution(
    fragment: GraphFragment,
) -> tuple[dict[str, tuple[str, dict[str, Any]]], dict[Key, dict[str, Any]]]:
    """The fragment as rows to store: node id → (name, attrs), edge key → attrs.

    Duplicates merge like ``GraphFragment.merge`` (first name, later attrs win); every id is
    checked, and a node id must start with its own kind.
    """
    nodes: dict[str, Node] = {}
    for node in fragment.nodes:
        if not check_id(node.id, "node id").startswith(f"{node.kind.value}:"):
            raise StoreInputError(
                f"node id {node.id[:200]!r} must start with its kind {node.kind.value + ':'!r}"
            )
        old = nodes.get(node.id)
        nodes[node.id] = (
            node if old is None else old.model_copy(update={"attrs": {**old.attrs, **node.attrs}})
        )
    edges: dict[Key, Edge] = {}
    for edge in fragment.edges:
        check_id(edge.src, "edge src")
        check_id(edge.dst, "edge dst")
        old_e = edges.get(edge.key)
        edges[edge.key] = (
            edge
            if old_e is None
            else old_e.model_copy(update={"attrs": {**old_e.attrs, **edge.attrs}})
        )
    return (
        {i: (n.name, as_json(n.attrs, f"attrs of node {i!r}")) for i, n in nodes.items()},
        {k: as_json(e.attrs, f"attrs of edge {k!r}") for k, e in edges.items()},
    )


@dataclass(frozen=True)
class _Part:
    """Nodes or edges: per-source rows, fused rows, and the columns that key them."""

    members: Table
    fused: Table
    key: tuple[str, ...]  # key columns of ``members``
    fused_key: tuple[str, ...]  # the same, in ``fused``
    name: bool  # nodes have a name (and a kind, and ``updated_at`` when fused)

    def member_key(self, table: Any) -> list[Any]:
        return [table.c[k] for k in self.key]

    def same_key(self, a: Any, b: Any) -> Any:
        return and_(*(x == y for x, y in zip(self.member_key(a), self.member_key(b), strict=True)))


_NODE_PART = _Part(NODE_SOURCES, NODES, ("node_id",), ("id",), name=True)
_EDGE_PART = _Part(EDGE_SOURCES, EDGES, ("src", "kind", "dst"), ("src", "kind", "dst"), name=False)

# A version: (source saved at, source id, name or None, attrs); sorted, oldest save first.
_Version = tuple[datetime, str, str | None, dict[str, Any]]
_Mine = dict[tuple[str, ...], tuple[str | None, dict[str, Any]]]


async def replace_contribution(
    session: AsyncSession,
    source_id: str,
    nodes: dict[str, tuple[str, dict[str, Any]]],
    edges: dict[Key, dict[str, Any]],
    now: datetime,
) -> None:
    """Make ``nodes`` and ``edges`` all that ``source_id`` contributes, then re-fuse."""
    node_rows = [
        {"node_id": i, "source_id": source_id, "kind": _kind(i), "name": name, "attrs": attrs}
        for i, (name, attrs) in nodes.items()
    ]
    edge_rows = [
        {"src": s, "kind": k, "dst": d, "source_id": source_id, "attrs": attrs}
        for (s, k, d), attrs in edges.items()
    ]
    mine_nodes: _Mine = {(i,): version for i, version in nodes.items()}
    mine_edges: _Mine = {key: (None, attrs) for key, attrs in edges.items()}
    await _replace(session, _NODE_PART, source_id, node_rows, mine_nodes, now)
    await _replace(session, _EDGE_PART, source_id, edge_rows, mine_edges, now)


async def _replace(
    session: AsyncSession,
    part: _Part,
    source_id: str,
    rows: list[dict[str, Any]],
    mine: _Mine,
    now: datetime,
) -> None:
    members = part.members
    of_source = members.c.source_id == source_id
    # Keys this source had: their fused rows go (rebuilt below if anyone still has them).
    others = await _other_versions(session, part, source_id)
    await session.execute(
        delete(part.fused).where(
            tuple_(*(part.fused.c[k] for k in part.fused_key)).in_(
                select(*part.member_key(members)).where(of_source)
            )
        )
    )
    await session.execute(delete(members).where(of_source))
    for batch in chunks(rows):
        await session.execute(insert(members), batch)
    # Keys this source now shares: their fused rows are rebuilt from every version.
    shared_now = await _other_versions(session, part, source_id)
    fused_key = and_(*(part.fused.c[k] == bindparam(f"b_{k}") for k in part.fused_key))
    for keys in chunks({key for key, _ in shared_now}):
        params = [dict(zip((f"b_{k}" for k in part.fused_key), key, strict=True)) for key in keys]
        await session.execute(delete(part.fused).where(fused_key), params)
    others.update(shared_now)
    await _copy_unshared(session, part, source_id, now)
    await _insert_merged(session, part, source_id, others, mine, now)


async def _other_versions(
    session: AsyncSession, part: _Part, source_id: str
) -> dict[tuple[tuple[str, ...], str], _Version]:
    """Other sources' versions of the keys ``source_id`` has, by (key, other source)."""
    mine, other = part.members.alias("mine"), part.members.alias("other")
    name = other.c.name if part.name else null()
    rows = await session.execute(
        select(
            *part.member_key(other),
            GraphSourceRow.updated_at,
            other.c.source_id,
            name,
            other.c.attrs,
        )
        .select_from(mine)
        .join(other, part.same_key(mine, other))
        .join(GraphSourceRow, GraphSourceRow.id == other.c.source_id)
        .where(mine.c.source_id == source_id, other.c.source_id != source_id)
    )
    width = len(part.key)
    found: dict[tuple[tuple[str, ...], str], _Version] = {}
    for row in rows:
        key, (saved, sid, name_, attrs) = tuple(row[:width]), row[width:]
        found[(key, sid)] = (saved, sid, name_, attrs)
    return found


async def _copy_unshared(session: AsyncSession, part: _Part, source_id: str, now: datetime) -> None:
    """Fused rows for the keys only ``source_id`` has: copied over in SQL."""
    m, o = part.members.alias("m"), part.members.alias("o")
    shared = select(o.c.source_id).where(part.same_key(m, o), o.c.source_id != source_id).exists()
    columns = [*part.member_key(m)]
    if part.name:
        columns += [m.c.kind, m.c.name]
    columns += [m.c.attrs, m.c.source_id]
    targets = [*part.fused_key, *(("kind", "name") if part.name else ()), "attrs", "source"]
    if part.name:
        columns.append(literal(now, UTCDateTime()))
        targets.append("updated_at")
    await session.execute(
        insert(part.fused).from_select(
            targets, select(*columns).where(m.c.source_id == source_id, ~shared)
        )
    )


async def _insert_merged(
    session: AsyncSession,
    part: _Part,
    source_id: str,
    others: Mapping[tuple[tuple[str, ...], str], _Version],
    mine: _Mine,
    now: datetime,
) -> None:
    """Fused rows for the shared keys: name from the latest save, attrs merged in order."""
    grouped: dict[tuple[str, ...], list[_Version]] = {}
    for (key, _), version in others.items():
        grouped.setdefault(key, []).append(version)
    rows: list[dict[str, Any]] = []
    for key, versions in grouped.items():
        chain = [(sid, name, attrs) for _, sid, name, attrs in sorted(versions)]
        if key in mine:
            chain.append((source_id, *mine[key]))
        attrs: dict[str, Any] = {}
        for _, _, more in chain:
            attrs.update(more)
        row: dict[str, Any] = dict(zip(part.fused_key, key, strict=True))
        row.update(attrs=attrs, source=chain[-1][0])
        if part.name:
            row.update(kind=_kind(key[0]), name=chain[-1][1], updated_at=now)
        rows.append(row)
    for batch in chunks(rows):
        await session.execute(insert(part.fused), batch)


def _kind(node_id: str) -> str:
    return node_id.partition(":")[0]
