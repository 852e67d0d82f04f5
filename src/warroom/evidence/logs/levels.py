"""Which log lines count as errors.

A line is error-like when its level says so (ERROR, FATAL, CRITICAL, SEVERE, WARN, WARNING,
ALERT, EMERG), or, when the level is unknown, when its first line uses an error word
(error, exception, failed, fatal, panic, refused, timeout, traceback...). A line whose level is
known and benign (INFO, DEBUG...) is never error-like by its words alone: applications log
"retry failed, trying again" at INFO on purpose.
"""

from __future__ import annotations

import re

ERROR_LEVELS = frozenset({"ERROR", "FATAL", "CRITICAL", "CRIT", "SEVERE", "ALERT", "EMERG"})
WARN_LEVELS = frozenset({"WARN", "WARNING"})
_ERROR_WORDS = re.compile(
    r"\b(?:error|errors|exception|fail|failed|failure|fatal|panic|refused|timeout|timed out"
    r"|traceback|unreachable|denied)\b",
    re.IGNORECASE,
)


def is_error_like(level: str | None, message: str) -> bool:
    """True when the record reports a problem (see the module docstring)."""
    if level is not None:
        return level in ERROR_LEVELS or level in WARN_LEVELS
    line = message.partition("\n")[0]
    return _ERROR_WORDS.search(line) is not None


def severity(level: str | None) -> int:
    """2 for error levels, 1 for warnings, 0 otherwise: a tie-breaker for scores."""
    if level in ERROR_LEVELS:
        return 2
    if level in WARN_LEVELS:
        return 1
    return 0
