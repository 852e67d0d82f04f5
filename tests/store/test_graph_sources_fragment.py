"""``Store.graph_sources_fragment``: what chosen sources contributed, as they saw it."""

from __future__ import annotations

import pytest

from warroom.domain.graph import Edge, EdgeKind, GraphFragment, Node, NodeKind
from warroom.store import GraphSourceKind, Store, StoreInputError

ORDERS = Node.make(NodeKind.TABLE, "orders", attrs_from="ddl")
LINES = Node.make(NodeKind.TABLE, "order_lines")
FK = Edge(src=LINES.id, dst=ORDERS.id, kind=EdgeKind.REFERENCES)
SERVICE = Node.make(NodeKind.SERVICE, "orders")


async def test_one_kind_merged_in_save_order(store: Store) -> None:
    await store.save_graph_source(
        kind="design", location="ddl", fragment=GraphFragment(nodes=[ORDERS, LINES], edges=[FK])
    )
    later = ORDERS.model_copy(update={"attrs": {"rows": 10}})
    await store.save_graph_source(
        kind="design", location="notes", fragment=GraphFragment(nodes=[later])
    )
    await store.save_graph_source(
        kind="repository", location="/repo", fragment=GraphFragment(nodes=[SERVICE])
    )
    design = await store.graph_sources_fragment(kind=GraphSourceKind.DESIGN)
    assert {n.id for n in design.nodes} == {ORDERS.id, LINES.id}
    merged = design.node(ORDERS.id)
    assert merged is not None and merged.attrs == {"attrs_from": "ddl", "rows": 10}
    assert [e.key for e in design.edges] == [FK.key]
    everything = await store.graph_sources_fragment()
    assert SERVICE.id in {n.id for n in everything.nodes}


async def test_chosen_ids_and_unknown_ids(store: Store) -> None:
    first = await store.save_graph_source(
        kind="design", location="a", fragment=GraphFragment(nodes=[ORDERS])
    )
    await store.save_graph_source(
        kind="design", location="b", fragment=GraphFragment(nodes=[LINES])
    )
    chosen = await store.graph_sources_fragment(source_ids=[first, "gsr_nope"])
    assert [n.id for n in chosen.nodes] == [ORDERS.id]
    assert await store.graph_sources_fragment(source_ids=[]) == GraphFragment()
    assert await store.graph_sources_fragment(kind="incident") == GraphFragment()
    with pytest.raises(StoreInputError, match="kind must be one of"):
        await store.graph_sources_fragment(kind="planet")
