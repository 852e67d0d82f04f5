"""CSV files with a message column -> ``LogRecord``s.

A caller may rely on: the time comes from the time column (a numeric epoch column first),
the entity from a service or pod column (pods folded with ``service_of``) or else the file
name; when a message cell is a JSON object (a container runtime's record) its ``log`` /
``message`` field is the line; the header of those lines is learned once per file and
gives the level when there is no level column; rows outside the window are dropped before
their message is parsed.
"""

from __future__ import annotations

from collections.abc import Iterator

from warroom.ingest.columns import LEVEL, MESSAGE, TRACE_ID, Layout, RowTime, find, norm
from warroom.ingest.entities import service_of
from warroom.ingest.inner import InnerLines
from warroom.ingest.records import IngestError, LogRecord
from warroom.ingest.structured import fields_of, normalize_level, parse_json_object
from warroom.ingest.textlog import entity_from_path
from warroom.ingest.window import Bounds

_SAMPLE = 200


def read_csv_logs(
    rows: Iterator[list[str]], header: list[str], layout: Layout, source: str, bounds: Bounds | None
) -> tuple[list[LogRecord], list[IngestError]]:
    names = [norm(h) for h in header]
    message_col = find(names, MESSAGE)
    assert message_col is not None
    level_col = find(names, LEVEL)
    trace_col = find(names, TRACE_ID)
    entity_col = layout.entity
    default_entity = entity_from_path(source)
    row_time = RowTime(layout.times)
    width = len(header)
    records: list[LogRecord] = []
    errors: list[IngestError] = []
    pending: list[tuple[LogRecord, str]] = []  # records whose inner line is not split yet
    inner: InnerLines | None = None
    number = 1
    for row in rows:
        number += 1
        if len(row) != width:
            if row:
                errors.append(_bad_row(source, number, width, len(row)))
            continue
        ts = row_time(row)
        if ts is not None and bounds is not None and not bounds[0] <= ts <= bounds[1]:
            continue
        raw_entity = row[entity_col] if entity_col is not None else ""
        entity = (service_of(raw_entity) if layout.entity_is_pod else raw_entity) or None
        text = row[message_col]
        level = normalize_level(row[level_col]) if level_col is not None else None
        obj = parse_json_object(text) if text[:1] == "{" else None
        if obj is not None:
            fields, text = fields_of(obj, text)
            level = level or fields.get("level")
        record = LogRecord(
            ts=ts,
            entity=entity or default_entity,
            level=level,
            message=text.rstrip(),
            source=source,
            line=number,
            trace_id=(row[trace_col] or None) if trace_col is not None else None,
            instance=raw_entity or None,
        )
        if inner is None:
            pending.append((record, text))
            if len(pending) >= _SAMPLE:
                inner = _learn(pending)
                _finish(pending, inner, records)
                pending = []
            continue
        _finish([(record, text)], inner, records)
    if pending:
        _finish(pending, _learn(pending), records)
    return records, errors


def _learn(pending: list[tuple[LogRecord, str]]) -> InnerLines:
    return InnerLines([text for _, text in pending])


def _finish(
    batch: list[tuple[LogRecord, str]], inner: InnerLines, records: list[LogRecord]
) -> None:
    for record, text in batch:
        split = inner.apply(text)
        if split is None:
            # Rows are not always in order, so a continuation row cannot be joined safely;
            # it is kept as a record of its own.
            records.append(record)
            continue
        level, message = split
        record.message = message
        if record.level is None:
            record.level = level
        records.append(record)


def _bad_row(source: str, number: int, width: int, found: int) -> IngestError:
    return IngestError(
        source,
        number,
        f"{width} fields as in the header row",
        f"{found} fields; quote fields that contain commas",
    )
