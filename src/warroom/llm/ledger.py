"""Token and cost accounting per tribunal role.

`UsageLedger` is handed to every role call of one investigation. Each call records once, with
the usage of all its attempts summed (a response that failed the schema still cost tokens).
A caller may rely on:

- one row per role, in the order roles were first recorded; repeated calls of a role (the
  critic in every round) add up;
- ``requests`` counts requests sent to the model, failed ones (timeouts, HTTP 429/5xx)
  included; tokens count only what the endpoint reported;
- cost is ``input_tokens * in_price + output_tokens * out_price`` per million tokens, from
  ``settings.llm_price_per_mtok[model]``; a model with no price costs 0;
- a role run offline is recorded with model ``"offline"`` and zero usage, so the report can
  show which roles had a model at all;
- ``degraded`` is True if any call of the role fell back to the offline reasoner, with the
  most recent reason.
"""

from __future__ import annotations

from warroom.config import AGENT_ROLES, Settings
from warroom.domain.verdict import RoleUsage

OFFLINE_MODEL = "offline"


class UsageLedger:
    """Accumulates `RoleUsage` rows for one run; not shared between runs."""

    def __init__(self, settings: Settings) -> None:
        self._prices = dict(settings.llm_price_per_mtok)
        self._rows: dict[str, RoleUsage] = {}

    def cost_usd(self, model: str, input_tokens: int, output_tokens: int) -> float:
        """What `input_tokens` and `output_tokens` of `model` cost; 0 for an unpriced model."""
        in_price, out_price = self._prices.get(model, (0.0, 0.0))
        return (input_tokens * in_price + output_tokens * out_price) / 1_000_000

    def record(
        self,
        role: str,
        *,
        model: str,
        requests: int = 0,
        input_tokens: int = 0,
        output_tokens: int = 0,
        degraded: bool = False,
        degraded_reason: str | None = None,
    ) -> RoleUsage:
        """Add one call of `role` and return the role's running total."""
        row = self._rows.get(role) or RoleUsage(role=role, model=model)
        if model not in row.model.split(", "):
            # The same ledger saw this role on two models (settings changed mid-run).
            row.model = f"{row.model}, {model}"
        row.requests += requests
        row.input_tokens += input_tokens
        row.output_tokens += output_tokens
        row.cost_usd += self.cost_usd(model, input_tokens, output_tokens)
        if degraded:
            row.degraded = True
            row.degraded_reason = degraded_reason
        self._rows[role] = row
        return row.model_copy()

    def rows(self) -> list[RoleUsage]:
        """Copies of the per-role totals, tribunal roles in their fixed order, then the rest.

        Roles run concurrently, so the order they finish in says nothing; a fixed order keeps
        reports and run events the same from one run (or a resumed run) to the next."""
        order: dict[str, int] = {role: i for i, role in enumerate(AGENT_ROLES)}
        rows = sorted(self._rows.values(), key=lambda r: order.get(r.role, len(order)))
        return [row.model_copy() for row in rows]

    @property
    def total_cost_usd(self) -> float:
        return sum(row.cost_usd for row in self._rows.values())

    @property
    def total_tokens(self) -> int:
        return sum(row.input_tokens + row.output_tokens for row in self._rows.values())
