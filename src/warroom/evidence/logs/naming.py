"""Error lines that name another component: the failure they report is that component's.

``Connection refused to payment-db``, ``No instances available for stock-service``,
``timeout calling inventory``: a service that logs such a line did not fail on its own; a
call to the component it names did. The ranking treats those errors as a symptom of the
reporter, not a cause (see ``ranking``). A name counts only as a whole token: not inside a
longer name (``order`` is not named by ``order-other``), not as part of a word or path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class EntityNames:
    """The components a text names, from a fixed set of known component names."""

    __slots__ = ("_pattern",)

    def __init__(self, names: Iterable[str]) -> None:
        known = sorted({n for n in names if n and len(n) >= 2}, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile(r"(?<![\w.-])(" + "|".join(re.escape(n) for n in known) + r")(?![\w-])")
            if known
            else None
        )

    def named(self, text: str, own: str | None = None) -> list[str]:
        """Known components named in ``text`` other than ``own``, in order of first mention."""
        if self._pattern is None or not text:
            return []
        return list(dict.fromkeys(m for m in self._pattern.findall(text) if m != own))
