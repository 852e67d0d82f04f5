"""Runs: where work happens and how its events reach the store and live watchers.

- ``Runner`` / ``InlineRunner``: submit and cancel runs (asyncio tasks in this process);
- ``RecordingSink``: the flow's event sink: store, then broadcast;
- ``Broadcaster``: in-process fan-out of live events;
- ``follow_run``: a run's stored events, then its live ones, without gap or repeat;
- ``InvestigationWork``: an investigation over an incident's stored runtime assets.
"""

from warroom.runs.broadcast import Broadcaster, RunFinished, Subscription
from warroom.runs.investigation import InvestigationWork, materialise, request_for
from warroom.runs.runner import InlineRunner, RunJob, Runner, Work
from warroom.runs.sink import RecordingSink
from warroom.runs.stream import Heartbeat, StreamEnd, StreamItem, follow_run

__all__ = [
    "Broadcaster",
    "Heartbeat",
    "InlineRunner",
    "InvestigationWork",
    "RecordingSink",
    "RunFinished",
    "RunJob",
    "Runner",
    "StreamEnd",
    "StreamItem",
    "Subscription",
    "Work",
    "follow_run",
    "materialise",
    "request_for",
]
