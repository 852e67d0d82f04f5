"""Logger locations that a stripped header took with it, read back from the raw lines.

Many Java log patterns print where a line was logged (``o.s.OrderServiceImpl#324``) in the
header, and ingest strips the header from the message. One source line logs one statement,
so the location tells apart lines whose text is alike (``[calculate][done]`` logged at two
places) and names the code that ran. ``stripped_locations`` maps ``(source path, line
number)`` of records whose message names no location to the location their raw line holds.

Each file is read once, and only up to its last wanted line. A file is given up after
`PROBE` wanted lines without a location (its header carries none), so logs without
locations cost one short read.
"""

from __future__ import annotations

from collections.abc import Iterable

from warroom.evidence.logs.exceptions import location_of
from warroom.ingest.records import LogRecord

PROBE = 50


def stripped_locations(records: Iterable[LogRecord]) -> dict[tuple[str, int], str]:
    """``(path, line) -> Class#line`` for records whose raw line names a location they lack."""
    wanted: dict[str, set[int]] = {}
    for record in records:
        if not record.source or record.line <= 0:
            continue
        first = record.message.partition("\n")[0]
        if "#" in first and location_of(first):
            continue
        wanted.setdefault(record.source, set()).add(record.line)
    found: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        found.update(_read(path, numbers))
    return found


def _read(path: str, numbers: set[int]) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    last = max(numbers)
    looked = 0
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, raw in enumerate(handle, start=1):
                if number in numbers:
                    looked += 1
                    where = location_of(raw) if "#" in raw else None
                    if where:
                        found[(path, number)] = where
                    elif looked >= PROBE and not found:
                        break
                if number >= last:
                    break
    except OSError:
        return {}
    return found
