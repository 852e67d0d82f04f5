"""Application lines carried inside structured records (docker's ``log`` field, a CSV
``Log`` column): learn their header once, then take the level and the bare message.

A caller may rely on: ``InnerLines.apply`` returns the message with the header stripped and
the level when the inner line names one; ``None`` when a header was learned but this line
does not start with it (a stack frame printed as its own record).
"""

from __future__ import annotations

from warroom.ingest.header import HeaderFormat, detect_header


class InnerLines:
    __slots__ = ("header",)

    def __init__(self, sample: list[str]) -> None:
        header = detect_header(sample)
        useful = header.kind == "text" and ("level" in header.slots or "ts" in header.slots)
        self.header: HeaderFormat | None = header if useful else None

    def apply(self, message: str) -> tuple[str | None, str] | None:
        """(level, message) of one inner line, or None for a continuation line."""
        if self.header is None:
            return None, message.rstrip()
        parsed = self.header.parse(message.rstrip())
        if parsed is None:
            return None
        fields, text, _ = parsed
        return fields.get("level"), text
