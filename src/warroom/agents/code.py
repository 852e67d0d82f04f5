"""CodeAgent: code-level root cause, evidence chain, location and fix (seed 004, 3.3)."""

from __future__ import annotations

from warroom.agents.base import ask
from warroom.agents.case import CaseFile
from warroom.agents.phrases import say
from warroom.agents.reasoning import build_hypothesis, location_of, top_components
from warroom.config import Settings
from warroom.domain.debate import Citation, Claim, CodeFindings, Hypothesis
from warroom.domain.evidence import Evidence, EvidenceKind
from warroom.domain.graph import CodeLink, node_key
from warroom.llm import RoleOutcome, UsageLedger

ROLE = "code"


def fix_for(case: CaseFile, component: str, fault: str, location: str | None) -> str:
    where = location or say("unknown_location", case.lang)
    key = f"fix.{fault}"
    try:
        return say(key, case.lang, component=component, location=where)
    except KeyError:
        return say("fix.unknown", case.lang, component=component, location=where)


def code_evidence(case: CaseFile, component: str) -> tuple[Evidence | None, Evidence | None]:
    """The strongest code-link item about ``component`` and the code change it names."""
    links = [
        e for e in case.pack.items if e.kind is EvidenceKind.CODE_LINK and e.entity == component
    ]
    if not links:
        return None, None
    link = max(links, key=lambda e: (e.score, e.id))
    sha = CodeLink.model_validate(link.data).last_commit
    change = next(
        (
            e
            for e in case.pack.items
            if e.kind is EvidenceKind.CODE_CHANGE
            and e.entity == component
            and (sha is None or e.data.get("sha") == sha)
        ),
        None,
    )
    return link, change


def _change_facts(change: Evidence) -> dict[str, str]:
    """What the phrases about a code change name: short sha, summary, author, date."""
    return {
        "sha": str(change.data.get("sha", ""))[:10],
        "summary": str(change.data.get("summary", "")),
        "author": str(change.data.get("author", "")),
        "date": str(change.data.get("authored_at") or "")[:10],
    }


def with_code(
    case: CaseFile, hypothesis: Hypothesis
) -> tuple[Hypothesis, CodeLink | None, Evidence | None]:
    """The hypothesis with cited claims about the failing method and the change that last
    touched it, when development assets reach this component; with the link and the
    change evidence it cited."""
    link_item, change = code_evidence(case, hypothesis.component)
    if link_item is None:
        return hypothesis, None, None
    link = CodeLink.model_validate(link_item.data)
    lang = case.lang
    owners = ", ".join(node_key(o) for o in link.owners[:3]) or say("code.no_owner", lang)
    method = node_key(link.method).rsplit(".", 1)[-1] if link.method else link.frame
    place = f"{link.file}:{link.line}" if link.file and link.line else (link.file or link.frame)
    claims = [
        Claim(
            text=say(
                "code.located",
                lang,
                component=hypothesis.component,
                method=method,
                place=place,
                owners=owners,
            ),
            citations=[
                Citation(evidence_id=link_item.id, role="support"),
                Citation(evidence_id=link.evidence_id, role="cause"),
            ],
        )
    ]
    if change is not None:
        claims.append(
            Claim(
                text=say("code.changed", lang, **_change_facts(change)),
                citations=[Citation(evidence_id=change.id, role="support")],
            )
        )
    location = f"{link.file}:{link.line}" if link.file and link.line else hypothesis.code_location
    return (
        hypothesis.model_copy(
            update={"claims": [*hypothesis.claims, *claims], "code_location": location}
        ),
        link,
        change,
    )


def offline(case: CaseFile) -> CodeFindings:
    hypotheses = [
        h for c in top_components(case, 2) if (h := build_hypothesis(case, c, by="CodeAgent"))
    ]
    if not hypotheses:
        return CodeFindings(root_cause="", confidence=0.0)
    lead, link, change = with_code(case, hypotheses[0])
    hypotheses[0] = lead
    location = lead.code_location or location_of(case, lead.component)
    fix = fix_for(case, lead.component, lead.fault_type.value, location)
    if change is not None:
        fix += say("fix.commit", case.lang, **_change_facts(change))
    return CodeFindings(
        root_cause=lead.statement,
        evidence_chain=lead.claims,
        code_location=location,
        suspect_commit=link.suspect_commit if link else None,
        owners=[node_key(o) for o in link.owners] if link else [],
        fix_suggestion=fix,
        confidence=lead.confidence,
        hypotheses=hypotheses,
    )


async def propose(
    case: CaseFile, settings: Settings, ledger: UsageLedger
) -> RoleOutcome[CodeFindings]:
    return await ask(
        ROLE,
        case=case,
        output_type=CodeFindings,
        task="Find the code-level root cause, its evidence chain, location and fix.",
        offline=lambda: offline(case),
        settings=settings,
        ledger=ledger,
    )
