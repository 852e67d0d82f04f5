from __future__ import annotations

from pathlib import Path

import pytest

from warroom.assets.design.domain_doc import parse_domain_doc
from warroom.assets.design.parsed import Parsed
from warroom.domain.graph import EdgeKind, endpoint_key

DATA = Path(__file__).parent / "data"

EXPECTED_EDGES = {
    ("context:ordering", "contains", "aggregate:Order"),
    ("aggregate:Order", "contains", "entity:OrderLine"),
    ("aggregate:Order", "maps_to", "table:orders"),
    ("entity:OrderLine", "maps_to", "table:order_lines"),
    ("service:order-service", "belongs_to", "context:ordering"),
    ("endpoint:GET /api/orders/{}", "belongs_to", "aggregate:Order"),
    ("endpoint:POST /api/orders", "belongs_to", "aggregate:Order"),
    ("context:payment", "contains", "aggregate:Payment"),
    ("aggregate:Payment", "maps_to", "table:payments"),
    ("service:payment-service", "belongs_to", "context:payment"),
}


def _edges(parsed: Parsed) -> set[tuple[str, str, str]]:
    return {(e.src, e.kind.value, e.dst) for e in parsed.fragment.edges}


@pytest.mark.parametrize("name", ["domain-en.md", "domain-zh.md"])
def test_domain_document_yields_contexts_aggregates_entities_and_their_links(name: str) -> None:
    parsed = parse_domain_doc((DATA / name).read_text(encoding="utf-8"), name)

    assert parsed.errors == []
    assert _edges(parsed) == EXPECTED_EDGES
    order = parsed.fragment.node("aggregate:Order")
    assert order is not None
    assert order.attrs["context"] == "ordering"
    assert order.attrs["tables"] == ["orders"]
    assert "Money" in order.attrs["value_objects"]
    line = parsed.fragment.node("entity:OrderLine")
    assert line is not None
    assert (line.attrs["aggregate"], line.attrs["context"]) == ("Order", "ordering")


def test_endpoint_ids_in_a_domain_document_equal_the_code_side_ids() -> None:
    parsed = parse_domain_doc((DATA / "domain-en.md").read_text(), "domain-en.md")

    endpoints = {e.src for e in parsed.fragment.edges if e.src.startswith("endpoint:")}
    assert f"endpoint:{endpoint_key('GET', '/api/orders/{orderId}')}" in endpoints


def test_chinese_names_with_a_latin_alias_are_keyed_by_the_alias() -> None:
    parsed = parse_domain_doc((DATA / "domain-zh.md").read_text(encoding="utf-8"), "zh.md")

    context = parsed.fragment.node("context:ordering")
    order = parsed.fragment.node("aggregate:Order")
    payment = parsed.fragment.node("aggregate:Payment")
    assert context is not None and order is not None and payment is not None
    assert (context.attrs["title"], order.attrs["title"], payment.attrs["title"]) == (
        "订单",
        "订单",
        "支付",
    )
    assert context.attrs["summary"] == "负责下单与订单跟踪。"


def test_suffix_headings_word_sections_and_list_declarations() -> None:
    text = """
# Inventory

## Stock bounded context

### Warehouse aggregate
Root: Warehouse
Context: stock

#### Entities
- Bin (table: warehouse_bins)
- Shelf — a shelf in a bin

#### 表
- warehouses

### 库位聚合根 (Location)
实体：LocationSlot（表：location_slots）
"""
    parsed = parse_domain_doc(text, "inv.md")

    assert parsed.errors == []
    assert _edges(parsed) == {
        ("context:stock", "contains", "aggregate:Warehouse"),
        ("aggregate:Warehouse", "contains", "entity:Bin"),
        ("aggregate:Warehouse", "contains", "entity:Shelf"),
        ("entity:Bin", "maps_to", "table:warehouse_bins"),
        ("aggregate:Warehouse", "maps_to", "table:warehouses"),
        ("context:stock", "contains", "aggregate:Location"),
        ("aggregate:Location", "contains", "entity:LocationSlot"),
        ("entity:LocationSlot", "maps_to", "table:location_slots"),
    }


def test_aggregate_root_line_renames_the_aggregate() -> None:
    text = "## Context: sales\n### Aggregate: Sales order\nAggregate root: SalesOrder\nTable: so\n"
    parsed = parse_domain_doc(text, "s.md")

    assert ("aggregate:SalesOrder", "maps_to", "table:so") in _edges(parsed)
    node = parsed.fragment.node("aggregate:SalesOrder")
    assert node is not None and node.attrs["title"] == "Sales order"


def test_a_table_with_element_columns_declares_one_element_a_row() -> None:
    text = """
## Context: shipping

| Aggregate | Entities | Tables | Endpoints |
|---|---|---|---|
| Shipment | Parcel, Label | shipments | GET /api/shipments/{id} |
| Carrier | | carriers | |
"""
    parsed = parse_domain_doc(text, "t.md")

    edges = _edges(parsed)
    assert {e for e in edges if e[1] == "contains"} == {
        ("context:shipping", "contains", "aggregate:Shipment"),
        ("context:shipping", "contains", "aggregate:Carrier"),
        ("aggregate:Shipment", "contains", "entity:Parcel"),
        ("aggregate:Shipment", "contains", "entity:Label"),
    }
    assert ("endpoint:GET /api/shipments/{}", "belongs_to", "aggregate:Shipment") in edges
    assert ("aggregate:Carrier", "maps_to", "table:carriers") in edges


def test_code_blocks_and_prose_declare_nothing() -> None:
    text = "# Notes\n\nSome context about the design.\n\n```\nAggregate: Fake\n```\n"
    parsed = parse_domain_doc(text, "notes.md")

    assert parsed.fragment.nodes == []
    assert len(parsed.errors) == 1
    assert "Bounded context" in parsed.errors[0].expected


def test_only_edge_kinds_of_the_contract_are_used() -> None:
    parsed = parse_domain_doc((DATA / "domain-en.md").read_text(), "domain-en.md")

    assert {e.kind for e in parsed.fragment.edges} == {
        EdgeKind.CONTAINS,
        EdgeKind.MAPS_TO,
        EdgeKind.BELONGS_TO,
    }
