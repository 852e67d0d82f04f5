"""Alerts in the store: group-committed requests answer as if written one by one; masked text."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.config import Settings
from warroom.ingest.alerts import Alert, AlertStatus
from warroom.store import AlertOutcome, Store, open_store
from warroom.store import alerts as alert_store
from warroom.store.alerts import AUTO_INVESTIGATE, AlertRepository

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)


def _alert(
    fingerprint: str,
    group: str,
    *,
    status: AlertStatus = AlertStatus.FIRING,
    name: str = "HighLatency",
    **extra: Any,
) -> Alert:
    return Alert(
        fingerprint=fingerprint,
        name=name,
        status=status,
        severity="high",
        service="payment",
        starts_at=T0,
        group_key=group,
        source="generic",
        **extra,
    )


Request = tuple[list[Alert], datetime]


def _requests(seed: int, count: int) -> list[Request]:
    """Repeats, resolved alerts, alerts that change group, and silences past the window."""
    rng = random.Random(seed)
    now = T0
    made: list[Request] = []
    for _ in range(count):
        now += timedelta(minutes=45) if rng.random() < 0.05 else timedelta(seconds=20)
        alerts = [
            _alert(
                f"fp{rng.randrange(40)}",
                f"g{rng.randrange(6)}",
                status=AlertStatus.RESOLVED if rng.random() < 0.2 else AlertStatus.FIRING,
            )
            for _ in range(rng.randint(1, 3))
        ]
        made.append((alerts, now))
    return made


def _shape(results: list[list[AlertOutcome]]) -> list[list[tuple[Any, ...]]]:
    """Outcomes with incident ids replaced by their order of first appearance."""
    order: dict[str, int] = {}
    shaped = []
    for outcomes in results:
        row = []
        for o in outcomes:
            incident = (
                None if o.incident_id is None else order.setdefault(o.incident_id, len(order))
            )
            row.append((o.fingerprint, o.status, o.duplicate, o.new_incident, incident))
        shaped.append(row)
    return shaped


def _counted_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alert ids in creation order: the alerts of one request share their last-seen time,
    and the id breaks that tie, so both runs must number their rows alike."""
    made = iter(range(10**6))
    monkeypatch.setattr(alert_store, "new_id", lambda prefix: f"{prefix}_{next(made):012d}")


@pytest.mark.parametrize("seed", [4, 5, 6])
async def test_concurrent_requests_answer_exactly_as_serial_ones(
    store: Store, settings: Settings, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    requests = _requests(seed=seed, count=150)
    _counted_ids(monkeypatch)
    serial = [await store.ingest_alerts(alerts=a, now=t) for a, t in requests]
    _counted_ids(monkeypatch)
    other = await open_store(
        settings.model_copy(update={"data_dir": tmp_path / "other"})
        if settings.database_url is None
        else settings
    )
    try:
        if settings.database_url is not None:
            await _clear_alerts(other)
        together = await asyncio.gather(
            *(other.ingest_alerts(alerts=a, now=t) for a, t in requests)
        )
        commits = other._alert_commits
        assert commits is not None and commits.batches < len(requests) / 5
        assert _shape(list(together)) == _shape(serial)
        assert any(o.new_incident for r in serial for o in r) and any(
            o.duplicate for r in serial for o in r
        )
        stored = sorted((a.fingerprint, a.count) for a in await other.list_alerts(limit=500))
        assert stored == sorted(
            (a.fingerprint, a.count) for a in await store.list_alerts(limit=500)
        )
    finally:
        await other.close()


async def _clear_alerts(store: Store) -> None:
    """On a shared PostgreSQL database the serial run's rows must go first."""
    from sqlalchemy import text

    async with store.engine.begin() as conn:
        await conn.execute(text("DELETE FROM alerts"))
        await conn.execute(text("DELETE FROM incidents"))


async def test_a_burst_in_one_batch_opens_one_incident_per_group(store: Store) -> None:
    results = await asyncio.gather(
        *(store.ingest_alerts(alerts=[_alert(f"b{i}", f"g{i % 3}")], now=T0) for i in range(30))
    )
    new = [o for r in results for o in r if o.new_incident]
    assert len(new) == 3
    by_group: dict[str, set[str | None]] = {}
    for i, r in enumerate(results):
        by_group.setdefault(f"g{i % 3}", set()).add(r[0].incident_id)
    assert all(len(ids) == 1 for ids in by_group.values())
    assert len({next(iter(ids)) for ids in by_group.values()}) == 3


async def test_a_failing_request_fails_alone_and_earlier_writes_stay(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.ingest_alerts(alerts=[_alert("early", "g")], now=T0)
    real = AlertRepository._ingest_one

    async def refuse_poison(self: AlertRepository, session: Any, alert: Alert, *rest: Any) -> Any:
        if alert.name == "poison":
            raise RuntimeError("this alert cannot be stored")
        return await real(self, session, alert, *rest)

    monkeypatch.setattr(AlertRepository, "_ingest_one", refuse_poison)
    batch = [[_alert(f"ok{i}", "g")] for i in range(6)]
    batch.insert(3, [_alert("bad", "g", name="poison")])
    results = await asyncio.gather(
        *(store.ingest_alerts(alerts=a, now=T0 + timedelta(seconds=1)) for a in batch),
        return_exceptions=True,
    )
    assert isinstance(results[3], RuntimeError)
    assert all(isinstance(r, list) and len(r) == 1 for n, r in enumerate(results) if n != 3)
    stored = {a.fingerprint for a in await store.list_alerts()}
    assert stored == {"early", *(f"ok{i}" for i in range(6))}


async def test_alert_text_is_masked_before_it_is_stored(store: Store) -> None:
    alert = _alert(
        "user:jane@corp.example",
        "{}:{owner=jane@corp.example}",
        labels={"owner": "jane@corp.example", "password": "hunter2", "env": "prod"},
        annotations={"summary": "login failed with Authorization: Bearer abc.def.ghi"},
        summary="db login failed password=hunter2",
        url="http://admin:s3cret@prometheus:9090/graph",
    )
    [outcome] = await store.ingest_alerts(alerts=[alert], now=T0)
    [stored] = await store.list_alerts()
    text = stored.model_dump_json()
    for secret in ("jane@corp.example", "hunter2", "abc.def.ghi", "s3cret"):
        assert secret not in text
    assert stored.labels == {
        "owner": "<redacted:email>",
        "password": "<redacted:password>",
        "env": "prod",
    }
    assert stored.fingerprint.startswith("user:<redacted:email>#")
    incident = await store.get_incident(incident_id=str(outcome.incident_id))
    assert incident is not None
    assert "jane@corp.example" not in incident.model_dump_json()
    assert "hunter2" not in incident.model_dump_json()


async def test_masked_keys_keep_distinct_alerts_and_groups_apart(store: Store) -> None:
    first = await store.ingest_alerts(alerts=[_alert("a@x.example", "team=a@x.example")], now=T0)
    second = await store.ingest_alerts(alerts=[_alert("b@x.example", "team=b@x.example")], now=T0)
    again = await store.ingest_alerts(alerts=[_alert("a@x.example", "team=a@x.example")], now=T0)
    assert not second[0].duplicate and again[0].duplicate
    assert first[0].incident_id != second[0].incident_id
    assert again[0].incident_id == first[0].incident_id


async def test_investigate_marks_the_incidents_a_request_opens(store: Store) -> None:
    [opened] = await store.ingest_alerts(alerts=[_alert("x", "gx")], now=T0, investigate=True)
    [plain] = await store.ingest_alerts(alerts=[_alert("y", "gy")], now=T0)
    marked = await store.get_incident(incident_id=str(opened.incident_id))
    unmarked = await store.get_incident(incident_id=str(plain.incident_id))
    assert marked is not None and marked.metadata[AUTO_INVESTIGATE] is True
    assert unmarked is not None and AUTO_INVESTIGATE not in unmarked.metadata


async def test_revoking_a_secret_refuses_it_at_once_here_and_soon_elsewhere(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    info, token = await store.create_webhook_secret(name="prom")
    assert await store.verify_webhook_token(token=token) == info
    await store.revoke_webhook_secret(secret_id=info.id)
    assert await store.verify_webhook_token(token=token) is None

    other_info, other_token = await store.create_webhook_secret(name="grafana")
    assert await store.verify_webhook_token(token=other_token) == other_info
    elsewhere = await open_store(settings)  # another API process on the same database
    try:
        await elsewhere.revoke_webhook_secret(secret_id=other_info.id)
    finally:
        await elsewhere.close()
    monkeypatch.setattr(alert_store, "SECRET_CACHE_S", 0.0)  # the cache's lifetime has passed
    assert await store.verify_webhook_token(token=other_token) is None
    assert await store.verify_webhook_token(token=other_token[:-1] + "0") is None
