"""Logger locations a stripped header took with it are read back from the raw lines."""

from __future__ import annotations

from pathlib import Path

from warroom.evidence.logs import sources
from warroom.evidence.logs.sources import stripped_locations
from warroom.ingest.records import LogRecord


def rec(path: Path, line: int, message: str) -> LogRecord:
    return LogRecord(
        ts=1.0, entity="app", level="INFO", message=message, source=str(path), line=line
    )


def test_locations_of_stripped_headers_are_restored(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text(
        "10:00:00 INFO  o.s.OrderServiceImpl#324 TraceID: a [create][ok]\n"
        "10:00:01 INFO  o.s.OrderServiceImpl#330 TraceID: b [create][done]\n"
        "10:00:02 INFO  o.s.Other#7 o.s.Keep#9 already named\n"
    )
    records = [
        rec(path, 1, "a [create][ok]"),
        rec(path, 2, "b [create][done]"),
        rec(path, 3, "o.s.Keep#9 already named"),  # the message keeps its own location
        rec(tmp_path / "gone.log", 1, "no file"),
    ]
    assert stripped_locations(records) == {
        (str(path), 1): "o.s.OrderServiceImpl#324",
        (str(path), 2): "o.s.OrderServiceImpl#330",
    }


def test_a_file_without_locations_is_given_up_after_the_probe(tmp_path: Path) -> None:
    path = tmp_path / "plain.log"
    count = sources.PROBE + 20
    lines = [f"10:00:00 INFO served request {i}" for i in range(count)]
    lines.append("10:00:01 INFO  o.s.Late#1 a location long after the probe")
    path.write_text("\n".join(lines) + "\n")
    records = [rec(path, i + 1, f"served request {i}") for i in range(count)]
    records.append(rec(path, count + 1, "a location long after the probe"))
    assert stripped_locations(records) == {}
