"""Raw input -> ``Telemetry``: logs, metrics and spans in the formats people have.

Public surface: ``load_paths`` (files and folders, windowed), ``parse_text`` (a pasted
excerpt), ``service_of`` (pod name -> workload), ``detect_header`` / ``HeaderFormat`` (learn
a log header from sample lines). Errors in the input never raise: they are returned as
``IngestError`` items in ``Telemetry.errors``.
"""

from warroom.ingest.entities import service_of
from warroom.ingest.header import HeaderFormat, detect_header
from warroom.ingest.loader import ACCEPTED, load_file, load_paths, parse_text
from warroom.ingest.records import IngestError, LogRecord, MetricSeries, Span, Telemetry

__all__ = [
    "ACCEPTED",
    "HeaderFormat",
    "IngestError",
    "LogRecord",
    "MetricSeries",
    "Span",
    "Telemetry",
    "detect_header",
    "load_file",
    "load_paths",
    "parse_text",
    "service_of",
]
