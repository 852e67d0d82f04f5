"""Continuation lines of Java, Python, Go and Node traces join the record they belong to."""

from __future__ import annotations

from pathlib import Path

from warroom.ingest import load_paths, parse_text

JAVA = """2023-01-30 11:59:21,000 ERROR [http-1] c.o.OrderController: request failed
java.lang.IllegalStateException: no stock
\tat c.o.OrderService.place(OrderService.java:42)
\tat c.o.OrderController.post(OrderController.java:17)
Caused by: java.sql.SQLException: timeout
\tat c.o.Dao.query(Dao.java:88)
\t... 12 more
2023-01-30 11:59:22,000 INFO  [http-2] c.o.OrderController: request ok
"""

PYTHON = """2023-01-30 11:59:21,000 ERROR app.worker: job crashed
Traceback (most recent call last):
  File "/app/worker.py", line 3, in run
    step()
  File "/app/worker.py", line 9, in step
    raise ValueError("bad input")
ValueError: bad input
2023-01-30 11:59:23,000 INFO app.worker: job restarted
"""

GO = """2023-01-30T11:59:21Z ERROR main: panic recovered
goroutine 1 [running]:
main.handler(0xc000010000)
\t/app/main.go:42 +0x1d
main.main()
\t/app/main.go:12 +0x25
2023-01-30T11:59:22Z INFO main: serving again
"""

NODE = """2023-01-30T11:59:21.000Z error api: TypeError: Cannot read properties of undefined
    at handler (/app/routes/x.js:10:5)
    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)
2023-01-30T11:59:22.000Z info api: listening
"""


def _two_records(tmp_path: Path, text: str) -> tuple[str, str]:
    (tmp_path / "app.log").write_text(text)
    tel = load_paths([tmp_path])
    assert len(tel.logs) == 2, [r.message for r in tel.logs]
    return tel.logs[0].message, tel.logs[1].message


def test_java_stack_trace_joins_frames_and_caused_by(tmp_path: Path) -> None:
    first, second = _two_records(tmp_path, JAVA)
    assert first.splitlines() == [
        "request failed",
        "java.lang.IllegalStateException: no stock",
        "\tat c.o.OrderService.place(OrderService.java:42)",
        "\tat c.o.OrderController.post(OrderController.java:17)",
        "Caused by: java.sql.SQLException: timeout",
        "\tat c.o.Dao.query(Dao.java:88)",
        "\t... 12 more",
    ]
    assert second == "request ok"


def test_python_traceback_joins_through_the_exception_line(tmp_path: Path) -> None:
    first, second = _two_records(tmp_path, PYTHON)
    assert first.startswith("job crashed\nTraceback (most recent call last):")
    assert first.endswith('raise ValueError("bad input")\nValueError: bad input')
    assert second == "job restarted"


def test_go_panic_joins_goroutine_and_frames(tmp_path: Path) -> None:
    first, second = _two_records(tmp_path, GO)
    assert first.splitlines()[1:] == [
        "goroutine 1 [running]:",
        "main.handler(0xc000010000)",
        "\t/app/main.go:42 +0x1d",
        "main.main()",
        "\t/app/main.go:12 +0x25",
    ]
    assert second == "serving again"


def test_node_stack_joins_at_frames(tmp_path: Path) -> None:
    first, _ = _two_records(tmp_path, NODE)
    assert first.count("\n") == 2
    assert "at handler (/app/routes/x.js:10:5)" in first


def test_record_line_number_is_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text(JAVA)
    assert [r.line for r in load_paths([tmp_path]).logs] == [1, 8]


def test_pasted_traces_without_header_are_joined() -> None:
    pasted = """Exception in thread "main" java.lang.NullPointerException: x is null
\tat com.shop.Cart.total(Cart.java:31)
\tat com.shop.Main.main(Main.java:5)
Traceback (most recent call last):
  File "x.py", line 3, in f
    g()
KeyError: 'id'
panic: runtime error: index out of range
goroutine 7 [running]:
main.f()
\t/src/main.go:9 +0x1d
"""
    tel = parse_text(pasted)
    messages = [r.message for r in tel.logs]
    assert len(messages) == 2, messages
    assert messages[0].startswith('Exception in thread "main"')
    assert messages[0].endswith("KeyError: 'id'")  # the traceback follows without a header
    assert messages[1].splitlines()[0] == "panic: runtime error: index out of range"
    assert messages[1].endswith("+0x1d")
    assert all(r.source == "pasted" and r.ts is None for r in tel.logs)


def test_pasted_log_excerpt_with_header_gets_times_and_levels() -> None:
    tel = parse_text(JAVA, source="alert-42")
    assert [r.level for r in tel.logs] == ["ERROR", "INFO"]
    assert tel.logs[0].ts == 1675079961.0
    assert tel.logs[0].source == "alert-42"
