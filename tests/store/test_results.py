"""Verdicts and reports: the latest one wins, earlier ones are kept."""

from __future__ import annotations

import pytest

from tests.factories import sample_incident
from tests.store.samples import sample_report, sample_verdict
from warroom.store import Store, UnknownIncidentError, UnknownRunError


@pytest.fixture
async def run_id(store: Store) -> str:
    await store.add_incident(incident=sample_incident())
    return await store.create_run(incident_id="inc_test", kind="investigation")


async def test_verdict_round_trips(store: Store, run_id: str) -> None:
    verdict = sample_verdict()
    await store.save_verdict(incident_id="inc_test", run_id=run_id, verdict=verdict)
    assert await store.get_verdict(incident_id="inc_test") == verdict
    assert await store.get_verdict(incident_id="inc_test", run_id=run_id) == verdict
    assert await store.get_verdict(incident_id="inc_other") is None


async def test_verdict_of_unknown_incident_or_run_is_refused(store: Store, run_id: str) -> None:
    with pytest.raises(UnknownIncidentError):
        await store.save_verdict(incident_id="inc_nope", run_id=run_id, verdict=sample_verdict())
    with pytest.raises(UnknownRunError):
        await store.save_verdict(incident_id="inc_test", run_id="run_no", verdict=sample_verdict())


async def test_report_round_trips(store: Store, run_id: str) -> None:
    report = sample_report().model_copy(update={"run_id": run_id})
    await store.save_report(report=report)
    assert await store.get_report(incident_id="inc_test") == report


async def test_latest_report_wins_and_lang_filters(store: Store, run_id: str) -> None:
    english = sample_report(lang="en")
    chinese = sample_report(lang="zh")
    revised = english.model_copy(update={"rounds": 3})
    for report in (english, chinese, revised):
        await store.save_report(report=report)
    assert await store.get_report(incident_id="inc_test") == revised
    assert await store.get_report(incident_id="inc_test", lang="zh") == chinese
    assert await store.get_report(incident_id="inc_test", lang="en") == revised
    assert await store.get_report(incident_id="inc_test", lang="fr") is None
    assert await store.get_report(incident_id="inc_other") is None


async def test_report_of_unstored_incident_is_refused(store: Store) -> None:
    with pytest.raises(UnknownIncidentError, match="add_incident"):
        await store.save_report(report=sample_report())
