"""The report as a person reads it: translated labels, formatted numbers, resolved citations.

``build_view(report, lang)`` turns a ``Report`` into plain, already-formatted values that the
Markdown and HTML templates lay out. Callers may rely on:

- every citation is resolved once: ``CitationView.anchor`` is set exactly when the cited item is
  shown in the page's evidence section, so a template never links to a missing anchor;
- anchors are unique, start with ``ev-`` and use only ``[A-Za-z0-9_-]``;
- the evidence section lists the items the verdict cites first (in the order the chain cites
  them), then the strongest other items up to ``OTHER_EVIDENCE_LIMIT``;
- strings here are raw: escaping is the template's job (HTML autoescapes, Markdown filters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.domain import Evidence, Report
from warroom.domain.graph import node_key
from warroom.report.i18n import label, t, yes_no

OTHER_EVIDENCE_LIMIT = 30
SUSPECT_LIMIT = 10
SUSPECT_CITATIONS = 5
ONE_LINE_LIMIT = 300
_SOURCE_LINES_SHOWN = 8


@dataclass(frozen=True)
class CitationView:
    evidence_id: str
    anchor: str | None  # None: the item is not shown on this page
    found: bool  # False: the id is not in the report's evidence at all


@dataclass(frozen=True)
class ChainStep:
    number: int
    statement: str
    citations: list[CitationView]


@dataclass(frozen=True)
class EvidenceView:
    id: str
    anchor: str
    kind: str
    entity: str
    onset: str
    summary: str
    source: str
    score: str
    cited: bool


@dataclass(frozen=True)
class SuspectView:
    rank: int
    component: str
    score: str
    fault_type: str
    reasons: str
    citations: list[CitationView]
    chosen: bool


@dataclass(frozen=True)
class AlternativeView:
    component: str
    fault_type: str
    confidence: str
    why_lost: str


@dataclass(frozen=True)
class StruckView:
    by: str
    component: str
    text: str
    citation: CitationView
    reason_key: str
    reason: str
    detail: str


@dataclass(frozen=True)
class DebateLine:
    role: str
    summary: str


@dataclass(frozen=True)
class DebateRoundView:
    number: int
    title: str
    lines: list[DebateLine]


@dataclass(frozen=True)
class UsageView:
    role: str
    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    cost: str
    degraded: bool
    status: str


@dataclass(frozen=True)
class KnowledgeSection:
    """The development and design picture: path from symptom to cause, domain placement,
    suspect commits, similar cases."""

    path: list[str]
    context: str
    aggregate: str
    entities: str
    tables: str
    endpoints: str
    commits: list[tuple[str, str, str, str]]  # sha (short), summary, author, date
    cases: list[tuple[str, str, str]]  # title, score, root cause
    sources: str


@dataclass(frozen=True)
class ReportView:
    lang: str
    title: str
    incident_rows: list[tuple[str, str]]
    component: str
    fault_type: str
    confidence: str
    risk_key: str
    risk: str
    rollback: bool
    rollback_text: str
    team: str
    code_location: str | None
    suspect_commit: str | None
    root_cause: str
    chain: list[ChainStep]
    fix_suggestion: str
    impact_analysis: str
    alternatives: list[AlternativeView]
    suspects: list[SuspectView]
    struck: list[StruckView]
    debate: list[DebateRoundView]
    usage: list[UsageView]
    degraded_roles: list[str]
    degraded_reasons: list[str]
    cited_evidence: list[EvidenceView] = field(default_factory=list)
    other_evidence: list[EvidenceView] = field(default_factory=list)
    more_evidence: int = 0
    knowledge: KnowledgeSection | None = None


def _path_steps(report: Report) -> list[str]:
    """``service order-service``, ``→ belongs_to ←``-style steps, ``class OrderServiceImpl``..."""
    path = report.knowledge.path if report.knowledge else None
    if path is None:
        return []
    steps: list[str] = []
    for i, node in enumerate(path.nodes):
        name = node.name.rsplit(".", 1)[-1] if node.kind.value in ("class", "method") else node.name
        if node.kind.value == "commit":
            name = node_key(node.id)[:10] + (f" ({node.name})" if node.name else "")
        if i:
            edge = path.edges[i - 1]
            forward = edge.src == path.nodes[i - 1].id
            steps.append(f"—{edge.kind.value}→" if forward else f"←{edge.kind.value}—")
        steps.append(f"{node.kind.value} {name}")
    return steps


def _knowledge(report: Report, lang: str) -> KnowledgeSection | None:
    k = report.knowledge
    if k is None:
        return None
    placed = k.placement(report.verdict.component)
    none = "–"
    return KnowledgeSection(
        path=_path_steps(report),
        context=(placed.bounded_context if placed and placed.bounded_context else none),
        aggregate=(placed.aggregate_root if placed and placed.aggregate_root else none),
        entities=", ".join(placed.entities) if placed and placed.entities else none,
        tables=", ".join(placed.tables) if placed and placed.tables else none,
        endpoints=", ".join(placed.endpoints[:8]) if placed and placed.endpoints else none,
        commits=[
            (
                c.sha[:10],
                c.summary,
                c.author,
                format_time(c.authored_at) if c.authored_at else "",
            )
            for c in k.commits
        ],
        cases=[(c.title, f"{c.score:.1f}", c.root_cause) for c in k.similar_cases],
        sources=", ".join(k.sources) or none,
    )


def format_time(moment: datetime | None) -> str:
    """``2026-03-14 14:05:12 UTC``; a naive time is taken to be UTC already."""
    if moment is None:
        return ""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC")


def one_line(text: str, limit: int = ONE_LINE_LIMIT) -> str:
    """Collapse whitespace and cut at ``limit`` characters, marking the cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def anchors_for(ids: Iterable[str]) -> dict[str, str]:
    """A unique, URL-safe anchor per evidence id (``log:exc:7`` -> ``ev-log-exc-7``)."""
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for eid in ids:
        if eid in anchors:
            continue
        base = "ev-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", eid).strip("-") or "item")
        anchor, n = base, 2
        # Distinct ids can share a slug ("a:b" and "a-b"); number the later ones.
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        anchors[eid] = anchor
        taken.add(anchor)
    return anchors


def cited_ids(report: Report) -> list[str]:
    """Evidence ids the verdict's chain cites, first citation first, without repeats."""
    seen: dict[str, None] = {}
    for link in report.verdict.evidence_chain:
        for eid in link.evidence_ids:
            seen.setdefault(eid, None)
    return list(seen)


def order_evidence(report: Report) -> tuple[list[Evidence], list[Evidence]]:
    """(items the verdict cites, in citation order; every other item, strongest first)."""
    by_id = {e.id: e for e in report.evidence}
    cited = [by_id[eid] for eid in cited_ids(report) if eid in by_id]
    cited_set = {e.id for e in cited}
    others = sorted((e for e in report.evidence if e.id not in cited_set), key=lambda e: -e.score)
    return cited, others


def _source(item: Evidence, lang: str) -> str:
    src = item.source
    parts = [src.path] if src.path else []
    if src.lines:
        shown = ", ".join(str(n) for n in src.lines[:_SOURCE_LINES_SHOWN])
        if len(src.lines) > _SOURCE_LINES_SHOWN:
            shown += ", …"
        parts.append(t("lines", lang).format(lines=shown))
    if src.query and not src.path:
        parts.append(src.query)
    return " ".join(parts)


def build_view(report: Report, lang: str) -> ReportView:
    """Everything the templates show, in ``lang``; agent and log text is left untouched."""
    verdict, incident = report.verdict, report.incident
    cited, others = order_evidence(report)
    shown_others = others[:OTHER_EVIDENCE_LIMIT]
    anchors = anchors_for(e.id for e in report.evidence)
    known = set(anchors)
    shown = {e.id for e in cited} | {e.id for e in shown_others}

    def cite(eid: str) -> CitationView:
        return CitationView(eid, anchors[eid] if eid in shown else None, eid in known)

    def evidence_view(item: Evidence, is_cited: bool) -> EvidenceView:
        return EvidenceView(
            id=item.id,
            anchor=anchors[item.id],
            kind=label("kind", item.kind.value, lang),
            entity=item.entity,
            onset=format_time(item.onset) or format_time(item.window.start),
            summary=item.summary,
            source=_source(item, lang),
            score=f"{item.score:.2f}",
            cited=is_cited,
        )

    # The verdict and the usage rows may name a role differently ("log" / "LogAgent").
    degraded = list(
        dict.fromkeys(
            label("role", r, lang)
            for r in [*verdict.degraded_roles, *(u.role for u in report.usage if u.degraded)]
        )
    )
    reasons = [
        f"{label('role', u.role, lang)}{t('colon', lang)}{u.degraded_reason}"
        for u in report.usage
        if u.degraded and u.degraded_reason
    ]
    return ReportView(
        lang=lang,
        title=incident.title,
        incident_rows=_incident_rows(report, lang),
        component=verdict.component,
        fault_type=label("fault", verdict.fault_type.value, lang),
        confidence=percent(verdict.confidence),
        risk_key=verdict.risk_level.value,
        risk=label("level", verdict.risk_level.value, lang),
        rollback=verdict.rollback_recommended,
        rollback_text=yes_no(verdict.rollback_recommended, lang),
        team=verdict.responsible_team,
        code_location=verdict.code_location,
        suspect_commit=verdict.suspect_commit,
        root_cause=verdict.root_cause,
        chain=[
            ChainStep(n, link.statement, [cite(eid) for eid in link.evidence_ids])
            for n, link in enumerate(verdict.evidence_chain, start=1)
        ],
        fix_suggestion=verdict.fix_suggestion,
        impact_analysis=verdict.impact_analysis,
        alternatives=[
            AlternativeView(
                a.component,
                label("fault", a.fault_type.value, lang),
                percent(a.confidence),
                a.why_lost,
            )
            for a in verdict.alternatives
        ],
        suspects=[
            SuspectView(
                rank=n,
                component=s.component,
                score=f"{s.score:.2f}",
                fault_type=label("fault", s.fault_type, lang),
                reasons="; ".join(s.reasons),
                # The strongest few; the full list is in the JSON export.
                citations=[cite(eid) for eid in s.evidence_ids[:SUSPECT_CITATIONS]],
                chosen=s.component == verdict.component,
            )
            for n, s in enumerate(report.ranking[:SUSPECT_LIMIT], start=1)
        ],
        struck=[
            StruckView(
                by=label("role", s.by, lang),
                component=s.component,
                text=s.text,
                citation=cite(s.evidence_id),
                reason_key=s.reason,
                reason=label("struck", s.reason, lang),
                detail=s.detail,
            )
            for s in report.struck
        ],
        debate=_debate(report, lang),
        usage=[
            UsageView(
                role=label("role", u.role, lang),
                model=u.model,
                requests=u.requests,
                input_tokens=u.input_tokens,
                output_tokens=u.output_tokens,
                cost=f"{u.cost_usd:.4f}",
                degraded=u.degraded,
                status=t("status.degraded" if u.degraded else "status.ok", lang),
            )
            for u in report.usage
        ],
        degraded_roles=degraded,
        degraded_reasons=reasons,
        cited_evidence=[evidence_view(e, True) for e in cited],
        other_evidence=[evidence_view(e, False) for e in shown_others],
        more_evidence=len(others) - len(shown_others),
        knowledge=_knowledge(report, lang),
    )


def _incident_rows(report: Report, lang: str) -> list[tuple[str, str]]:
    inc = report.incident
    window = f"{format_time(inc.window.start)} – {format_time(inc.window.end)}"
    rows = [
        (t("label.incident_id", lang), inc.id),
        (t("label.severity", lang), label("level", inc.severity.value, lang)),
        (t("label.alert_time", lang), format_time(inc.alert_time)),
        (t("label.window", lang), window),
        (t("label.rounds", lang), str(report.rounds)),
        (t("label.consensus", lang), yes_no(report.consensus, lang)),
        (t("label.generated_at", lang), format_time(report.generated_at)),
    ]
    if report.run_id:
        rows.append((t("label.run_id", lang), report.run_id))
    return rows


def _debate(report: Report, lang: str) -> list[DebateRoundView]:
    rounds: dict[int, list[DebateLine]] = {}
    for turn in report.debate:
        line = DebateLine(label("role", turn.role, lang), one_line(turn.summary))
        rounds.setdefault(turn.round, []).append(line)
    return [
        DebateRoundView(n, t("round", lang).format(n=n), lines)
        for n, lines in sorted(rounds.items())
    ]


Translate = Callable[[str], str]


def translator(lang: str) -> Translate:
    """``t`` bound to one language, for templates: ``{{ t('heading.root_cause') }}``."""
    return lambda key: t(key, lang)
