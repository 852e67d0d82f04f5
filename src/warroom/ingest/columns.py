"""What the columns of a CSV file are for, judged by their names and first values.

A caller may rely on: names are compared without case or punctuation (``TraceID`` =
``trace_id``); ``layout_of`` says whether the file holds logs (a message column), spans
(trace and span ids plus a start or duration) or metrics (a time column and numeric
columns, wide or long), or returns None when it is none of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from warroom.ingest.timeparse import PLAUSIBLE_EPOCH, TimeReader

_NON_ALNUM = re.compile(r"[^a-z0-9@]")

TIME = ("timeunixnano", "timestamp", "@timestamp", "time", "ts", "datetime", "date",
        "eventtime", "timestampms", "timems", "epoch")  # fmt: skip
SERVICE = ("servicename", "service", "app", "application", "workload", "deployment",
           "kubernetesservicename")  # fmt: skip
POD = ("podname", "pod", "kubernetespodname", "k8spodname", "container", "containername")
INSTANCE = ("instance", "host", "hostname", "node", "nodename")
MESSAGE = ("log", "message", "msg", "content", "body", "text", "line")
LEVEL = ("level", "severity", "loglevel", "levelname", "severitytext")
TRACE_ID = ("traceid", "trace")
SPAN_ID = ("spanid", "span")
PARENT_ID = ("parentid", "parentspanid", "parentspan", "parent")
OPERATION = ("operationname", "operation", "spanname", "name", "endpoint", "method")
START = ("starttimeunixnano", "starttime", "start", "startts", "startunixnano", "timestamp",
         "time", "ts")  # fmt: skip
END = ("endtimeunixnano", "endtime", "end", "endts", "endunixnano")
DURATION = ("durationms", "duration", "durationus", "durationns", "latencyms", "latency",
            "elapsedms", "elapsed")  # fmt: skip
STATUS = ("error", "iserror", "status", "statuscode", "otelstatuscode", "httpstatuscode")
METRIC_NAME = ("metric", "metricname", "name", "__name__", "series")
VALUE = ("value", "val", "metricvalue")


def norm(name: str) -> str:
    return _NON_ALNUM.sub("", name.strip().lower())


def find(names: list[str], wanted: tuple[str, ...]) -> int | None:
    """Index of the first column (in ``wanted`` order) whose normalised name is wanted."""
    index = {n: i for i, n in reversed(list(enumerate(names)))}
    for w in wanted:
        if w in index:
            return index[w]
    return None


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class Layout:
    kind: Literal["logs", "spans", "metrics-wide", "metrics-long"]
    time: int | None = None
    times: list[int] = field(default_factory=list)  # time columns, best first
    entity: int | None = None  # a service column, else a pod column, else an instance column
    entity_is_pod: bool = False
    numeric: list[int] = field(default_factory=list)


def time_columns(names: list[str], first: list[str]) -> list[int]:
    """Columns holding times, best first: numeric epoch columns before formatted ones."""
    reader = TimeReader()
    ranked = [i for w in TIME for i, n in enumerate(names) if n == w]
    ranked += [i for i, n in enumerate(names) if n.endswith("time") and i not in ranked]
    usable = [i for i in ranked if i < len(first) and reader(first[i]) is not None]
    return [i for i in usable if is_number(first[i])] + [
        i for i in usable if not is_number(first[i])
    ]


def time_column(names: list[str], first: list[str]) -> int | None:
    return next(iter(time_columns(names, first)), None)


class RowTime:
    """The time of a row: the best time column, or the next one when that cell is empty,
    malformed or implausible (an overflowed epoch)."""

    __slots__ = ("_columns", "_readers")

    def __init__(self, columns: list[int]) -> None:
        self._columns = columns
        self._readers = [TimeReader() for _ in columns]

    def __call__(self, row: list[str]) -> float | None:
        for column, reader in zip(self._columns, self._readers, strict=True):
            ts = reader(row[column])
            if ts is not None and ts >= PLAUSIBLE_EPOCH:
                return ts
        return None


def layout_of(header: list[str], first: list[str]) -> Layout | None:
    """The layout of a CSV whose header row is ``header`` and first data row ``first``."""
    names = [norm(h) for h in header]
    entity, is_pod = _entity_column(names)
    times = time_columns(names, first)
    if find(names, MESSAGE) is not None:
        return Layout("logs", next(iter(times), None), times, entity, is_pod)
    has_ids = find(names, TRACE_ID) is not None and find(names, SPAN_ID) is not None
    if has_ids and (find(names, START) is not None or find(names, DURATION) is not None):
        start = find(names, START)
        return Layout("spans", start, [] if start is None else [start], entity, is_pod)
    time = next(iter(times), None)
    if time is None:
        return None
    name_col, value_col = find(names, METRIC_NAME), find(names, VALUE)
    if name_col is not None and value_col is not None:
        return Layout("metrics-long", time, times, entity, is_pod)
    skip = {time, entity}
    numeric = [
        i
        for i, n in enumerate(names)
        if i not in skip and i < len(first) and is_number(first[i]) and n not in TIME
    ]
    if not numeric:
        return None
    return Layout("metrics-wide", time, times, entity, is_pod, numeric)


def _entity_column(names: list[str]) -> tuple[int | None, bool]:
    service = find(names, SERVICE)
    if service is not None:
        return service, False
    pod = find(names, POD)
    if pod is not None:
        return pod, True
    return find(names, INSTANCE), True
