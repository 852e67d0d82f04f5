from __future__ import annotations

from pathlib import Path

import pytest

from warroom.assets.design.ddl import parse_ddl, split_statements
from warroom.assets.design.parsed import Parsed
from warroom.domain.graph import EdgeKind

DATA = Path(__file__).parent / "data"


def _references(parsed: Parsed) -> dict[tuple[str, str], list[dict[str, object]]]:
    return {
        (e.src, e.dst): e.attrs["foreign_keys"]
        for e in parsed.fragment.edges
        if e.kind == EdgeKind.REFERENCES
    }


def test_postgres_schema_gives_tables_with_columns_keys_and_indexes() -> None:
    parsed = parse_ddl((DATA / "schema.sql").read_text(), "schema.sql")

    assert parsed.errors == []
    assert {n.id for n in parsed.fragment.nodes} == {
        "table:orders",
        "table:order_lines",
        "table:payments",
    }
    orders = parsed.fragment.node("table:orders")
    assert orders is not None
    assert orders.attrs["schema"] == "public"
    assert orders.attrs["primary_key"] == ["id"]
    assert orders.attrs["comment"] == "customer orders"
    assert orders.attrs["dialect"] == "postgres"
    assert orders.attrs["line"] == 2
    assert [c["name"] for c in orders.attrs["columns"]] == [
        "id",
        "customer_id",
        "status",
        "total_cents",
        "created_at",
    ]
    lines = parsed.fragment.node("table:order_lines")
    assert lines is not None
    assert lines.attrs["indexes"] == [
        {"name": "idx_order_lines_order", "columns": ["order_id"], "unique": False}
    ]


def test_foreign_keys_become_references_edges_from_referencing_to_referenced() -> None:
    parsed = parse_ddl((DATA / "schema.sql").read_text(), "schema.sql")

    assert _references(parsed) == {
        ("table:order_lines", "table:orders"): [
            {"columns": ["order_id"], "ref_columns": ["id"], "name": "fk_order_lines_order"}
        ],
        ("table:payments", "table:orders"): [
            {"columns": ["order_id"], "ref_columns": ["id"], "name": ""}
        ],
    }


def test_mysql_dump_with_backticks_keys_and_table_options() -> None:
    ddl = """
SET NAMES utf8mb4;
CREATE TABLE `order_lines` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT COMMENT 'line id',
  `order_id` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_order` (`order_id`),
  UNIQUE KEY `uk_line` (`order_id`, `id`),
  CONSTRAINT `fk_line_order` FOREIGN KEY (`order_id`) REFERENCES `Orders` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='lines of an order';
"""
    parsed = parse_ddl(ddl, "dump.sql")

    assert parsed.errors == []
    assert parsed.skipped == 1  # SET NAMES
    table = parsed.fragment.node("table:order_lines")
    assert table is not None
    assert table.attrs["dialect"] == "mysql"
    assert table.attrs["comment"] == "lines of an order"
    assert table.attrs["columns"][0] == {
        "name": "id",
        "type": "BIGINT(20)",
        "not_null": True,
        "comment": "line id",
    }
    assert [(i["name"], i["unique"]) for i in table.attrs["indexes"]] == [
        ("idx_order", False),
        ("uk_line", True),
    ]
    # the referenced table is not defined here: a bare node, lower-case key
    assert parsed.fragment.node("table:orders") is not None
    assert list(_references(parsed)) == [("table:order_lines", "table:orders")]


def test_alter_table_adds_columns_and_foreign_keys() -> None:
    ddl = """
CREATE TABLE orders (id bigint primary key);
CREATE TABLE payments (id bigint primary key);
ALTER TABLE payments ADD COLUMN order_id bigint NOT NULL;
ALTER TABLE payments ADD CONSTRAINT fk_pay FOREIGN KEY (order_id) REFERENCES orders (id);
"""
    parsed = parse_ddl(ddl, "alter.sql")

    payments = parsed.fragment.node("table:payments")
    assert payments is not None
    assert [c["name"] for c in payments.attrs["columns"]] == ["id", "order_id"]
    assert list(_references(parsed)) == [("table:payments", "table:orders")]


def test_a_statement_that_does_not_parse_is_reported_and_the_rest_load() -> None:
    ddl = """CREATE TABLE orders (id bigint primary key);

CREATE TABLE broken (id int REFERENCES);
CREATE TABLE order_lines (id bigint, order_id bigint REFERENCES orders (id));
"""
    parsed = parse_ddl(ddl, "mixed.sql")

    assert {n.id for n in parsed.fragment.nodes} == {"table:orders", "table:order_lines"}
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert error.line == 3
    assert "CREATE TABLE broken" in error.found
    assert "<Token" not in error.found


def test_an_unterminated_string_spoils_only_its_own_statement() -> None:
    ddl = "CREATE TABLE a (x text default 'oops);\nCREATE TABLE b (y int);\n"
    parsed = parse_ddl(ddl, "quote.sql")

    assert [n.id for n in parsed.fragment.nodes] == ["table:b"]
    assert [e.line for e in parsed.errors] == [1]


def test_split_statements_keeps_semicolons_inside_strings_and_drops_comments() -> None:
    text = "-- header\nCREATE TABLE t (a text default 'x;y');\n\n/* c */ CREATE TABLE u (b int)"
    assert split_statements(text, "postgres") == [
        (2, "CREATE TABLE t (a text default 'x;y')"),
        (4, "CREATE TABLE u (b int)"),
    ]


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="dialect must be one of"):
        parse_ddl("CREATE TABLE t (a int)", "t.sql", dialect="oracle")
