"""The report as JSON: what other programs (the API, the benchmarks, a ticket bot) read.

Callers may rely on:

- the top-level keys, in this order: ``verdict``, ``ranking``, ``suspects``, ``incident``,
  ``evidence``, ``debate``, ``struck``, ``knowledge``, ``usage``, ``rounds``, ``consensus``,
  ``lang``, ``run_id``, ``generated_at``; nested objects keep a fixed key order too;
- ``verdict`` holds every seed-004 field (``root_cause``, ``evidence_chain``,
  ``fix_suggestion``, ``impact_analysis``, ``risk_level``, ``rollback_recommended``,
  ``responsible_team``, ``confidence``) plus ``component``, ``fault_type``, ``code_location``,
  ``suspect_commit``, ``alternatives`` and ``degraded_roles``;
- ``knowledge`` (after ``struck``; null without development or design assets): code links,
  domain placements, suspect commits, similar cases, the symptom-to-cause ``path`` and the
  incident's ``graph`` (nodes and edges);
- ``ranking`` is the list of component names, most suspect first; ``suspects`` is the same
  ranking with scores, fault types, reasons and evidence ids;
- ``evidence`` lists the items the verdict cites first (``"cited": true``), then the rest,
  strongest first;
- every datetime is ISO 8601 in UTC with a ``Z`` suffix; every value is plain JSON (no NaN).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from warroom.domain import Evidence, Report
from warroom.report.view import order_evidence


def iso_utc(moment: datetime) -> str:
    """``2026-03-14T14:07:00Z``; a naive time is taken to be UTC already."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.isoformat().replace("+00:00", "Z")


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: models, enums, datetimes and sets flattened recursively."""
    if isinstance(value, BaseModel):
        return {k: plain(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity; "no value" is the honest reading
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _evidence(item: Evidence, cited: bool) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "entity": item.entity,
        "related_entities": list(item.related_entities),
        "cited": cited,
        "onset": iso_utc(item.onset) if item.onset else None,
        "window": {"start": iso_utc(item.window.start), "end": iso_utc(item.window.end)},
        "summary": item.summary,
        "score": plain(item.score),
        "source": plain(item.source),
        "data": plain(item.data),
    }


def report_json(report: Report) -> dict[str, Any]:
    """The JSON form of ``report`` (see the module docstring for the shape)."""
    v = report.verdict
    verdict = {
        "root_cause": v.root_cause,
        "evidence_chain": [
            {"statement": link.statement, "evidence_ids": list(link.evidence_ids)}
            for link in v.evidence_chain
        ],
        "fix_suggestion": v.fix_suggestion,
        "impact_analysis": v.impact_analysis,
        "risk_level": v.risk_level.value,
        "rollback_recommended": v.rollback_recommended,
        "responsible_team": v.responsible_team,
        "confidence": plain(v.confidence),
        "component": v.component,
        "fault_type": v.fault_type.value,
        "code_location": v.code_location,
        "suspect_commit": v.suspect_commit,
        "alternatives": [
            {
                "component": a.component,
                "fault_type": a.fault_type.value,
                "confidence": plain(a.confidence),
                "why_lost": a.why_lost,
            }
            for a in v.alternatives
        ],
        "degraded_roles": list(v.degraded_roles),
    }
    inc = report.incident
    incident = {
        "id": inc.id,
        "title": inc.title,
        "description": inc.description,
        "severity": inc.severity.value,
        "alert_time": iso_utc(inc.alert_time),
        "window": {"start": iso_utc(inc.window.start), "end": iso_utc(inc.window.end)},
        "metadata": plain(inc.metadata),
        "created_at": iso_utc(inc.created_at),
    }
    cited, others = order_evidence(report)
    return {
        "verdict": verdict,
        "ranking": [s.component for s in report.ranking],
        "suspects": [
            {
                "rank": n,
                "component": s.component,
                "score": plain(s.score),
                "fault_type": s.fault_type,
                "reasons": list(s.reasons),
                "evidence_ids": list(s.evidence_ids),
            }
            for n, s in enumerate(report.ranking, start=1)
        ],
        "incident": incident,
        "evidence": [_evidence(e, True) for e in cited] + [_evidence(e, False) for e in others],
        "debate": [
            {"round": d.round, "role": d.role, "summary": d.summary, "payload": plain(d.payload)}
            for d in report.debate
        ],
        "struck": [
            {
                "by": s.by,
                "component": s.component,
                "text": s.text,
                "evidence_id": s.evidence_id,
                "reason": s.reason,
                "detail": s.detail,
            }
            for s in report.struck
        ],
        "knowledge": plain(report.knowledge) if report.knowledge is not None else None,
        "usage": [
            {
                "role": u.role,
                "model": u.model,
                "requests": u.requests,
                "input_tokens": u.input_tokens,
                "output_tokens": u.output_tokens,
                "total_tokens": u.input_tokens + u.output_tokens,
                "cost_usd": plain(u.cost_usd),
                "degraded": u.degraded,
                "degraded_reason": u.degraded_reason,
            }
            for u in report.usage
        ],
        "rounds": report.rounds,
        "consensus": report.consensus,
        "lang": report.lang,
        "run_id": report.run_id,
        "generated_at": iso_utc(report.generated_at),
    }
