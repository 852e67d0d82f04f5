"""Incidents, assets and evidence go in as domain models and come back equal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.factories import WINDOW, ev, sample_incident, sample_items
from warroom.domain import Asset, AssetKind, AssetState, EvidenceKind, Incident, TimeWindow
from warroom.store import (
    AlreadyExistsError,
    NaiveDatetimeError,
    Store,
    StoreInputError,
    UnknownIncidentError,
)


def _incident(n: int, *, minutes: int = 0) -> Incident:
    return sample_incident().model_copy(
        update={
            "id": f"inc_{n}",
            "created_at": datetime(2026, 3, 14, 15, tzinfo=UTC) + timedelta(minutes=minutes),
        }
    )


async def test_incident_round_trips_with_metadata(store: Store) -> None:
    incident = sample_incident()
    await store.add_incident(incident=incident)
    assert await store.get_incident(incident_id=incident.id) == incident


async def test_incident_times_come_back_as_utc(store: Store) -> None:
    shanghai = timezone(timedelta(hours=8))
    alert = datetime(2026, 3, 14, 22, 7, tzinfo=shanghai)
    incident = Incident(
        title="x",
        alert_time=alert,
        window=TimeWindow.around(alert, timedelta(minutes=30)),
    )
    await store.add_incident(incident=incident)
    stored = await store.get_incident(incident_id=incident.id)
    assert stored is not None
    assert stored.alert_time == alert
    assert stored.alert_time.utcoffset() == timedelta(0)
    assert stored.alert_time.hour == 14


async def test_unknown_incident_is_none(store: Store) -> None:
    assert await store.get_incident(incident_id="inc_nope") is None


async def test_adding_a_taken_incident_id_raises(store: Store) -> None:
    await store.add_incident(incident=sample_incident())
    with pytest.raises(AlreadyExistsError, match="inc_test"):
        await store.add_incident(incident=sample_incident())


async def test_naive_alert_time_is_refused_with_the_field_name(store: Store) -> None:
    naive = datetime(2026, 3, 14, 14, 7)
    incident = Incident(title="x", alert_time=naive, window=WINDOW)
    with pytest.raises(NaiveDatetimeError, match=r"incident\.alert_time"):
        await store.add_incident(incident=incident)
    assert await store.get_incident(incident_id=incident.id) is None


async def test_list_incidents_pages_newest_first_with_total(store: Store) -> None:
    for n in range(5):
        await store.add_incident(incident=_incident(n, minutes=n))
    page, total = await store.list_incidents(limit=2, offset=1)
    assert total == 5
    assert [i.id for i in page] == ["inc_3", "inc_2"]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (10, -1)])
async def test_list_incidents_refuses_bad_page(store: Store, limit: int, offset: int) -> None:
    with pytest.raises(StoreInputError):
        await store.list_incidents(limit=limit, offset=offset)


async def test_asset_round_trips_under_its_incident(store: Store) -> None:
    await store.add_incident(incident=sample_incident())
    asset = Asset(
        incident_id="inc_test",
        state=AssetState.DEVELOPMENT,
        kind=AssetKind.REPOSITORY,
        name="repo.tar.gz",
        sha256="a" * 64,
        size=5 * 2**30,  # past 32 bits
        media_type="application/gzip",
    )
    loose = Asset(kind=AssetKind.DOCUMENT, name="ddl.sql", sha256="b" * 64, size=1)
    await store.add_asset(asset=asset)
    await store.add_asset(asset=loose)
    assert await store.list_assets(incident_id="inc_test") == [asset]
    assert await store.list_assets(incident_id=None) == [loose]


async def test_asset_of_unknown_incident_is_refused(store: Store) -> None:
    asset = Asset(incident_id="inc_nope", kind=AssetKind.LOGS, name="a", sha256="a" * 64, size=1)
    with pytest.raises(UnknownIncidentError, match="inc_nope"):
        await store.add_asset(asset=asset)


async def test_evidence_round_trips_in_order(store: Store) -> None:
    await store.add_incident(incident=sample_incident())
    items = sample_items()
    await store.save_evidence(incident_id="inc_test", items=items)
    assert await store.list_evidence(incident_id="inc_test") == items


async def test_saving_evidence_again_replaces_same_ids_and_keeps_others(store: Store) -> None:
    await store.add_incident(incident=sample_incident())
    items = sample_items()
    await store.save_evidence(incident_id="inc_test", items=items[:3])
    newer = ev(items[0].id, EvidenceKind.METRIC_ANOMALY, "payment", 5, 9.0, "rescored")
    extra = ev("log:new", EvidenceKind.LOG_TEMPLATE, "stock", 1, 0.5)
    await store.save_evidence(incident_id="inc_test", items=[newer, extra])
    stored = await store.list_evidence(incident_id="inc_test")
    assert [e.id for e in stored] == [items[1].id, items[2].id, newer.id, extra.id]
    assert stored[2].score == 9.0


async def test_evidence_with_duplicate_ids_is_refused_and_nothing_written(store: Store) -> None:
    await store.add_incident(incident=sample_incident())
    item = sample_items()[0]
    with pytest.raises(StoreInputError, match=item.id):
        await store.save_evidence(incident_id="inc_test", items=[item, item])
    assert await store.list_evidence(incident_id="inc_test") == []


async def test_evidence_of_unknown_incident_is_refused(store: Store) -> None:
    with pytest.raises(UnknownIncidentError):
        await store.save_evidence(incident_id="inc_nope", items=sample_items())


async def test_evidence_is_kept_per_incident(store: Store) -> None:
    await store.add_incident(incident=_incident(1))
    await store.add_incident(incident=_incident(2))
    items = sample_items()
    await store.save_evidence(incident_id="inc_1", items=items)
    await store.save_evidence(incident_id="inc_2", items=items[:1])
    assert len(await store.list_evidence(incident_id="inc_1")) == len(items)
    assert len(await store.list_evidence(incident_id="inc_2")) == 1
