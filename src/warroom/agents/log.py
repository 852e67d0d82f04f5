"""LogAgent: exceptions, stack traces and suspects from runtime logs (seed 004, 3.3)."""

from __future__ import annotations

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.reasoning import build_hypothesis, top_components
from warroom.config import Settings
from warroom.domain.debate import LogFindings
from warroom.domain.evidence import EvidenceKind
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "log"
LOG_KINDS = (EvidenceKind.LOG_EXCEPTION, EvidenceKind.LOG_TEMPLATE, EvidenceKind.LOG_ERROR_RATE)


def offline(case: CaseFile) -> LogFindings:
    """Deterministic findings: the strongest exception and the components logs point at."""
    log_items = [e for e in case.pack.items if e.kind in LOG_KINDS]
    exceptions = sorted(
        (e for e in log_items if e.kind is EvidenceKind.LOG_EXCEPTION),
        key=lambda e: (-e.score, e.id),
    )
    ranked = top_components(case, 10)
    by_log_score: dict[str, float] = {}
    for item in log_items:
        by_log_score[item.entity] = by_log_score.get(item.entity, 0.0) + item.score
    suspects = sorted(
        by_log_score, key=lambda c: (ranked.index(c) if c in ranked else 99, -by_log_score[c])
    )
    hypotheses = [
        h
        for c in suspects[:3]
        if (h := build_hypothesis(case, c, by="LogAgent", focus=LOG_KINDS)) is not None
    ]
    top = exceptions[0] if exceptions else None
    frames = top.data.get("frames", []) if top else []
    return LogFindings(
        exception_type=str(top.data.get("type")) if top and top.data.get("type") else None,
        exception_message=str(top.data.get("message"))[:500]
        if top and top.data.get("message")
        else None,
        stack_trace=[str(f) for f in frames][:20] if isinstance(frames, list) else [],
        suspected_components=suspects[:5],
        confidence=max((h.confidence for h in hypotheses), default=0.1),
        hypotheses=hypotheses,
    )


async def propose(
    case: CaseFile, settings: Settings, ledger: UsageLedger
) -> RoleOutcome[LogFindings]:
    return await ask(
        ROLE,
        case=case,
        output_type=LogFindings,
        task="Analyse the log evidence of this incident and propose hypotheses.",
        offline=lambda: offline(case),
        settings=settings,
        ledger=ledger,
    )
