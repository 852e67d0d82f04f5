"""Metric CSV files (wide or long form) -> ``MetricSeries``.

Wide: one row a time stamp, numeric columns are metrics. Long: ``time, metric, value`` plus
label columns. A caller may rely on: one series per (entity, instance, metric name), points
in file order, rows outside the window dropped, empty or non-numeric cells skipped; the
entity comes from a service / pod / instance column (pods folded with ``service_of``) or
else the file name stem (``payment-service_metric.csv`` -> ``payment-service``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warroom.ingest.columns import METRIC_NAME, VALUE, Layout, find, norm
from warroom.ingest.entities import service_of
from warroom.ingest.records import IngestError, MetricSeries
from warroom.ingest.timeparse import TimeReader
from warroom.ingest.window import Bounds


def entity_from_metric_file(path: str) -> str:
    stem = Path(path).stem
    for suffix in ("_metrics", "_metric", "-metrics", "-metric", ".metrics"):
        stem = stem.removesuffix(suffix)
    return service_of(stem)


def read_csv_metrics(
    rows: Iterator[list[str]], header: list[str], layout: Layout, source: str, bounds: Bounds | None
) -> tuple[list[MetricSeries], list[IngestError]]:
    assert layout.time is not None
    names = [norm(h) for h in header]
    fallback = entity_from_metric_file(source)
    read_time = TimeReader()
    series: dict[tuple[str, str | None, str], MetricSeries] = {}
    errors: list[IngestError] = []
    long_form = layout.kind == "metrics-long"
    name_col, value_col = find(names, METRIC_NAME), find(names, VALUE)
    number = 1
    for row in rows:
        number += 1
        if len(row) != len(header):
            if row:
                errors.append(
                    IngestError(source, number, f"{len(header)} fields", f"{len(row)} fields")
                )
            continue
        ts = read_time(row[layout.time])
        if ts is None:
            errors.append(
                IngestError(
                    source,
                    number,
                    f"a time in column {header[layout.time]!r}",
                    repr(row[layout.time]),
                )
            )
            continue
        if bounds is not None and not bounds[0] <= ts <= bounds[1]:
            continue
        raw = row[layout.entity] if layout.entity is not None else ""
        entity = (service_of(raw) if layout.entity_is_pod else raw) or fallback
        instance = raw or None
        if long_form:
            assert name_col is not None and value_col is not None
            points = [(row[name_col], row[value_col])]
        else:
            points = [(header[i], row[i]) for i in layout.numeric]
        for name, cell in points:
            try:
                value = float(cell)
            except ValueError:
                continue
            key = (entity, instance, name)
            s = series.get(key)
            if s is None:
                s = series[key] = MetricSeries(entity, name, source=source, instance=instance)
            s.ts.append(ts)
            s.values.append(value)
    return list(series.values()), _cap(errors, source)


def _cap(errors: list[IngestError], source: str, limit: int = 20) -> list[IngestError]:
    """At most ``limit`` errors a file, plus one line saying how many more there were."""
    if len(errors) <= limit:
        return errors
    more = len(errors) - limit
    return [*errors[:limit], IngestError(source, None, "no more bad rows", f"{more} more")]
