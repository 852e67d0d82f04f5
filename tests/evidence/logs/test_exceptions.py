"""Specification of exception extraction: each language, root causes, grouping, locations."""

from __future__ import annotations

from warroom.evidence.logs import extract_exceptions, location_of, parse_exception
from warroom.ingest.records import LogRecord

JAVA = "\n".join(
    [
        "Request processing failed",
        "java.lang.IllegalStateException: order missing",
        "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)",
        "\tat com.shop.order.OrderController.get(OrderController.java:31)",
        "Caused by: java.sql.SQLException: pool exhausted",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
        "\tat com.shop.order.OrderRepository.find(OrderRepository.java:88)",
        "\t... 12 more",
    ]
)
PYTHON = "\n".join(
    [
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.11/site-packages/flask/app.py", line 1484, in full_dispatch',
        "    rv = self.dispatch_request()",
        '  File "app/orders.py", line 12, in get_order',
        "    return int(order_id)",
        "ValueError: invalid literal for int() with base 10: 'x'",
    ]
)
GO = "\n".join(
    [
        "panic: runtime error: index out of range [3] with length 3",
        "",
        "goroutine 1 [running]:",
        "main.(*Cart).Total(0xc000010000)",
        "\t/app/cart.go:42 +0x1d",
        "main.main()",
        "\t/app/main.go:10 +0x25",
    ]
)
NODE = "\n".join(
    [
        "TypeError: cart is undefined",
        "    at totalOf (/app/cart.js:10:5)",
        "    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)",
    ]
)


def record(
    message: str, *, line: int = 1, ts: float = 100.0, level: str | None = "ERROR"
) -> LogRecord:
    return LogRecord(
        ts=ts, entity="shop", level=level, message=message, source="app.log", line=line
    )


def test_java_trace_yields_root_cause_type_message_and_application_frame() -> None:
    parsed = parse_exception(JAVA)
    assert parsed is not None
    assert parsed.type == "java.sql.SQLException"
    assert parsed.message == "pool exhausted"
    assert parsed.causes == ["java.lang.IllegalStateException", "java.sql.SQLException"]
    assert parsed.frames[0].module_or_class == "com.zaxxer.hikari.pool.HikariPool"
    assert parsed.top_frame == "com.shop.order.OrderRepository#88"


def test_python_traceback_yields_type_message_and_innermost_frame() -> None:
    parsed = parse_exception(PYTHON)
    assert parsed is not None
    assert parsed.type == "ValueError"
    assert parsed.message.startswith("invalid literal for int()")
    assert parsed.frames[0].function == "get_order"
    assert parsed.top_frame == "app/orders.py:12"


def test_go_panic_yields_runtime_error_and_first_application_frame() -> None:
    parsed = parse_exception(GO)
    assert parsed is not None
    assert parsed.type == "runtime error"
    assert parsed.message == "index out of range [3] with length 3"
    assert parsed.frames[0].function == "Total"
    assert parsed.top_frame == "/app/cart.go:42"


def test_node_error_yields_type_message_and_first_frame() -> None:
    parsed = parse_exception(NODE)
    assert parsed is not None
    assert parsed.type == "TypeError"
    assert parsed.message == "cart is undefined"
    assert parsed.frames[0].function == "totalOf"
    assert parsed.top_frame == "/app/cart.js:10"


def test_single_line_mention_in_an_error_line_is_an_exception_at_the_logger_location() -> None:
    line = "c.s.PaymentClient#57 call failed: java.net.SocketTimeoutException: Read timed out"
    (info,) = extract_exceptions([record(line)])
    assert info.type == "java.net.SocketTimeoutException"
    assert info.message == "Read timed out"
    assert info.top_frame == "c.s.PaymentClient#57"


def test_nested_exception_mention_takes_the_innermost_class() -> None:
    line = (
        "Servlet.service() threw exception [Request processing failed; nested exception is "
        "java.lang.IllegalStateException: No instances available for backend] with root cause"
    )
    parsed = parse_exception(line)
    assert parsed is not None
    assert parsed.type == "java.lang.IllegalStateException"
    assert parsed.message == "No instances available for backend"


def test_class_name_in_an_info_line_is_not_an_exception() -> None:
    line = "registered handler for java.io.IOException"
    assert extract_exceptions([record(line, level="INFO")]) == []


def test_exceptions_group_by_entity_type_and_top_frame() -> None:
    records = [record(JAVA, line=1, ts=10.0), record(JAVA, line=9, ts=30.0)]
    records.append(record(PYTHON, line=20, ts=20.0))
    groups = extract_exceptions(records)
    assert len(groups) == 2
    java = next(g for g in groups if g.type == "java.sql.SQLException")
    assert (java.count, java.first_ts, java.last_ts) == (2, 10.0, 30.0)
    assert java.example_line_numbers == [1, 9]
    assert java.source == "app.log"


def test_plain_lines_hold_no_exception() -> None:
    assert parse_exception("order 12 created") is None
    assert extract_exceptions([record("all good", level="INFO")]) == []


def test_location_of_reads_abbreviated_class_and_line() -> None:
    assert location_of("o.s.OrderServiceImpl#324 TraceID: 1 [create]") == "o.s.OrderServiceImpl#324"
    assert location_of("com.foo.BarService#88 done") == "com.foo.BarService#88"
    assert location_of("issue #12 closed") is None
    assert location_of("plain text") is None
