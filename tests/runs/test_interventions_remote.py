"""A debate wrapped to read interventions can still be sent to a worker."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.flows.debate import EventSink
from warroom.runs.interventions import with_interventions


class DescribedWork:
    async def __call__(self, sink: EventSink) -> None:
        return None

    def remote_spec(self) -> dict[str, Any]:
        return {"kind": "investigation", "incident_id": "inc_1"}


class LocalWork:
    async def __call__(self, sink: EventSink) -> None:
        return None


def test_wrapped_work_describes_itself_with_the_interventions_flag() -> None:
    wrapped = with_interventions(DescribedWork(), store=None, incident_id="inc_1")  # type: ignore[arg-type]
    assert wrapped.remote_spec() == {  # type: ignore[attr-defined]
        "kind": "investigation",
        "incident_id": "inc_1",
        "interventions": True,
    }


def test_wrapped_local_work_refuses_to_describe_itself() -> None:
    wrapped = with_interventions(LocalWork(), store=None, incident_id="inc_1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot be sent to a worker"):
        wrapped.remote_spec()  # type: ignore[attr-defined]
