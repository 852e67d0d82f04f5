"""Files and folders -> ``Telemetry``: find each file's format by its content and load it.

A caller may rely on: folders are walked recursively in sorted order (hidden files are
left out); a file's format is judged from its first 64 KiB, not its name; a file whose
first and last records lie wholly outside the window is skipped without being parsed and
listed in ``Telemetry.skipped``; a file that cannot be read or fits no format becomes one
``IngestError`` and the other files still load; ``on_file`` is called once a file, first.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from warroom.domain.evidence import TimeWindow
from warroom.ingest.columns import RowTime, layout_of
from warroom.ingest.csvlog import read_csv_logs
from warroom.ingest.header import HeaderFormat, detect_header
from warroom.ingest.metrics import read_csv_metrics
from warroom.ingest.records import IngestError, Telemetry
from warroom.ingest.redact import redact_telemetry
from warroom.ingest.spans import read_csv_spans, read_jaeger, read_otlp
from warroom.ingest.textlog import SAMPLE_LINES, entity_from_path, read_log_lines
from warroom.ingest.timeparse import TimeReader
from warroom.ingest.window import Bounds, bounds_of, head_lines, outside, tail_lines

ACCEPTED = (
    "a text log, JSON lines, logfmt, a CSV with a header row (logs with a message column, "
    "metrics with a time column, or spans with trace and span ids), or OTLP / Jaeger JSON spans"
)
_HEAD = 65_536
_CSV_SUFFIXES = (".csv", ".tsv")


def load_paths(
    paths: Sequence[Path],
    window: TimeWindow | None = None,
    on_file: Callable[[str], None] | None = None,
) -> Telemetry:
    """All telemetry in ``paths`` (files or folders) that falls inside ``window``."""
    bounds = bounds_of(window)
    out = Telemetry()
    named = {p for p in paths if p.is_file()}
    for path in _walk(paths, out):
        if on_file is not None:
            on_file(str(path))
        loaded = load_file(path, bounds)
        if path not in named:
            # A file met while walking a folder that fits no format (a README, an id list)
            # is noted and passed over; a file the user named must be telemetry.
            ignored = [e for e in loaded.errors if e.unrecognised]
            loaded.errors = [e for e in loaded.errors if not e.unrecognised]
            out.ignored.extend(f"{e.path}: {e.found}" for e in ignored)
        out.extend(loaded)
    return out


def parse_text(text: str, source: str = "pasted") -> Telemetry:
    """A pasted stack trace or log excerpt as log records (no window applies)."""
    records, errors = read_log_lines(text.splitlines(), source, None)
    return redact_telemetry(Telemetry(logs=records, errors=errors, files=[source]))


def _walk(paths: Sequence[Path], out: Telemetry) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            yield path
        else:
            out.errors.append(IngestError(str(path), None, "an existing file or folder", "nothing"))


def load_file(path: Path, bounds: Bounds | None) -> Telemetry:
    """One file; never raises for bad content (it becomes an ``IngestError``). Secrets in
    it are masked before anything else sees them (``ingest.redact``)."""
    return redact_telemetry(_read_file(path, bounds))


def _read_file(path: Path, bounds: Bounds | None) -> Telemetry:
    source = str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD)
    except OSError as exc:
        return _failed(source, "a readable file", str(exc))
    problem = _binary(head)
    if problem:
        return _failed(source, ACCEPTED, problem, unrecognised=True)
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    first = text.lstrip()[:1]
    try:
        if first in ("{", "["):
            doc_kind = _json_document_kind(text)
            if doc_kind is not None:
                return _load_json_document(path, source, bounds)
        header_row = _csv_header(text)
        if header_row is not None:
            return _load_csv(path, source, header_row, bounds)
        if path.suffix.lower() in _CSV_SUFFIXES:
            line = text.splitlines()[0] if text.strip() else "an empty file"
            return _failed(
                source,
                "a CSV file with a header row of column names and two or more columns "
                f"({ACCEPTED})",
                f"first line {line[:60]!r}",
                unrecognised=True,
            )
        return _load_lines(path, source, bounds)
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        csv.Error,
        OSError,
        RecursionError,
    ) as exc:
        # One unreadable file must not stop the others: report it and move on.
        return _failed(source, ACCEPTED, f"{type(exc).__name__}: {exc}")


def _failed(source: str, expected: str, found: str, *, unrecognised: bool = False) -> Telemetry:
    return Telemetry(errors=[IngestError(source, None, expected, found, unrecognised)])


def _binary(head: bytes) -> str | None:
    if head[:2] == b"\x1f\x8b":
        return "gzip-compressed data (decompress it first)"
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    text = head.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    if bad > 0.05 * max(1, len(text)) and bad > 3:
        return "binary data (not UTF-8 text)"
    return None


def _json_document_kind(text: str) -> str | None:
    """'document' when the file is one JSON value rather than one object a line."""
    line = text.lstrip().split("\n", 1)[0]
    try:
        obj = json.loads(line)
    except ValueError:
        return "document"
    if isinstance(obj, dict) and ("resourceSpans" in obj or ("data" in obj and len(obj) <= 4)):
        return "document"
    return "document" if isinstance(obj, list) else None


def _load_json_document(path: Path, source: str, bounds: Bounds | None) -> Telemetry:
    with open(path, encoding="utf-8", errors="replace") as f:
        try:
            doc: Any = json.load(f)
        except ValueError as exc:
            if path.suffix.lower() in (".jsonl", ".ndjson", ".log"):
                return _load_lines(path, source, bounds)
            return _failed(source, "a JSON document or one JSON object a line", f"bad JSON: {exc}")
    if isinstance(doc, dict) and "resourceSpans" in doc:
        return Telemetry(spans=read_otlp(doc, source, bounds), files=[source])
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        return Telemetry(spans=read_jaeger(doc, source, bounds), files=[source])
    if isinstance(doc, list) and all(isinstance(x, dict) for x in doc):
        lines = [json.dumps(x) for x in doc]
        records, errors = read_log_lines(lines, source, bounds, entity_from_path(source))
        return Telemetry(logs=records, errors=errors, files=[source])
    keys = sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__
    return _failed(source, ACCEPTED, f"a JSON document with keys {keys}", unrecognised=True)


def _csv_header(text: str) -> list[str] | None:
    lines = text.splitlines()[:6]
    if not lines:
        return None
    delimiter = "\t" if "\t" in lines[0] and "," not in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = rows[0]
    if len(header) < 2 or not all(_looks_like_name(h) for h in header):
        return None
    if len(rows) > 1 and len(rows[1]) != len(header) and len(lines) > 2:
        return None
    return header


def _looks_like_name(cell: str) -> bool:
    cell = cell.strip()
    return 0 < len(cell) <= 64 and not cell[0].isdigit() and cell[0] not in "-+.[{"


def _load_csv(path: Path, source: str, header: list[str], bounds: Bounds | None) -> Telemetry:
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        delimiter = "\t" if "\t" in header[0] or f.readline().count("\t") else ","
        f.seek(0)
        rows = csv.reader(f, delimiter=delimiter)
        next(rows, None)
        first = next(rows, None)
        if first is None:
            return Telemetry(files=[source])
        layout = layout_of(header, first)
        if layout is None:
            return _failed(source, ACCEPTED, f"a CSV with columns {header[:10]}", unrecognised=True)
        if (
            bounds is not None
            and layout.times
            and _csv_outside(path, layout.times, len(header), delimiter, bounds)
        ):
            return Telemetry(skipped=[source])
        all_rows = _chain_one(first, rows)
        if layout.kind == "logs":
            logs, errors = read_csv_logs(all_rows, header, layout, source, bounds)
            return Telemetry(logs=logs, errors=errors, files=[source])
        if layout.kind == "spans":
            spans, errors = read_csv_spans(all_rows, header, layout, source, bounds)
            return Telemetry(spans=spans, errors=errors, files=[source])
        metrics, errors = read_csv_metrics(all_rows, header, layout, source, bounds)
        return Telemetry(metrics=metrics, errors=errors, files=[source])


def _chain_one(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _csv_outside(
    path: Path, columns: list[int], width: int, delimiter: str, bounds: Bounds
) -> bool:
    row_time = RowTime(columns)

    def times(lines: list[str]) -> list[float]:
        out = []
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) == width:
                ts = row_time(row)
                if ts is not None:
                    out.append(ts)
        return out

    head = times(head_lines(str(path))[1:])
    return outside(head, times(tail_lines(str(path))), bounds)


def _load_lines(path: Path, source: str, bounds: Bounds | None) -> Telemetry:
    header = detect_header(head_lines(source, SAMPLE_LINES))
    if header.kind == "none" or (
        header.kind == "text" and "ts" not in header.slots and "level" not in header.slots
    ):
        # Prose (a README, source code) would only add untimed noise to the evidence.
        return _failed(
            source,
            f"a log whose lines start with a timestamp or level ({ACCEPTED})",
            "text with no timestamp or level at the start of its lines",
            unrecognised=True,
        )
    if bounds is not None and _lines_outside(source, header, bounds):
        return Telemetry(skipped=[source])
    with open(path, encoding="utf-8", errors="replace") as f:
        records, errors = read_log_lines(f, source, bounds, entity_from_path(source), header)
    return Telemetry(logs=records, errors=errors, files=[source])


def _lines_outside(source: str, header: HeaderFormat, bounds: Bounds) -> bool:
    read_time = TimeReader()

    def times(lines: list[str]) -> list[float]:
        out = []
        for line in lines:
            parsed = header.parse(line)
            if parsed is None:
                continue
            fields, _, ts = parsed
            if ts is None and "timestamp" in fields:
                ts = read_time(fields["timestamp"])
            if ts is not None:
                out.append(ts)
        return out

    return outside(times(head_lines(source)), times(tail_lines(source)), bounds)
