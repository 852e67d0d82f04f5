"""Shared steps of the offline reasoner: turning ranked evidence into cited hypotheses.

Every statement the offline reasoner makes cites evidence ids from the pack, with the roles
(cause, effect, support) that the citation check verifies. Nothing here reads the text of
logs as instructions; only ids, entities, kinds, scores and onsets drive it.
"""

from __future__ import annotations

from collections.abc import Iterable

from warroom.agents.case import CaseFile
from warroom.agents.phrases import say
from warroom.domain.debate import Citation, Claim, FaultType, Hypothesis
from warroom.domain.evidence import Evidence, EvidenceKind


def fault_of(value: str) -> FaultType:
    try:
        return FaultType(value)
    except ValueError:
        return FaultType.UNKNOWN


def confidence_of(case: CaseFile, component: str) -> float:
    """The engine's share of belief in a component, from its score among the top suspects."""
    top = [max(s.score, 0.0) for s in case.pack.ranking[:5]]
    suspect = case.suspect(component)
    if suspect is None or not top or sum(top) <= 0:
        return 0.05
    share = max(suspect.score, 0.0) / sum(top)
    # A clear leader earns confidence; a crowded field does not.
    return round(min(0.95, 0.15 + 0.8 * share), 3)


def location_of(case: CaseFile, component: str) -> str | None:
    """The code location (Class#line or file:line) the component's logs point at, if any.

    In order: the application frame of a stack trace; the first line a broken flow no longer
    reaches (the fault lies just before it); a line that newly failed (an error-level
    template that appeared or burst, the error share); an exception the line's logger
    location stands in for; a steady line that stopped; any other line. The strongest item
    within each group wins. Evidence that reports another component's failure (it names
    that component, or a callee failed in the same requests) locates nothing here.
    """
    best: tuple[int, float, str] | None = None
    for item in case.own_evidence(component):
        if item.kind not in _LOCATING_KINDS or _reports_other(item):
            continue
        value = item.data.get("top_frame") or item.data.get("location")
        if not isinstance(value, str) or not value:
            continue
        rank = (_location_rank(item), -item.score, value)
        if best is None or rank < best:
            best = rank
    return None if best is None else best[2]


def _reports_other(item: Evidence) -> bool:
    """The item reports a failure elsewhere (it names it, or a callee failed as well)."""
    return bool(item.data.get("names") or item.data.get("downstream"))


_LOCATING_KINDS = (
    EvidenceKind.LOG_EXCEPTION,
    EvidenceKind.LOG_TEMPLATE,
    EvidenceKind.LOG_ERROR_RATE,
)


def _location_rank(item: Evidence) -> int:
    if item.kind is EvidenceKind.LOG_EXCEPTION:
        # A frame read from a stack trace names the throwing code; a bare mention only
        # carries the logger location of the line that reported it.
        return 0 if item.data.get("language") != "mention" and item.data.get("top_frame") else 3
    change = item.data.get("change")
    if change == "broken":
        return 1
    failing = str(item.data.get("level") or "").upper() in ("ERROR", "FATAL", "CRITICAL")
    if item.kind is EvidenceKind.LOG_ERROR_RATE or (failing and change in ("new", "burst")):
        return 2
    if change in ("vanished", "dropped"):
        return 4
    return 5


def exception_of(case: CaseFile, component: str) -> Evidence | None:
    return next(
        (e for e in case.own_evidence(component) if e.kind is EvidenceKind.LOG_EXCEPTION), None
    )


def effects_of(case: CaseFile, component: str, cause: Evidence) -> list[Evidence]:
    """Anomalies in the component's callers that began no earlier than the cause."""
    callers = case.upstream(component)
    found = [
        e
        for e in case.pack.items
        if e.entity in callers
        and e.kind not in (EvidenceKind.SUSPECT_RANK, EvidenceKind.ALERT)
        and (cause.onset is None or e.onset is None or e.onset >= cause.onset)
    ]
    found.sort(key=lambda e: (-e.score, e.id))
    # One item per caller keeps the chain readable.
    seen: set[str] = set()
    picked: list[Evidence] = []
    for e in found:
        if e.entity not in seen:
            seen.add(e.entity)
            picked.append(e)
    return picked[:3]


def kinds_phrase(items: Iterable[Evidence]) -> str:
    return "; ".join(e.summary for e in items)


def build_hypothesis(
    case: CaseFile,
    component: str,
    *,
    by: str,
    focus: tuple[EvidenceKind, ...] = (),
    max_own: int = 3,
) -> Hypothesis | None:
    """A cited hypothesis that ``component`` is the root cause, or None with no evidence.

    ``focus`` narrows the component's own evidence to the kinds a role specialises in (the
    log analyst cites logs first); the rest is still used when the focus finds nothing.
    """
    own = case.own_evidence(component)
    if focus:
        focused = [e for e in own if e.kind in focus]
        own = focused or own
    if not own:
        return None
    lang = case.lang
    suspect = case.suspect(component)
    fault = fault_of(suspect.fault_type) if suspect else FaultType.UNKNOWN
    cited = own[:max_own]
    cause = min(cited, key=lambda e: (e.onset is None, e.onset or case.incident.alert_time))
    claims = [
        Claim(
            text=say("own_change", lang, component=component, what=kinds_phrase(cited)),
            citations=[Citation(evidence_id=e.id, role="cause") for e in cited],
        )
    ]
    effects = effects_of(case, component, cause)
    if effects:
        claims.append(
            Claim(
                text=say("propagated", lang, component=component, what=kinds_phrase(effects)),
                citations=[Citation(evidence_id=cause.id, role="cause")]
                + [Citation(evidence_id=e.id, role="effect") for e in effects],
            )
        )
    position = case.position(component)
    if position is not None and f"rank:{component}" in case.evidence:
        claims.append(
            Claim(
                text=say("ranked", lang, component=component, position=position),
                citations=[Citation(evidence_id=f"rank:{component}", role="support")],
            )
        )
    victims = sorted({e.entity for e in effects})
    return Hypothesis(
        component=component,
        fault_type=fault,
        statement=say(
            "statement",
            lang,
            component=component,
            fault=say(f"fault.{fault.value}", lang),
            victims=", ".join(victims) or say("no_victims", lang),
        ),
        claims=claims,
        confidence=confidence_of(case, component),
        proposed_by=by,
        code_location=location_of(case, component),
    )


def top_components(case: CaseFile, limit: int) -> list[str]:
    return [s.component for s in case.pack.ranking[:limit]]
