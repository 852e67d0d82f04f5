"""API keys, the audit log and approvals in the store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warroom.store import ApprovalStatus, KeyRole, RunStateError, Store, StoreInputError
from warroom.store.tables import ApiKeyRow


async def test_key_secret_is_returned_once_and_only_its_hash_is_stored(store: Store) -> None:
    info, secret = await store.create_api_key(role="responder", name="pager bot")
    assert secret.startswith("wr_")
    async with store.engine.connect() as conn:
        stored = (await conn.execute(select(ApiKeyRow))).one()
    assert secret not in str(tuple(stored))
    assert secret.split("_", 2)[2] not in str(tuple(stored))
    verified = await store.verify_api_key(plaintext=secret)
    assert verified is not None
    assert (verified.id, verified.role, verified.name) == (info.id, KeyRole.RESPONDER, "pager bot")
    assert verified.last_used_at is not None


async def test_wrong_secret_unknown_id_and_revoked_keys_do_not_verify(store: Store) -> None:
    info, secret = await store.create_api_key(role="viewer")
    assert (
        await store.verify_api_key(plaintext=secret[:-1] + ("0" if secret[-1] != "0" else "1"))
        is None
    )
    assert await store.verify_api_key(plaintext="wr_ffffffffffff_" + "a" * 48) is None
    assert await store.verify_api_key(plaintext="garbage") is None
    await store.revoke_api_key(key_id=info.id)
    assert await store.verify_api_key(plaintext=secret) is None


async def test_unknown_role_is_refused(store: Store) -> None:
    with pytest.raises(StoreInputError, match="admin"):
        await store.create_api_key(role="root")


def test_roles_include_the_rights_of_lower_roles() -> None:
    assert KeyRole.ADMIN.allows(KeyRole.RESPONDER)
    assert KeyRole.RESPONDER.allows(KeyRole.VIEWER)
    assert not KeyRole.VIEWER.allows(KeyRole.RESPONDER)
    assert not KeyRole.RESPONDER.allows(KeyRole.ADMIN)


async def test_audit_entries_are_appended_in_order(store: Store) -> None:
    for n in range(3):
        await store.append_audit(
            key_id="key_x",
            key_name="x",
            method="post",
            path=f"/api/v1/incidents/{n}",
            resource_id=str(n),
            status_code=201,
            client="127.0.0.1:5000",
        )
    entries, total = await store.list_audit(limit=2, offset=1)
    assert total == 3
    assert [e.resource_id for e in entries] == ["1", "2"]
    assert entries[0].method == "POST"
    assert not hasattr(store, "delete_audit") and not hasattr(store, "update_audit")


async def test_approval_is_decided_once(store: Store) -> None:
    run_id = await store.create_run(incident_id=None, kind="plan")
    asked = await store.request_approval(
        run_id=run_id, action="roll back payment", payload={"to": "2.13.4"}
    )
    assert asked.status == ApprovalStatus.PENDING
    decided = await store.decide_approval(approval_id=asked.id, approved=True, decided_by="key_a")
    assert (decided.status, decided.decided_by) == (ApprovalStatus.APPROVED, "key_a")
    with pytest.raises(RunStateError, match="already approved"):
        await store.decide_approval(approval_id=asked.id, approved=False, decided_by="key_b")
