"""``/approvals``: requests to change production, granted or denied by a person.

Tools that write ask through ``warroom.runs.approvals.request_approval``; a responder or an
admin decides here with a reason. Who decided, what and when is kept on the request, the run
gets an ``approval_request`` event with the decision, and the audit log has the call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from warroom.api.deps import CurrentKey, OffsetQuery, ResponderKey, StateDep, StoreDep
from warroom.api.routes.responses import errors
from warroom.api.schemas.interventions import ApprovalDecision, ApprovalsPublic
from warroom.api.state import ApiState
from warroom.domain import RunEventType
from warroom.store import ApiKeyInfo, Approval, ApprovalStatus

router = APIRouter(prefix="/approvals", tags=["approvals"])


@router.get("", operation_id="approvals_list", responses=errors(422))
async def list_approvals(
    store: StoreDep,
    _key: CurrentKey,
    status_: Annotated[ApprovalStatus | None, Query(alias="status")] = None,
    run_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: OffsetQuery = 0,
) -> ApprovalsPublic:
    """Approval requests, oldest first; ``?status=pending`` lists those waiting for a person."""
    found, total = await store.list_approvals(
        status=status_, run_id=run_id, limit=limit, offset=offset
    )
    return ApprovalsPublic(data=found, count=total)


@router.get("/{approval_id}", operation_id="approvals_get", responses=errors(404))
async def get_approval(approval_id: str, store: StoreDep, _key: CurrentKey) -> Approval:
    found = await store.get_approval(approval_id=approval_id)
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no approval request with id {approval_id!r}; list them with GET "
            "/api/v1/approvals?status=pending",
        )
    return found


async def _decide(
    state: ApiState,
    request: Request,
    key: ApiKeyInfo,
    approval_id: str,
    approved: bool,
    reason: str,
) -> Approval:
    request.state.resource_id = approval_id
    decided = await state.store.decide_approval(
        approval_id=approval_id,
        approved=approved,
        decided_by=f"{key.name} ({key.id})",
        reason=reason.strip(),
    )
    if decided.run_id is not None:
        event = await state.store.append_event(
            run_id=decided.run_id,
            type=RunEventType.APPROVAL_REQUEST,
            role="Human",
            payload={"stage": "decided", **decided.model_dump(mode="json")},
        )
        state.broadcaster.publish(event)
    return decided


@router.post(
    "/{approval_id}/approve", operation_id="approvals_approve", responses=errors(404, 409, 422)
)
async def approve(
    approval_id: str, body: ApprovalDecision, request: Request, state: StateDep, key: ResponderKey
) -> Approval:
    """Grant a pending request (409 if it was already decided)."""
    return await _decide(state, request, key, approval_id, True, body.reason)


@router.post("/{approval_id}/deny", operation_id="approvals_deny", responses=errors(404, 409, 422))
async def deny(
    approval_id: str, body: ApprovalDecision, request: Request, state: StateDep, key: ResponderKey
) -> Approval:
    """Deny a pending request (409 if it was already decided)."""
    return await _decide(state, request, key, approval_id, False, body.reason)
