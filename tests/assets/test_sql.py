from __future__ import annotations

import pytest

from warroom.assets.sql import TableAccess, table_access, tables_of


@pytest.mark.parametrize(
    ("statement", "reads", "writes"),
    [
        ("SELECT * FROM orders WHERE id = ?", ["orders"], []),
        (
            "SELECT o.id FROM shop.orders o JOIN order_lines l ON l.order_id = o.id",
            ["orders", "order_lines"],
            [],
        ),
        (
            "INSERT INTO order_lines (order_id, sku) SELECT id, 'x' FROM orders WHERE id = $1",
            ["orders"],
            ["order_lines"],
        ),
        (
            "UPDATE orders SET status = 'PAID' WHERE id IN (SELECT order_id FROM payments)",
            ["payments"],
            ["orders"],
        ),
        ("DELETE FROM order_lines WHERE order_id = :orderId", [], ["order_lines"]),
        (
            "WITH recent AS (SELECT * FROM orders WHERE created_at > ?) "
            "SELECT * FROM recent r JOIN payments p ON p.order_id = r.id",
            ["payments", "orders"],
            [],
        ),
        ("select * from `Orders` where id = #{id} and s = ${status}", ["orders"], []),
        ("SELECT * FROM orders WHERE a = %s AND b = %(name)s", ["orders"], []),
        ('SELECT * FROM "public"."Orders" WHERE x = $2::text', ["orders"], []),
        (
            "update orders o join payments p on p.order_id = o.id set o.status = 'X' "
            "where p.id = ?",
            ["payments"],
            ["orders"],
        ),
        ("INSERT INTO orders (id) VALUES (?) ON DUPLICATE KEY UPDATE id = id", [], ["orders"]),
        ("SELECT 1 FROM dual", [], []),
        ("SELECT * FROM generate_series(1, 3)", [], []),
    ],
)
def test_reads_and_writes_of_a_statement(
    statement: str, reads: list[str], writes: list[str]
) -> None:
    access = table_access(statement)

    assert (sorted(access.reads), sorted(access.writes)) == (sorted(reads), sorted(writes))
    assert access.parsed


def test_mysql_multi_table_delete_writes_the_aliased_table() -> None:
    access = table_access(
        "DELETE o FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.id = ?"
    )

    assert access.writes == ["orders"]
    assert "payments" in access.reads


def test_a_write_inside_a_cte_is_a_write() -> None:
    access = table_access(
        "WITH moved AS (DELETE FROM old_orders RETURNING *) INSERT INTO orders SELECT * FROM moved"
    )

    assert sorted(access.writes) == ["old_orders", "orders"]
    assert access.reads == []


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT o.id, o.status FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.sta",
        "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.note = 'abc",
        "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id IN (1, 2,",
        "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id = ? AND ...",
    ],
)
def test_truncated_statements_are_repaired_and_parsed(statement: str) -> None:
    access = table_access(statement)

    assert access == TableAccess(reads=["orders", "order_lines"], writes=[], parsed=True)


def test_text_that_sqlglot_cannot_parse_falls_back_to_the_from_and_join_pattern() -> None:
    access = table_access("SELECT FROM WHERE ((( FROM orders o JOIN `order_lines` ON ))) ??? ;;")

    assert access.parsed is False
    assert access.reads == ["orders", "order_lines"]


def test_pattern_fallback_sees_writes_and_skips_cte_names() -> None:
    updated = table_access("WITH x AS (SELECT 1) UPDATE orders SET a = ))) ;; FROM x JOIN payments")
    deleted = table_access("WITH x AS (SELECT 1) DELETE FROM orders WHERE ))) FROM x JOIN payments")

    for access in (updated, deleted):
        assert access.parsed is False
        assert (access.writes, access.reads) == (["orders"], ["payments"])


def test_tables_of_lists_writes_first_each_once() -> None:
    assert tables_of("INSERT INTO audit SELECT * FROM orders JOIN orders o2 ON 1 = 1") == [
        "audit",
        "orders",
    ]
    assert tables_of("") == []
    assert tables_of("   ;  ") == []
