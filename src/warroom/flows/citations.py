"""The mechanical citation check, run on every claim before any model judges it.

A claim is struck when it cites an id that does not exist, evidence about a component that has
nothing to do with the hypothesis, or an effect that started before its cause. An uncited
claim is struck too: an uncited claim cannot win.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

from warroom.domain.debate import Claim, Hypothesis, StruckClaim
from warroom.domain.evidence import Evidence, EvidenceKind

# Metrics are often sampled once a minute: onsets closer than this are "at the same time".
ONSET_TOLERANCE = timedelta(seconds=60)

# Evidence about the incident as a whole may support any hypothesis.
_CONTEXT_KINDS = {EvidenceKind.ALERT, EvidenceKind.HUMAN}

_Strike = Callable[[str, str, str], StruckClaim]


class CitationChecker:
    """Checks claims against an evidence pack and the call graph between components."""

    def __init__(self, evidence: Iterable[Evidence], call_graph: Mapping[str, Iterable[str]]):
        self._evidence = {e.id: e for e in evidence}
        self._neighbours: dict[str, set[str]] = {}
        for caller, callees in call_graph.items():
            for callee in callees:
                self._neighbours.setdefault(caller, set()).add(callee)
                self._neighbours.setdefault(callee, set()).add(caller)

    def check_hypothesis(
        self, hypothesis: Hypothesis, *, by: str
    ) -> tuple[Hypothesis, list[StruckClaim]]:
        """The hypothesis with only its sound claims, and what was struck."""
        kept: list[Claim] = []
        struck: list[StruckClaim] = []
        for claim in hypothesis.claims:
            problem = self.check_claim(claim, component=hypothesis.component, by=by)
            if problem is None:
                kept.append(claim)
            else:
                struck.append(problem)
        return hypothesis.model_copy(update={"claims": kept}), struck

    def check_claim(self, claim: Claim, *, component: str, by: str) -> StruckClaim | None:
        def strike(evidence_id: str, reason: str, detail: str) -> StruckClaim:
            return StruckClaim(
                by=by,
                component=component,
                text=claim.text,
                evidence_id=evidence_id,
                reason=reason,
                detail=detail,
            )

        if not claim.citations:
            return strike("", "uncited", "the claim cites no evidence")
        for citation in claim.citations:
            evidence = self._evidence.get(citation.evidence_id)
            if evidence is None:
                return strike(
                    citation.evidence_id,
                    "unknown_evidence",
                    f"no evidence with id '{citation.evidence_id}' exists in this incident",
                )
            if not self._relevant(evidence, component, effect=citation.role == "effect"):
                return strike(
                    citation.evidence_id,
                    "wrong_entity",
                    f"'{citation.evidence_id}' is about {evidence.entity}, "
                    f"which is neither {component} nor connected to it",
                )
        return self._time_order(claim, strike)

    def _relevant(self, evidence: Evidence, component: str, *, effect: bool) -> bool:
        if evidence.kind in _CONTEXT_KINDS or evidence.mentions(component):
            return True
        if not effect:
            return False
        # An effect may show up in any component connected to the cause through calls.
        return evidence.entity in self._reachable(component)

    def _reachable(self, component: str) -> set[str]:
        seen = {component}
        frontier = [component]
        while frontier:
            node = frontier.pop()
            for nxt in self._neighbours.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return seen

    def _time_order(self, claim: Claim, strike: _Strike) -> StruckClaim | None:
        causes = [self._evidence[c.evidence_id] for c in claim.citations if c.role == "cause"]
        cause_onsets = [e.onset for e in causes if e.onset is not None]
        if not cause_onsets:
            return None
        first_cause = min(cause_onsets)
        for citation in claim.citations:
            if citation.role != "effect":
                continue
            effect = self._evidence[citation.evidence_id]
            if effect.onset is not None and effect.onset + ONSET_TOLERANCE < first_cause:
                return strike(
                    effect.id,
                    "effect_before_cause",
                    f"the effect '{effect.id}' began at {effect.onset:%H:%M:%S}, "
                    f"before its claimed cause at {first_cause:%H:%M:%S}",
                )
        return None

    def known(self, evidence_id: str) -> bool:
        return evidence_id in self._evidence
