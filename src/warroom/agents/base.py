"""How a tribunal role is asked: its Markdown prompt, the case digest, the model or the reasoner.

Every role goes through `ask`: with no model configured the offline reasoner answers; with a
model the role's prompt and the evidence digest are sent, and on repeated failure the role
falls back to the offline reasoner and says so (see `warroom.llm.run_role`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TypeVar

from pydantic import BaseModel

from warroom.agents.case import CaseFile
from warroom.config import Settings
from warroom.llm import RoleOutcome, UsageLedger, run_role

T = TypeVar("T", bound=BaseModel)

ROLE_NAMES = {
    "log": "LogAgent",
    "domain": "DomainAgent",
    "code": "CodeAgent",
    "critic": "CriticAgent",
    "rebuttal": "RebuttalAgent",
    "judge": "JudgeAgent",
}

_LANGUAGE = {"en": "English", "zh": "Simplified Chinese (简体中文)"}


@cache
def load_prompt(role: str) -> str:
    """The role's instructions: its own Markdown file plus the rules every role shares."""
    folder = resources.files("warroom.agents") / "prompts"
    own = (folder / f"{role}.md").read_text(encoding="utf-8")
    shared = (folder / "_shared.md").read_text(encoding="utf-8")
    return f"{own.strip()}\n\n{shared.strip()}\n"


def instructions_for(role: str, lang: str) -> str:
    return load_prompt(role).replace("{language}", _LANGUAGE.get(lang, "English"))


async def ask(
    role: str,
    *,
    case: CaseFile,
    output_type: type[T],
    task: str,
    offline: Callable[[], T],
    settings: Settings,
    ledger: UsageLedger,
) -> RoleOutcome[T]:
    """Ask one role for its typed output."""

    def get_evidence(ids: list[str]) -> str:
        """Full records (JSON) of the given evidence ids."""
        return case.evidence_details(ids)

    prompt = f"{task.strip()}\n\n{case.digest()}"
    return await run_role(
        role,
        output_type=output_type,
        instructions=instructions_for(role, case.lang),
        prompt=prompt,
        offline=offline,
        settings=settings,
        ledger=ledger,
        tools=[get_evidence],
    )
