"""Fusion: an incident's ranking, code links and similar cases become graph edges, and the
path from symptom to cause is found in memory."""

from __future__ import annotations

from tests.store.test_graph import (
    CHARGE,
    CHECKOUT,
    CHECKOUT_TO_PERSON,
    CHECKOUT_TO_PERSON_EDGES,
    CLASS,
    COMMIT,
    ENDPOINT,
    FILE,
    PAYMENT,
    PERSON,
    SHA,
    TABLE,
    TEAM,
    sample_graph,
)
from warroom.assets.fusion import fuse_incident, symptom_to_cause
from warroom.domain.evidence import SuspectScore
from warroom.domain.graph import CodeLink, Edge, EdgeKind, GraphFragment, Node, NodeKind

INCIDENT = "incident:inc_42"
OLDER = "b" * 40


def _links() -> list[CodeLink]:
    return [
        CodeLink(
            evidence_id="log:exc:1",
            frame="at com.shop.pay.PaymentService.charge(PaymentService.java:31)",
            file="src/main/java/com/shop/pay/PaymentService.java",
            line=31,
            method=CHARGE,
            klass=CLASS,
            endpoint=ENDPOINT,
            tables=[TABLE],
            aggregate="aggregate:Payment",
            last_commit=SHA,
            suspect_commits=[SHA, OLDER],
            owners=[TEAM, PERSON],
            how="class by full name; method by line range 25-40",
        ),
        CodeLink(evidence_id="log:exc:2", frame="PaymentService#31", method=CHARGE, how="again"),
    ]


def _fused() -> GraphFragment:
    ranking = [
        SuspectScore(component="payment", score=0.9, fault_type="code", evidence_ids=["m:1"]),
        SuspectScore(component="checkout", score=0.4),
    ]
    return fuse_incident("inc_42", ranking=ranking, links=_links(), similar_cases=[("case-7", 0.8)])


def _implicated(fragment: GraphFragment) -> dict[str, dict[str, object]]:
    return {e.dst: e.attrs for e in fragment.edges if e.kind is EdgeKind.IMPLICATES}


def test_incident_implicates_ranked_services_in_rank_order() -> None:
    fused = _fused()
    assert [n.id for n in fused.nodes] == [INCIDENT, PAYMENT, CHECKOUT]
    assert all(e.src == INCIDENT for e in fused.edges)
    implicated = _implicated(fused)
    assert implicated[PAYMENT] == {
        "rank": 1, "score": 0.9, "fault_type": "code", "evidence_ids": ["m:1"],
    }  # fmt: skip
    assert implicated[CHECKOUT]["rank"] == 2


def test_links_implicate_every_node_they_resolved_with_the_evidence() -> None:
    implicated = _implicated(_fused())
    assert set(implicated) == {
        PAYMENT, CHECKOUT, CHARGE, CLASS, FILE, ENDPOINT, TABLE, "aggregate:Payment",
        COMMIT, f"commit:{OLDER}", TEAM, PERSON,
    }  # fmt: skip
    # The first link that named a node gives evidence and how; every link is remembered.
    assert implicated[CHARGE] == {
        "evidence_id": "log:exc:1",
        "how": "class by full name; method by line range 25-40",
        "via": "method",
        "evidence_ids": ["log:exc:1", "log:exc:2"],
    }
    assert implicated[FILE]["via"] == "file"
    assert implicated[COMMIT]["via"] == "last_commit"
    assert implicated[f"commit:{OLDER}"]["via"] == "suspect_commits"


def test_similar_cases_become_similar_to_edges_with_their_score() -> None:
    similar = [e for e in _fused().edges if e.kind is EdgeKind.SIMILAR_TO]
    assert similar == [
        Edge(src=INCIDENT, kind=EdgeKind.SIMILAR_TO, dst="case:case-7", attrs={"score": 0.8})
    ]


def test_nothing_to_fuse_gives_the_incident_alone() -> None:
    fused = fuse_incident("inc_1", ranking=[], links=[])
    assert fused == GraphFragment(nodes=[Node.make(NodeKind.INCIDENT, "inc_1")])


def test_symptom_to_cause_through_the_fused_graph() -> None:
    graph = sample_graph().merge(_fused())
    # The incident implicates both the alerting service and the commit: two hops.
    path = symptom_to_cause(graph, symptom=CHECKOUT, cause=COMMIT)
    assert path is not None
    assert [n.id for n in path.nodes] == [CHECKOUT, INCIDENT, COMMIT]
    assert [e.kind for e in path.edges] == [EdgeKind.IMPLICATES, EdgeKind.IMPLICATES]
    # The older suspect commit is known only from the link: its node is made from its id.
    older = symptom_to_cause(graph, symptom=PAYMENT, cause=f"commit:{OLDER}")
    assert older is not None
    assert older.nodes[-1] == Node(id=f"commit:{OLDER}", kind=NodeKind.COMMIT, name=OLDER)


def test_symptom_to_cause_breaks_ties_like_the_store() -> None:
    path = symptom_to_cause(sample_graph(), symptom=CHECKOUT, cause=PERSON)
    assert path is not None
    assert [n.id for n in path.nodes] == CHECKOUT_TO_PERSON
    assert [e.key for e in path.edges] == CHECKOUT_TO_PERSON_EDGES


def test_symptom_to_cause_bounds_and_unknowns() -> None:
    graph = sample_graph()
    assert symptom_to_cause(graph, symptom=CHECKOUT, cause=PERSON, max_depth=4) is None
    assert symptom_to_cause(graph, symptom=CHECKOUT, cause="commit:unknown") is None
    same = symptom_to_cause(graph, symptom=TABLE, cause=TABLE)
    assert same is not None and [n.id for n in same.nodes] == [TABLE] and same.edges == []
    apart = graph.merge(GraphFragment(nodes=[Node.make(NodeKind.TEAM, "alone")]))
    assert symptom_to_cause(apart, symptom=CHECKOUT, cause="team:alone") is None


def test_bare_owner_names_become_team_and_person_ids() -> None:
    link = CodeLink(evidence_id="e", frame="f", owners=["@payments-team", "Dev@Shop.org"])
    fused = fuse_incident("inc_42", ranking=[], links=[link])
    assert set(_implicated(fused)) == {TEAM, PERSON}
