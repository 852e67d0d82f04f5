"""The knowledge graph in the store: sources, neighbourhood, path and blast-radius queries.

Every test runs on SQLite and on the real PostgreSQL (``postgres_url``, emptied of graph rows
before each test). The sample graph is a chain service → endpoint → method → class → file →
commit → person with a table, an aggregate, a context and a team around it, and a call cycle
between the two services.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text

from tests.factories import sample_incident
from tests.services import postgres_database
from warroom.assets.fusion import fuse_incident, symptom_to_cause
from warroom.config import Settings
from warroom.domain.evidence import SuspectScore
from warroom.domain.graph import (
    CodeLink,
    Edge,
    EdgeKind,
    GraphFragment,
    GraphPath,
    Node,
    NodeKind,
)
from warroom.store import NotFoundError, Store, StoreInputError, open_store
from warroom.store.database import Database
from warroom.store.migrate import current_revision, downgrade, head_revision, upgrade

CHECKOUT = "service:checkout"
PAYMENT = "service:payment"
ENDPOINT = "endpoint:POST /payments"
CHARGE = "method:com.shop.pay.PaymentService#charge"
REFUND = "method:com.shop.pay.PaymentService#refund"
CLASS = "class:com.shop.pay.PaymentService"
FILE = "file:src/main/java/com/shop/pay/PaymentService.java"
SHA = "a" * 40
COMMIT = f"commit:{SHA}"
PERSON = "person:dev@shop.org"
TEAM = "team:payments-team"
TABLE = "table:payments"
AGGREGATE = "aggregate:Payment"
CONTEXT = "context:billing"
GRAPH_TABLES = {"graph_sources", "graph_nodes", "graph_edges", "graph_node_sources"} | {
    "graph_edge_sources"
}


def _edge(src: str, kind: EdgeKind, dst: str, **attrs: object) -> Edge:
    return Edge(src=src, kind=kind, dst=dst, attrs=attrs)


def sample_graph() -> GraphFragment:
    nodes = [
        Node.make(NodeKind.SERVICE, "checkout"),
        Node.make(NodeKind.SERVICE, "payment"),
        Node.make(NodeKind.ENDPOINT, "POST /payments", http_method="POST"),
        Node.make(NodeKind.METHOD, "com.shop.pay.PaymentService#charge", name="charge"),
        Node.make(NodeKind.METHOD, "com.shop.pay.PaymentService#refund", name="refund"),
        Node.make(NodeKind.CLASS, "com.shop.pay.PaymentService", name="PaymentService"),
        Node.make(NodeKind.FILE, "src/main/java/com/shop/pay/PaymentService.java"),
        Node.make(NodeKind.COMMIT, SHA, name=SHA[:12], summary="charge twice"),
        Node.make(NodeKind.PERSON, "dev@shop.org"),
        Node.make(NodeKind.TEAM, "payments-team"),
        Node.make(NodeKind.TABLE, "payments", columns=["id", "amount"], rows=1000),
        Node.make(NodeKind.AGGREGATE, "Payment"),
        Node.make(NodeKind.CONTEXT, "billing"),
    ]
    edges = [
        _edge(CHECKOUT, EdgeKind.CALLS, PAYMENT, calls=120),
        _edge(PAYMENT, EdgeKind.CALLS, CHECKOUT),
        _edge(PAYMENT, EdgeKind.CONTAINS, ENDPOINT),
        _edge(CHARGE, EdgeKind.HANDLES, ENDPOINT),
        _edge(CLASS, EdgeKind.CONTAINS, CHARGE),
        _edge(CLASS, EdgeKind.CONTAINS, REFUND),
        _edge(FILE, EdgeKind.CONTAINS, CLASS),
        _edge(CLASS, EdgeKind.BELONGS_TO, PAYMENT),
        _edge(COMMIT, EdgeKind.MODIFIED, FILE),
        _edge(COMMIT, EdgeKind.MODIFIED, CHARGE),
        _edge(PERSON, EdgeKind.AUTHORED, COMMIT),
        _edge(PERSON, EdgeKind.MEMBER_OF, TEAM),
        _edge(TEAM, EdgeKind.OWNS, FILE),
        _edge(CHARGE, EdgeKind.WRITES, TABLE),
        _edge(AGGREGATE, EdgeKind.MAPS_TO, TABLE),
        _edge(CONTEXT, EdgeKind.CONTAINS, AGGREGATE),
        _edge(CLASS, EdgeKind.IMPLEMENTS, AGGREGATE),
    ]
    return GraphFragment(nodes=nodes, edges=edges)


# Undirected, CHECKOUT reaches PERSON in 5 hops four ways; the least node sequence goes
# through the class, the file and the commit, and the least first step is the edge walked
# backwards ("calls<" sorts before "calls>").
CHECKOUT_TO_PERSON = [CHECKOUT, PAYMENT, CLASS, FILE, COMMIT, PERSON]
CHECKOUT_TO_PERSON_EDGES = [
    (PAYMENT, "calls", CHECKOUT),
    (CLASS, "belongs_to", PAYMENT),
    (FILE, "contains", CLASS),
    (COMMIT, "modified", FILE),
    (PERSON, "authored", COMMIT),
]


def ids(path: GraphPath | None) -> list[str]:
    assert path is not None
    return [n.id for n in path.nodes]


def edge_keys(path: GraphPath) -> list[tuple[str, str, str]]:
    return [e.key for e in path.edges]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (a SQLite file in the data folder) or the session's PostgreSQL database."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def graph_store(database_url: str | None, tmp_path: Path) -> AsyncIterator[Store]:
    url = database_url
    opened = await open_store(Settings(data_dir=tmp_path / "data", database_url=url))
    if url is not None:
        async with opened.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(sorted(GRAPH_TABLES))} CASCADE"))
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def graph(graph_store: Store) -> Store:
    await graph_store.save_graph_source(
        kind="repository", location="/repos/shop", fragment=sample_graph(), by="tester"
    )
    return graph_store


async def test_saved_source_is_listed_with_its_counts_and_nodes_read_back(graph: Store) -> None:
    [source] = await graph.list_graph_sources()
    assert (source.kind, source.location, source.created_by) == (
        "repository",
        "/repos/shop",
        "tester",
    )
    assert (source.nodes, source.edges) == (13, 17)
    assert await graph.graph_source(source_id=source.id) == source
    table = await graph.graph_node(node_id=TABLE)
    assert table == Node.make(NodeKind.TABLE, "payments", columns=["id", "amount"], rows=1000)
    assert await graph.graph_node(node_id="table:nothing") is None
    counts = await graph.graph_counts()
    assert counts.nodes == {
        "service": 2, "endpoint": 1, "method": 2, "class": 1, "file": 1, "commit": 1,
        "person": 1, "team": 1, "table": 1, "aggregate": 1, "context": 1,
    }  # fmt: skip
    assert sum(counts.edges.values()) == 17 and counts.edges["contains"] == 5


async def test_nodes_filter_by_kind_and_substring_and_page(graph: Store) -> None:
    methods = await graph.graph_nodes(kind="method")
    assert [n.id for n in methods] == [CHARGE, REFUND]
    assert [n.id for n in await graph.graph_nodes(query="PAYMENTSERVICE")] == [
        CLASS, FILE, CHARGE, REFUND,
    ]  # fmt: skip
    assert [n.id for n in await graph.graph_nodes(query="pay", kind="service")] == [PAYMENT]
    page = await graph.graph_nodes(limit=3, offset=2)
    everything = await graph.graph_nodes(limit=100)
    assert page == everything[2:5]
    assert await graph.graph_nodes(query="%") == []  # a literal, not a wildcard


async def test_undirected_shortest_path_breaks_ties_by_least_ids_then_steps(graph: Store) -> None:
    path = await graph.graph_path(src=CHECKOUT, dst=PERSON)
    assert ids(path) == CHECKOUT_TO_PERSON
    assert path is not None
    assert edge_keys(path) == CHECKOUT_TO_PERSON_EDGES
    assert path.edges[0].attrs == {}
    assert path.nodes[2].name == "PaymentService"


async def test_path_respects_max_depth(graph: Store) -> None:
    assert await graph.graph_path(src=CHECKOUT, dst=PERSON, max_depth=4) is None
    assert ids(await graph.graph_path(src=CHECKOUT, dst=PERSON, max_depth=5)) == CHECKOUT_TO_PERSON


async def test_directed_path_follows_edges_only_from_src_to_dst(graph: Store) -> None:
    assert await graph.graph_path(src=CHECKOUT, dst=TABLE, directed=True) is None
    assert await graph.graph_path(src=CHECKOUT, dst=TABLE) is not None
    path = await graph.graph_path(src=PERSON, dst=TABLE, directed=True)
    assert ids(path) == [PERSON, COMMIT, CHARGE, TABLE]
    assert path is not None
    assert [e.kind for e in path.edges] == [EdgeKind.AUTHORED, EdgeKind.MODIFIED, EdgeKind.WRITES]


async def test_call_cycle_neither_loops_nor_repeats_a_node(graph: Store) -> None:
    # checkout → payment → checkout → ... : the walk must stop and never revisit a node.
    assert ids(await graph.graph_path(src=CHECKOUT, dst=ENDPOINT, directed=True, max_depth=10)) == [
        CHECKOUT, PAYMENT, ENDPOINT,
    ]  # fmt: skip
    assert await graph.graph_path(src=CHECKOUT, dst=CHARGE, directed=True, max_depth=10) is None
    for target in (PERSON, TABLE, CONTEXT, REFUND):
        walked = ids(await graph.graph_path(src=CHECKOUT, dst=target, max_depth=10))
        assert len(walked) == len(set(walked))


async def test_path_with_edge_kinds_walks_only_those(graph: Store) -> None:
    kinds = [EdgeKind.CALLS, EdgeKind.CONTAINS, EdgeKind.HANDLES]
    assert ids(await graph.graph_path(src=CHECKOUT, dst=CLASS, edge_kinds=kinds)) == [
        CHECKOUT, PAYMENT, ENDPOINT, CHARGE, CLASS,
    ]  # fmt: skip
    assert await graph.graph_path(src=CHECKOUT, dst=PERSON, edge_kinds=kinds) is None


async def test_path_to_itself_and_to_unknown_nodes(graph: Store) -> None:
    same = await graph.graph_path(src=TABLE, dst=TABLE)
    assert same is not None and ids(same) == [TABLE] and same.edges == []
    assert await graph.graph_path(src=TABLE, dst="table:missing") is None
    assert await graph.graph_path(src="table:missing", dst="table:missing") is None


async def test_neighbourhood_by_depth_direction_kinds_and_limit(graph: Store) -> None:
    one = await graph.graph_neighbourhood(node_id=PAYMENT)
    assert [n.id for n in one.nodes] == [PAYMENT, CLASS, ENDPOINT, CHECKOUT]
    assert sorted(e.key for e in one.edges) == sorted(
        [
            (CHECKOUT, "calls", PAYMENT),
            (PAYMENT, "calls", CHECKOUT),
            (PAYMENT, "contains", ENDPOINT),
            (CLASS, "belongs_to", PAYMENT),
        ]
    )
    two = await graph.graph_neighbourhood(node_id=PAYMENT, depth=2)
    assert {n.id for n in two.nodes} - {n.id for n in one.nodes} == {
        CHARGE, REFUND, FILE, AGGREGATE,
    }  # fmt: skip
    out = await graph.graph_neighbourhood(node_id=PAYMENT, depth=2, direction="out")
    assert [n.id for n in out.nodes] == [PAYMENT, ENDPOINT, CHECKOUT]
    into = await graph.graph_neighbourhood(node_id=PAYMENT, direction="in")
    assert [n.id for n in into.nodes] == [PAYMENT, CLASS, CHECKOUT]
    calls = await graph.graph_neighbourhood(node_id=PAYMENT, depth=4, edge_kinds=["calls"])
    assert [n.id for n in calls.nodes] == [PAYMENT, CHECKOUT]
    assert {e.kind for e in calls.edges} == {EdgeKind.CALLS}
    nearest = await graph.graph_neighbourhood(node_id=PAYMENT, depth=2, limit=2)
    assert [n.id for n in nearest.nodes] == [PAYMENT, CLASS]
    assert [e.key for e in nearest.edges] == [(CLASS, "belongs_to", PAYMENT)]


async def test_neighbourhood_of_unknown_node_is_empty(graph: Store) -> None:
    assert await graph.graph_neighbourhood(node_id="service:nobody") == GraphFragment()


async def test_fragment_for_several_nodes(graph: Store) -> None:
    only = await graph.graph_fragment_for(node_ids=[PERSON, TEAM, "team:nobody"], depth=0)
    assert [n.id for n in only.nodes] == [PERSON, TEAM]
    assert [e.key for e in only.edges] == [(PERSON, "member_of", TEAM)]
    around = await graph.graph_fragment_for(node_ids=[TABLE, CHECKOUT], depth=1)
    assert {n.id for n in around.nodes} == {TABLE, CHECKOUT, CHARGE, AGGREGATE, PAYMENT}


async def test_blast_radius_follows_dependents_not_provenance(graph: Store) -> None:
    hit = await graph.graph_blast_radius(node_id=TABLE, depth=3)
    assert [(e.node.id, e.distance, e.via) for e in hit] == [
        (AGGREGATE, 1, EdgeKind.MAPS_TO),
        (CHARGE, 1, EdgeKind.WRITES),
        (CLASS, 2, EdgeKind.CONTAINS),
        (CONTEXT, 2, EdgeKind.CONTAINS),
        (ENDPOINT, 2, EdgeKind.HANDLES),
        (FILE, 3, EdgeKind.CONTAINS),
        (PAYMENT, 3, EdgeKind.BELONGS_TO),
    ]
    deeper = await graph.graph_blast_radius(node_id=TABLE, depth=4)
    assert [(e.node.id, e.distance, e.via) for e in deeper[len(hit) :]] == [
        (CHECKOUT, 4, EdgeKind.CALLS)
    ]
    # Commits, people and teams are history and ownership: nothing breaks through them.
    assert {e.node.kind for e in deeper}.isdisjoint({NodeKind.COMMIT, NodeKind.PERSON})
    assert await graph.graph_blast_radius(node_id=PERSON) == []


async def test_reindex_replaces_own_part_and_keeps_shared_nodes(graph_store: Store) -> None:
    repo = await graph_store.save_graph_source(
        kind="repository", location="/repos/shop", fragment=sample_graph()
    )
    design = GraphFragment(
        nodes=[
            Node.make(NodeKind.TABLE, "payments", name="PAYMENTS", columns=["id"], schema="pay"),
            Node.make(NodeKind.AGGREGATE, "Payment"),
        ],
        edges=[_edge(AGGREGATE, EdgeKind.MAPS_TO, TABLE, source="ddl")],
    )
    ddl = await graph_store.save_graph_source(kind="design", location="/docs/ddl", fragment=design)
    # Shared: the later-saved source's name and attrs win, key by key.
    table = await graph_store.graph_node(node_id=TABLE)
    assert table is not None
    assert (table.name, table.attrs) == (
        "PAYMENTS",
        {"columns": ["id"], "rows": 1000, "schema": "pay"},
    )

    smaller = sample_graph()
    smaller.nodes = [n for n in smaller.nodes if n.id not in {TABLE, AGGREGATE, REFUND}]
    smaller.edges = [e for e in smaller.edges if TABLE not in (e.src, e.dst) and e.dst != REFUND]
    again = await graph_store.save_graph_source(
        kind="repository", location="/repos/shop", fragment=smaller
    )
    assert again == repo
    assert await graph_store.graph_node(node_id=REFUND) is None
    table = await graph_store.graph_node(node_id=TABLE)
    assert table is not None
    assert (table.name, table.attrs) == ("PAYMENTS", {"columns": ["id"], "schema": "pay"})
    maps = await graph_store.graph_neighbourhood(node_id=TABLE)
    assert [(e.key, e.attrs) for e in maps.edges] == [
        ((AGGREGATE, "maps_to", TABLE), {"source": "ddl"})
    ]
    assert await graph_store.graph_path(src=TABLE, dst=CHARGE) is not None  # via the class

    await graph_store.delete_graph_source(source_id=ddl)
    assert await graph_store.graph_node(node_id=TABLE) is None
    assert await graph_store.graph_node(node_id=AGGREGATE) is None  # the repo dropped it too
    assert [s.id for s in await graph_store.list_graph_sources()] == [repo]
    counts = await graph_store.graph_counts()
    assert sum(counts.nodes.values()) == 10


async def test_deleting_the_older_source_leaves_the_newer_version(graph_store: Store) -> None:
    old = await graph_store.save_graph_source(
        kind="repository",
        location="/a",
        fragment=GraphFragment(nodes=[Node.make(NodeKind.TABLE, "t", name="T-a", a=1, shared=1)]),
    )
    await graph_store.save_graph_source(
        kind="repository",
        location="/b",
        fragment=GraphFragment(nodes=[Node.make(NodeKind.TABLE, "t", name="T-b", shared=2)]),
    )
    node = await graph_store.graph_node(node_id="table:t")
    assert node is not None and (node.name, node.attrs) == ("T-b", {"a": 1, "shared": 2})
    await graph_store.delete_graph_source(source_id=old)
    node = await graph_store.graph_node(node_id="table:t")
    assert node is not None and (node.name, node.attrs) == ("T-b", {"shared": 2})


async def test_a_node_only_edges_name_comes_back_with_its_key(graph_store: Store) -> None:
    await graph_store.save_graph_source(
        kind="incident",
        location="inc_1",
        fragment=GraphFragment(
            nodes=[Node.make(NodeKind.INCIDENT, "inc_1")],
            edges=[_edge("incident:inc_1", EdgeKind.IMPLICATES, "service:ghost", rank=1)],
        ),
    )
    path = await graph_store.graph_path(src="incident:inc_1", dst="service:ghost")
    assert path is not None
    assert path.nodes[1] == Node(id="service:ghost", kind=NodeKind.SERVICE, name="ghost")
    assert path.edges[0].attrs == {"rank": 1}
    assert await graph_store.graph_node(node_id="service:ghost") is None


async def test_bad_input_is_refused_with_a_message(graph: Store) -> None:
    bad_node = GraphFragment(nodes=[Node(id="class:X", kind=NodeKind.TABLE, name="X")])
    with pytest.raises(StoreInputError, match="must start with its kind 'table:'"):
        await graph.save_graph_source(kind="design", location="/d", fragment=bad_node)
    bad_edge = GraphFragment(edges=[_edge("orders", EdgeKind.CALLS, PAYMENT)])
    with pytest.raises(StoreInputError, match="edge src must be '<kind>:<key>'"):
        await graph.save_graph_source(kind="design", location="/d", fragment=bad_edge)
    with pytest.raises(StoreInputError, match="kind must be one of"):
        await graph.save_graph_source(kind="wiki", location="/d", fragment=GraphFragment())
    with pytest.raises(StoreInputError, match="location"):
        await graph.save_graph_source(kind="design", location=" ", fragment=GraphFragment())
    with pytest.raises(StoreInputError, match="depth must be between 1 and 4"):
        await graph.graph_neighbourhood(node_id=PAYMENT, depth=5)
    with pytest.raises(StoreInputError, match="direction must be one of"):
        await graph.graph_neighbourhood(node_id=PAYMENT, direction="sideways")
    with pytest.raises(StoreInputError, match="edge_kinds must be one of"):
        await graph.graph_path(src=PAYMENT, dst=CHECKOUT, edge_kinds=["calls", "likes"])
    with pytest.raises(StoreInputError, match="max_depth must be between 1 and 10"):
        await graph.graph_path(src=PAYMENT, dst=CHECKOUT, max_depth=0)
    with pytest.raises(StoreInputError, match="src must be '<kind>:<key>'"):
        await graph.graph_path(src="payment", dst=CHECKOUT)
    with pytest.raises(NotFoundError, match="no graph source"):
        await graph.delete_graph_source(source_id="gsr_nothing")
    assert len(await graph.list_graph_sources()) == 1


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _upgrade_from_0003_keeps_data(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine, "0003")
        async with db.engine.connect() as conn:
            assert not (await conn.run_sync(_tables)) & GRAPH_TABLES
        store = Store(db)
        await store.add_incident(incident=sample_incident())
        await upgrade(db.engine, "head")
        assert await current_revision(db.engine) == head_revision()
        assert await store.get_incident(incident_id="inc_test") is not None
        await store.save_graph_source(kind="repository", location="/r", fragment=sample_graph())
        assert ids(await store.graph_path(src=CHECKOUT, dst=PERSON)) == CHECKOUT_TO_PERSON

        await downgrade(db.engine, "0003")
        async with db.engine.connect() as conn:
            assert not (await conn.run_sync(_tables)) & GRAPH_TABLES
        assert await store.get_incident(incident_id="inc_test") is not None
    finally:
        await db.dispose()


async def test_migration_from_0003_with_data_on_sqlite(tmp_path: Path) -> None:
    await _upgrade_from_0003_keeps_data(f"sqlite:///{tmp_path / 'old.db'}")


def test_migration_from_0003_with_data_on_postgres(postgres_url: str) -> None:
    # A database of its own: the session's shared one is already at head.
    with postgres_database() as url:
        asyncio.run(_upgrade_from_0003_keeps_data(url))


async def test_fresh_database_gets_the_graph_tables(graph_store: Store) -> None:
    async with graph_store.engine.connect() as conn:
        assert (await conn.run_sync(_tables)) >= GRAPH_TABLES


async def test_in_memory_path_agrees_with_the_stored_one(graph_store: Store) -> None:
    incident = fuse_incident(
        "inc_1",
        ranking=[SuspectScore(component="payment", score=1.0)],
        links=[CodeLink(evidence_id="e1", frame="f", method=REFUND, suspect_commits=[SHA])],
    )
    fragment = sample_graph().merge(incident)
    await graph_store.save_graph_source(kind="repository", location="/r", fragment=sample_graph())
    await graph_store.save_graph_source(kind="incident", location="inc_1", fragment=incident)
    every = sorted({n.id for n in fragment.nodes})
    for i, src in enumerate(every):
        for dst in every[i:]:
            stored = await graph_store.graph_path(src=src, dst=dst)
            in_memory = symptom_to_cause(fragment, symptom=src, cause=dst)
            assert stored is not None and in_memory is not None
            assert ids(in_memory) == ids(stored), (src, dst)
            assert edge_keys(in_memory) == edge_keys(stored), (src, dst)


async def test_concurrent_saves_on_postgres_keep_every_contribution(postgres_url: str) -> None:
    """Two engines save sources that share nodes at once: graph writes take turns."""
    stores = [Store(Database(postgres_url)) for _ in range(2)]
    try:
        await upgrade(stores[0].engine)
        async with stores[0].engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(sorted(GRAPH_TABLES))} CASCADE"))
        for round_ in range(3):
            await asyncio.gather(
                *(
                    store.save_graph_source(
                        kind="repository",
                        location=f"/r{i}",
                        fragment=sample_graph(),
                        stats={"round": round_},
                    )
                    for i, store in enumerate(stores)
                )
            )
        sources = await stores[0].list_graph_sources()
        assert [(s.location, s.nodes, s.edges, s.stats) for s in sources] == [
            ("/r0", 13, 17, {"round": 2}),
            ("/r1", 13, 17, {"round": 2}),
        ]
        counts = await stores[1].graph_counts()
        assert (sum(counts.nodes.values()), sum(counts.edges.values())) == (13, 17)
    finally:
        for store in stores:
            await store.close()
