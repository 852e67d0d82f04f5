"""Which lines of a log without a recognisable header continue the record before them.

Used for pasted text and header-less files; files with a learned header treat every line that
does not start with the header as a continuation instead. A caller may rely on: Java
(``\\tat``, ``Caused by:``, ``... 12 more``), Python (``Traceback``, ``  File "x.py", line 3``
and the closing ``ValueError: x``), Go (``goroutine 1 [running]:``, ``main.main()``,
``\\t/app/main.go:42 +0x1d``) and Node (``    at fn (/app/x.js:10:5)``) frames are joined.
"""

from __future__ import annotations

import re

_ALWAYS = (
    "Caused by:",
    "Suppressed:",
    "... ",
    "Traceback (most recent call last)",
    "During handling of the above exception",
    "The above exception was the direct cause",
    "goroutine ",
    "created by ",
)
_GO_CALL = re.compile(r"^[\w.*/()\[\]-]+\(.*\)$")
_PY_EXCEPTION = re.compile(r"^[\w.]+(?:Error|Exception|Exit|Interrupt|Warning)\b.*|^\w[\w.]*: ")


class ContinuationRule:
    """Stateful: feed lines in order; ``continues(line)`` says whether to join it."""

    __slots__ = ("_trace",)

    def __init__(self) -> None:
        self._trace: str | None = None  # "python" or "go" while inside such a trace

    def continues(self, line: str) -> bool:
        if line[:1].isspace():
            return True
        if line.startswith(_ALWAYS):
            if line.startswith("Traceback"):
                self._trace = "python"
            elif line.startswith("goroutine "):
                self._trace = "go"
            return True
        if self._trace == "go" and _GO_CALL.match(line):
            return True
        if self._trace == "python" and _PY_EXCEPTION.match(line):
            self._trace = None  # the exception line closes a Python traceback
            return True
        self._trace = None
        return False

    def reset(self) -> None:
        self._trace = None
