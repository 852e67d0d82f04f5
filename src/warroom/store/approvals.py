"""Reading approval requests (requesting and deciding live in ``access.py``)."""

from __future__ import annotations

from sqlalchemy import func, select

from warroom.store.access import Approval, ApprovalStatus, _approval
from warroom.store.database import Repository
from warroom.store.incidents import check_page
from warroom.store.tables import ApprovalRow


class ApprovalQueryRepository(Repository):
    async def list_approvals(
        self,
        *,
        status: ApprovalStatus | None = None,
        run_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Approval], int]:
        """One page of approval requests, oldest first, and the number of all matches."""
        check_page(limit, offset)
        query = select(ApprovalRow)
        if status is not None:
            query = query.where(ApprovalRow.status == status.value)
        if run_id is not None:
            query = query.where(ApprovalRow.run_id == run_id)
        async with self._db.reading() as session:
            total = await session.scalar(select(func.count()).select_from(query.subquery()))
            rows = await session.scalars(
                query.order_by(ApprovalRow.requested_at, ApprovalRow.id).limit(limit).offset(offset)
            )
            return [_approval(r) for r in rows], int(total or 0)
