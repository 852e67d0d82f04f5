"""Error propagation: which service a failing request really failed in.

A failing trace usually shows errors on every span from the root down to where the fault
happened. Following failing spans downward to the deepest one (a failing span none of whose
children fail) finds the service where the error started; everything above it on the path
only passed the failure on. Spans with no status (``error is None``) are never failures.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource, TimeWindow
from warroom.evidence.metrics.scale import score_from_z
from warroom.evidence.traces.tree import TraceTree


@dataclass(slots=True)
class ErrorOrigins:
    """Per service: how many traces failed first there, the paths, and a sample span."""

    traces: int = 0
    by_service: Counter[str] = field(default_factory=Counter)
    paths: dict[str, Counter[tuple[str, ...]]] = field(default_factory=dict)
    first_seen: dict[str, float] = field(default_factory=dict)
    sample: dict[str, tuple[str, int]] = field(default_factory=dict)


def error_origins(trees: Sequence[TraceTree]) -> ErrorOrigins:
    """Count, per service, the traces whose deepest failing span runs in that service."""
    found = ErrorOrigins()
    for tree in trees:
        failing = [i for i, s in enumerate(tree.spans) if s.error is True]
        if not failing:
            continue
        found.traces += 1
        seen: set[str] = set()
        for i in failing:
            if any(tree.spans[k].error is True for k in _descendants(tree, i)):
                continue
            span = tree.spans[i]
            if span.service in seen:
                continue
            seen.add(span.service)
            found.by_service[span.service] += 1
            found.paths.setdefault(span.service, Counter())[tuple(tree.services_to(i))] += 1
            found.first_seen[span.service] = min(
                found.first_seen.get(span.service, math.inf), span.start
            )
            found.sample.setdefault(span.service, (span.source, span.line))
    return found


def error_evidence(
    current: Sequence[TraceTree],
    baseline: Sequence[TraceTree],
    window: TimeWindow,
) -> list[Evidence]:
    """TRACE_ERROR per service whose share of failing traces rose against the baseline.

    Score: the rise in the share of traces failing first in that service, as a binomial
    z-score against the baseline share, through `score_from_z`; 1 is notable.
    """
    now, before = error_origins(current), error_origins(baseline)
    n_now, n_before = max(1, len(current)), max(1, len(baseline))
    items: list[Evidence] = []
    for service, count in now.by_service.items():
        rate = count / n_now
        base_rate = before.by_service.get(service, 0) / n_before
        p = max(base_rate, 1.0 / max(n_before, n_now))
        z = (rate - base_rate) / math.sqrt(p * (1 - p) / n_now) if p < 1 else 0.0
        score = score_from_z(z)
        if score < 1.0 or count < 2:
            continue
        path = list(now.paths[service].most_common(1)[0][0])
        callers = [s for s in path if s != service]
        onset = datetime.fromtimestamp(now.first_seen[service], tz=UTC)
        source, line = now.sample[service]
        items.append(
            Evidence(
                id=f"trace:err:{service}",
                kind=EvidenceKind.TRACE_ERROR,
                entity=service,
                related_entities=list(dict.fromkeys(callers)),
                window=window,
                onset=onset,
                summary=(
                    f"{count} failing traces ({rate:.0%}, baseline {base_rate:.0%}) fail deepest "
                    f"in {service}, typically via {' -> '.join(path)}"
                ),
                score=round(score, 3),
                data={
                    "category": "errors",
                    "path": path,
                    "traces": count,
                    "share": rate,
                    "baseline_share": base_rate,
                    "z": round(z, 2),
                },
                source=EvidenceSource(path=source, lines=[line] if line else []),
            )
        )
    return items


def _descendants(tree: TraceTree, index: int) -> list[int]:
    out: list[int] = []
    stack = list(tree.children[index])
    while stack and len(out) <= len(tree.spans):
        at = stack.pop()
        out.append(at)
        stack.extend(tree.children[at])
    return out
