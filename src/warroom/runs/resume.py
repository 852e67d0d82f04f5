"""Resuming a run from its stored events: nothing stored is asked again or written twice.

A resumed investigation runs the flow again from the top. Ingest and evidence are
recomputed (they are deterministic); then:

- ``StoredTurns`` + ``replaying_turns``: while the context is active, a tribunal role whose
  turn is already stored (an ``agent_message`` event: its output, model and degradation)
  gets that stored answer back instead of asking the model or the reasoner. The k-th call of
  a role is answered by the k-th stored turn of that role; the flow is deterministic given
  its role answers, so the calls line up.
- ``ReplayingSink``: the flow's events that match the stored ones, in order (type and
  role), are skipped; from the first one that does not match, or once the stored events are
  used up, events are appended as usual. Seqs therefore continue where the log stopped, and
  no event is stored twice. ``model_usage`` events (whose order depends on which role of
  the concurrent first round answered first) are matched by role. Events the flow never
  emits (human interventions, approval requests, this module's own ``resumed`` marker) are
  passed over.

Stored turns are handed to ``warroom.llm.replaying_roles``, the model layer's replay hook:
outside ``replaying_turns`` role calls go to the model or the reasoner unchanged.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from warroom.agents.base import ROLE_NAMES
from warroom.domain.events import RunEvent, RunEventType
from warroom.flows.debate import EventSink
from warroom.llm import RoleOutcome, UsageLedger, replaying_roles

log = logging.getLogger(__name__)

T = TypeVar("T")

# Events a flow never emits itself: they are not matched against the flow's events.
_FOREIGN = frozenset({RunEventType.HUMAN_INTERVENTION, RunEventType.APPROVAL_REQUEST})


def is_resume_marker(event: RunEvent) -> bool:
    return event.type == RunEventType.STATUS and event.payload.get("resumed") is True


def resume_marker(replayed: int) -> dict[str, Any]:
    """The payload of the ``status`` event a resumed run appends before going on."""
    return {"status": "running", "resumed": True, "stored_events": replayed}


class StoredTurns:
    """The agent turns of a run's stored events, per role, in order."""

    def __init__(self, events: Sequence[RunEvent]) -> None:
        self._turns: dict[str, deque[dict[str, Any]]] = {}
        for event in events:
            if (
                event.type == RunEventType.AGENT_MESSAGE
                and event.role
                and "output" in event.payload
            ):
                self._turns.setdefault(event.role, deque()).append(event.payload)
        self.replayed: Counter[str] = Counter()

    def take(self, role_name: str) -> dict[str, Any] | None:
        """The next stored turn of the role (``LogAgent``...), or None when none is left."""
        queue = self._turns.get(role_name)
        if not queue:
            return None
        self.replayed[role_name] += 1
        return queue.popleft()

    def __len__(self) -> int:
        return sum(len(q) for q in self._turns.values())

    def outcome(
        self, role: str, output_type: type[Any], ledger: UsageLedger
    ) -> RoleOutcome[Any] | None:
        """The role's next stored turn as an outcome (see `warroom.llm.replaying_roles`)."""
        stored = self.take(ROLE_NAMES.get(role, role))
        if stored is None:
            return None
        validate = getattr(output_type, "model_validate", None)
        if validate is None:
            raise TypeError(f"cannot replay a stored {role} turn into {output_type!r}: not a model")
        model = str(stored.get("model") or "stored")
        degraded = bool(stored.get("degraded"))
        reason = stored.get("degraded_reason")
        # Usage already spent is not known per turn; the role still gets its ledger row.
        ledger.record(role, model=model, degraded=degraded, degraded_reason=reason)
        return RoleOutcome(
            output=validate(stored["output"]),
            model=model,
            degraded=degraded,
            degraded_reason=reason,
        )


@contextlib.contextmanager
def replaying_turns(turns: StoredTurns) -> Iterator[None]:
    """Answer role calls from ``turns`` in this context (and tasks created inside it)."""
    with replaying_roles(turns.outcome):
        yield


class ReplayingSink:
    """Skips the flow's events that are already stored, then appends through ``inner``."""

    def __init__(self, inner: EventSink, stored: Sequence[RunEvent]) -> None:
        self.inner = inner
        self._expected = deque(
            e
            for e in stored
            if e.type not in _FOREIGN
            and e.type != RunEventType.MODEL_USAGE
            and not is_resume_marker(e)
        )
        self._usage = Counter(e.role for e in stored if e.type == RunEventType.MODEL_USAGE)
        self.skipped = 0
        self.diverged = False

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        if type == RunEventType.MODEL_USAGE and self._usage[role] > 0:
            self._usage[role] -= 1
            self.skipped += 1
            return
        if self._expected and not self.diverged:
            head = self._expected[0]
            if (head.type, head.role) == (type, role):
                self._expected.popleft()
                self.skipped += 1
                return
            self.diverged = True
            log.warning(
                "run %s: resumed flow emitted %s/%s where seq %d holds %s/%s; "
                "appending from here on",
                head.run_id,
                type.value,
                role,
                head.seq,
                head.type.value,
                head.role,
            )
        await self.inner.emit(type, role, payload)
