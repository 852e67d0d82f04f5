"""Searching, changing and deleting incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import sample_incident
from warroom.domain import Asset, AssetKind, Incident, Severity
from warroom.store import BlobStore, RunStateError, RunStatus, Store, UnknownIncidentError


def _incident(incident_id: str, title: str, severity: Severity = Severity.HIGH) -> Incident:
    return sample_incident().model_copy(
        update={"id": incident_id, "title": title, "severity": severity}
    )


async def test_search_filters_and_counts_all_matches(store: Store) -> None:
    base = sample_incident()
    for n in range(4):
        await store.add_incident(
            incident=_incident(
                f"inc_{n}", f"Checkout {n}", Severity.LOW if n % 2 else Severity.HIGH
            ).model_copy(update={"created_at": base.created_at + timedelta(minutes=n)})
        )
    page, total = await store.search_incidents(limit=1, severity=Severity.LOW)
    assert total == 2 and [i.id for i in page] == ["inc_3"]
    found, _ = await store.search_incidents(title_contains="kout 2")
    assert [i.id for i in found] == ["inc_2"]
    window, total = await store.search_incidents(
        created_after=base.created_at + timedelta(minutes=1),
        created_before=base.created_at + timedelta(minutes=2),
    )
    assert total == 2 and [i.id for i in window] == ["inc_2", "inc_1"]


async def test_update_replaces_fields_but_keeps_creation_time(store: Store) -> None:
    stored = await store.add_incident(incident=_incident("inc_a", "before"))
    changed = stored.model_copy(
        update={"title": "after", "created_at": stored.created_at + timedelta(days=1)}
    )
    updated = await store.update_incident(incident=changed)
    assert updated.title == "after"
    assert updated.created_at == stored.created_at
    with pytest.raises(UnknownIncidentError):
        await store.update_incident(incident=_incident("inc_missing", "x"))


async def test_delete_removes_its_rows_and_keeps_blobs_and_other_incidents(
    store: Store, settings: object
) -> None:
    blobs = BlobStore(settings.blob_dir)  # type: ignore[attr-defined]
    sha, size = blobs.put_bytes(b"shared bytes\n")
    for incident_id in ("inc_keep", "inc_gone"):
        await store.add_incident(incident=_incident(incident_id, incident_id))
        await store.add_asset(
            asset=Asset(
                incident_id=incident_id, kind=AssetKind.LOGS, name="a.log", sha256=sha, size=size
            )
        )
    run_id = await store.create_run(incident_id="inc_gone", kind="investigation")
    await store.append_event(run_id=run_id, type="step", payload={})
    await store.set_run_status(run_id=run_id, status=RunStatus.SUCCEEDED)

    await store.delete_incident(incident_id="inc_gone")

    assert await store.get_incident(incident_id="inc_gone") is None
    assert await store.list_assets(incident_id="inc_gone") == []
    assert await store.list_assets(incident_id=None) == []
    assert await store.get_run(run_id=run_id) is None
    assert len(await store.list_assets(incident_id="inc_keep")) == 1
    assert blobs.exists(sha)
    with pytest.raises(UnknownIncidentError):
        await store.delete_incident(incident_id="inc_gone")


async def test_delete_is_refused_while_a_run_is_active(store: Store) -> None:
    await store.add_incident(incident=_incident("inc_busy", "busy"))
    run_id = await store.create_run(incident_id="inc_busy", kind="investigation")
    await store.set_run_status(run_id=run_id, status=RunStatus.RUNNING)
    assert await store.active_run_ids(incident_id="inc_busy") == [run_id]
    with pytest.raises(RunStateError, match=run_id):
        await store.delete_incident(incident_id="inc_busy")
    assert await store.get_incident(incident_id="inc_busy") is not None
