"""``/graph``: the fused knowledge graph of the store (repositories, designs, cases, incidents).

Node ids are ``<kind>:<key>`` and keys hold ``/``, ``:``, ``#``, spaces and braces
(``file:src/x/Y.java``, ``method:com.x.Y#run``, ``endpoint:GET /orders/{}``). In a path they
are sent percent-encoded (``#`` as ``%23``, ``?`` as ``%3F``) and may keep their slashes:
``/graph/nodes/{node_id}`` takes the rest of the path as the id, and
``/graph/nodes/{node_id}/neighbourhood`` and ``.../blast-radius`` take everything before
their last segment (so an id that itself ends in ``/neighbourhood`` or ``/blast-radius``
can only be read through ``/graph/nodes?q=``). ``/graph/path`` takes its ids as query
parameters. A malformed id answers 422, an id the graph does not hold 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from warroom.api.deps import CurrentKey, OffsetQuery, StoreDep
from warroom.api.routes.responses import errors
from warroom.api.schemas.knowledge import (
    BlastEntryPublic,
    BlastRadiusPublic,
    GraphCountsPublic,
    GraphPathPublic,
    NeighbourhoodPublic,
    NodesPublic,
)
from warroom.domain.graph import EdgeKind, Node, NodeKind
from warroom.store import GraphDirection, Store
from warroom.store.graph import MAX_BLAST_DEPTH, MAX_NEIGHBOURHOOD_DEPTH, MAX_PATH_DEPTH
from warroom.store.graph_sql import placeholder
from warroom.store.graph_write import check_id

router = APIRouter(prefix="/graph", tags=["graph"])

_ERRORS = errors(404, 422)
EdgeKindsQuery = Annotated[
    list[EdgeKind] | None,
    Query(description="Follow only these edge kinds (repeat the parameter); all by default."),
]


async def known_node(store: Store, node_id: str) -> Node:
    """The node, or (for an id only edges name) a placeholder; 422 for a malformed id and
    404 for one the graph does not hold."""
    check_id(node_id, "node id")
    node = await store.graph_node(node_id=node_id)
    if node is not None:
        return node
    near = await store.graph_neighbourhood(node_id=node_id, depth=1, limit=2)
    if any(n.id == node_id for n in near.nodes):
        return placeholder(node_id)
    raise HTTPException(
        status.HTTP_404_NOT_FOUND,
        detail=f"the graph holds no node {node_id[:200]!r}; find ids with "
        "GET /api/v1/graph/nodes?q=<part of a name>",
    )


@router.get("/counts", operation_id="graph_counts", responses=errors())
async def graph_counts(store: StoreDep, _key: CurrentKey) -> GraphCountsPublic:
    """How many nodes and edges of each kind the graph holds."""
    counts = await store.graph_counts()
    return GraphCountsPublic(nodes=counts.nodes, edges=counts.edges)


@router.get("/nodes", operation_id="graph_nodes", responses=errors(422))
async def graph_nodes(
    store: StoreDep,
    _key: CurrentKey,
    kind: Annotated[NodeKind | None, Query(description="Only nodes of this kind.")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=r"^[^\x00-\x1f]*$",
            description="Only nodes whose id or name contains this (any case).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: OffsetQuery = 0,
) -> NodesPublic:
    """Nodes ordered by id, one page at a time."""
    found = await store.graph_nodes(kind=kind, query=q, limit=limit, offset=offset)
    return NodesPublic(data=found, count=len(found))


@router.get("/path", operation_id="graph_path", responses=_ERRORS)
async def graph_path(
    store: StoreDep,
    _key: CurrentKey,
    src: Annotated[str, Query(min_length=1, max_length=1024, description="From this node id.")],
    dst: Annotated[str, Query(min_length=1, max_length=1024, description="To this node id.")],
    max_depth: Annotated[int, Query(ge=1, le=MAX_PATH_DEPTH)] = 6,
    directed: Annotated[
        bool, Query(description="Follow edges only from src to dst; default: either way.")
    ] = False,
    edge_kinds: EdgeKindsQuery = None,
) -> GraphPathPublic:
    """A shortest path between two nodes (the same one on every call), or ``path: null``
    when none is within ``max_depth`` hops; 404 when either node is unknown."""
    await known_node(store, src)
    await known_node(store, dst)
    path = await store.graph_path(
        src=src, dst=dst, max_depth=max_depth, edge_kinds=edge_kinds, directed=directed
    )
    return GraphPathPublic(src=src, dst=dst, path=path)


@router.get(
    "/nodes/{node_id:path}/neighbourhood", operation_id="graph_neighbourhood", responses=_ERRORS
)
async def graph_neighbourhood(
    node_id: str,
    store: StoreDep,
    _key: CurrentKey,
    depth: Annotated[int, Query(ge=1, le=MAX_NEIGHBOURHOOD_DEPTH)] = 1,
    direction: Annotated[
        GraphDirection,
        Query(description="out: along edges, in: against them, both: either way."),
    ] = GraphDirection.BOTH,
    edge_kinds: EdgeKindsQuery = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> NeighbourhoodPublic:
    """The nodes within ``depth`` hops of the node, nearest first, and the edges among them."""
    await known_node(store, node_id)
    found = await store.graph_neighbourhood(
        node_id=node_id, depth=depth, edge_kinds=edge_kinds, direction=direction, limit=limit
    )
    return NeighbourhoodPublic(node_id=node_id, nodes=found.nodes, edges=found.edges)


@router.get(
    "/nodes/{node_id:path}/blast-radius", operation_id="graph_blast_radius", responses=_ERRORS
)
async def graph_blast_radius(
    node_id: str,
    store: StoreDep,
    _key: CurrentKey,
    depth: Annotated[int, Query(ge=1, le=MAX_BLAST_DEPTH)] = 3,
    limit: Annotated[int, Query(ge=1, le=2000)] = 1000,
) -> BlastRadiusPublic:
    """What breaks when the node breaks (callers, handlers, services, owners...), nearest
    first, with the kind of the hop that reached each."""
    await known_node(store, node_id)
    found = await store.graph_blast_radius(node_id=node_id, depth=depth, limit=limit)
    data = [BlastEntryPublic(node=e.node, distance=e.distance, via=e.via) for e in found]
    return BlastRadiusPublic(node_id=node_id, data=data, count=len(data))


@router.get("/nodes/{node_id:path}", operation_id="graph_node_get", responses=_ERRORS)
async def graph_node(node_id: str, store: StoreDep, _key: CurrentKey) -> Node:
    """One node by id."""
    return await known_node(store, node_id)
