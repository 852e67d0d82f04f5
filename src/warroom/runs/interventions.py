"""Hands a debate the interventions people record for its incident while it runs.

``with_interventions(work, store, incident_id)`` wraps a run's work so the flow's sink is
also an ``InterventionSource`` over the store: the flow polls it between rounds and never
imports the store itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from warroom.domain.events import RunEventType
from warroom.flows.debate import EventSink
from warroom.flows.interventions import Intervention
from warroom.runs.runner import Work
from warroom.store import Store


class InterventionFeed:
    """An event sink that passes events on and reads the incident's interventions."""

    def __init__(self, inner: EventSink, store: Store, incident_id: str) -> None:
        self.inner = inner
        self.store = store
        self.incident_id = incident_id

    async def emit(self, type: RunEventType, role: str | None, payload: dict[str, Any]) -> None:
        await self.inner.emit(type, role, payload)

    async def interventions(self, after: int) -> Sequence[Intervention]:
        records = await self.store.list_interventions(incident_id=self.incident_id, after_id=after)
        return [
            Intervention(
                id=r.id,
                kind=r.kind.value,
                text=r.text,
                component=r.component,
                evidence_ids=r.evidence_ids,
                author=r.author,
                at=r.created_at,
            )
            for r in records
        ]


@dataclass
class WithInterventions:
    """``work`` run with an ``InterventionFeed`` around the runner's sink."""

    work: Work
    store: Store
    incident_id: str

    async def __call__(self, sink: EventSink) -> None:
        await self.work(InterventionFeed(sink, self.store, self.incident_id))

    def remote_spec(self) -> dict[str, Any]:
        """The inner work's spec, marked so a worker wraps it with the same feed."""
        spec = getattr(self.work, "remote_spec", None)
        if spec is None:
            raise TypeError(f"{type(self.work).__name__} cannot be sent to a worker")
        return {**spec(), "interventions": True}


def with_interventions(work: Work, store: Store, incident_id: str) -> Work:
    return WithInterventions(work=work, store=store, incident_id=incident_id)
