"""Broken flows: a line a service always logged after another, for the same request, stops.

Requests are followed through their trace ids (see ``tally.TraceLog``). In the baseline, for
each pair of statements of one entity, how often does ``after`` appear in a request that
logged ``before``? When that was (nearly) always so (`RELIABLE`), and now many requests log
``before`` but not ``after``, the code between the two lines stopped reaching ``after`` for
those requests: it returned early, took another branch or threw. This is judged per request
that reached ``before``, so a change of load or of the mix of requests, which moves whole
flows together, does not raise it; a flow that broke inside the service does.

A statement is a logger location when the line has one (one source line logs one statement,
whatever values split it into several templates), else a template text.

Test and score: the number of requests with ``before`` and without ``after`` in the current
window against a binomial with the baseline's miss rate (Laplace-smoothed, so a short
baseline is judged fairly: six clean requests say less than sixty), through the shared score
scale (`significance.score_of`), times the effect: the share of requests that broke from the
onset on (a fault may start late in the window) minus the share that missed it before. An
error-level line that stopped is a failure ending, not a flow breaking: it is never
``after``.

Each finding says what the broken requests logged instead (``data["instead"]``: statements
over-represented in them, error-level first). When all of those are lines the entity logged
in the baseline too, below error level, the requests took another known branch, which the
input decides more often than a fault does (``data["alternative"]``): the score keeps
`ALTERNATIVE` of itself. It also gives the share of broken requests that went on down a path
new to them (``diverted_share``) and that stopped there or reported an exception
(``aborted_share``: the code threw); the components most of their error lines name
(``data["names"]``) and the callees that newly failed in most of the same requests
(``data["downstream"]``): then the break came from a call, not from the service. When the
lines carry logger locations (``tally`` restores those a stripped header held), the fault
lies between ``after_location`` (the last line that still ran) and ``location`` (the first
line that no longer did).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from warroom.domain.evidence import Evidence, EvidenceKind, EvidenceSource, TimeWindow
from warroom.evidence.logs.exceptions import location_of
from warroom.evidence.logs.significance import binomial_upper, score_of
from warroom.evidence.logs.tally import EntityTally, Occurrences, Tally, TraceLog, series

# Requests that logged ``before`` needed in each window before the pair is judged.
MIN_BASELINE_REQUESTS = 3
MIN_CURRENT_REQUESTS = 3
# ``after`` must have followed ``before`` in at least this share of baseline requests.
RELIABLE = 0.9
WEIGHT = 1.5  # a flow that broke inside a service reports a failure, as error lines do
PER_ENTITY = 3
CANDIDATES = 12  # strongest pairs of an entity examined in full
INSTEAD = 3
# Statements of one request compared pairwise (pairs grow with the square of this).
MAX_STATEMENTS = 64
# Requests that took another known, non-error branch (seen in the baseline) mostly follow
# their input, not a fault: such a break keeps this share of its score.
ALTERNATIVE = 0.25
# A callee's failure (or a named component) explains a break when it is in this share of the
# broken requests; breaks that it misses in more than a quarter have a cause of their own.
EXPLAINED = 0.75


@dataclass(frozen=True, slots=True)
class _Pair:
    before: int
    after: int
    n_baseline: int
    missed_baseline: int
    n_current: int
    missed_current: int
    p_value: float
    score: float
    onset: float | None


def failed_below(
    trace_ids: Sequence[str], entity: str, counts: Tally, reach: Mapping[str, set[str]]
) -> list[str]:
    """Components ``entity`` calls that newly failed in `EXPLAINED` of these requests.

    "Newly": a callee that logs errors in most of its baseline requests as well is not taken
    as having failed in these.
    """
    if not trace_ids:
        return []
    below: list[tuple[float, str]] = []
    for callee in sorted(reach.get(entity, ())):
        state = counts.entities.get(callee)
        if state is None:
            continue
        failed = sum(
            1
            for tid in trace_ids
            if (trace := state.traces_current.get(tid)) is not None and trace.failed
        )
        share = failed / len(trace_ids)
        before = state.traces_baseline.values()
        usual = sum(t.failed for t in before) / len(before) if before else 0.0
        if share >= EXPLAINED and share > 2 * usual:
            below.append((share, callee))
    return [callee for _, callee in sorted(below, key=lambda p: (-p[0], p[1]))]


def flow_evidence(
    counts: Tally, current: TimeWindow, reach: Mapping[str, set[str]] | None = None
) -> list[Evidence]:
    """Broken flows of every entity whose requests carry trace ids; see the module docstring.

    ``reach`` (caller -> everything it calls) lets a finding name the callees that failed in
    the same requests (``data["downstream"]``).
    """
    canonical = _canonical(counts)
    found: list[Evidence] = []
    for entity in sorted(counts.entities):
        state = counts.entities[entity]
        if (
            len(state.traces_baseline) < MIN_BASELINE_REQUESTS
            or len(state.traces_current) < MIN_CURRENT_REQUESTS
        ):
            continue
        found += _entity_findings(entity, state, counts, canonical, current, reach or {})
    return found


def _canonical(counts: Tally) -> dict[int, int]:
    """Template id -> the first id of the same statement.

    One source line logs one statement: templates with the same logger location are one
    (values can split a statement into several templates); without a location, templates
    with the same text are.
    """
    by_key: dict[str, int] = {}
    out: dict[int, int] = {}
    for template in counts.miner.templates():
        key = location_of(template.text) or template.text
        out[template.id] = by_key.setdefault(key, template.id)
    return out


def _sets(traces: dict[str, TraceLog], canonical: dict[int, int]) -> list[frozenset[int]]:
    """Each request's statements (its first `MAX_STATEMENTS`, in the order it logged them)."""
    out: list[frozenset[int]] = []
    for trace in traces.values():
        ordered = dict.fromkeys(canonical.get(t, t) for t in trace.templates())
        out.append(frozenset(list(ordered)[:MAX_STATEMENTS]))
    return out


def _cooccurrence(sets: list[frozenset[int]], index: dict[int, int]) -> npt.NDArray[np.float64]:
    """``out[i, j]``: requests that logged statements ``i`` and ``j`` (``out[i, i]``: ``i``)."""
    present = np.zeros((len(sets), len(index)), dtype=np.float64)
    for row, members in enumerate(sets):
        present[row, [index[m] for m in members]] = 1.0
    counts: npt.NDArray[np.float64] = present.T @ present
    return counts


def _entity_findings(
    entity: str,
    state: EntityTally,
    counts: Tally,
    canonical: dict[int, int],
    current: TimeWindow,
    reach: Mapping[str, set[str]],
) -> list[Evidence]:
    errors = {canonical.get(t, t) for t in state.error_ids}
    base_sets = _sets(state.traces_baseline, canonical)
    now_sets = _sets(state.traces_current, canonical)
    ids = sorted(set().union(*base_sets, *now_sets))
    index = {statement: i for i, statement in enumerate(ids)}
    co_b, co_c = _cooccurrence(base_sets, index), _cooccurrence(now_sets, index)
    n_b, n_c = np.diag(co_b), np.diag(co_c)
    missed_b = n_b[:, None] - co_b
    missed_c = n_c[:, None] - co_c
    expected = (missed_b + 1.0) / (n_b[:, None] + 2.0)
    candidate = (
        (n_b[:, None] >= MIN_BASELINE_REQUESTS)
        & (n_c[:, None] >= MIN_CURRENT_REQUESTS)
        & (co_b >= RELIABLE * n_b[:, None])
        & (missed_c > expected * n_c[:, None])
    )
    np.fill_diagonal(candidate, False)
    for statement in errors & set(index):
        candidate[:, index[statement]] = False
    # Current requests by the statements they logged, in time order, for the onsets.
    timeline: dict[int, list[tuple[float, frozenset[int]]]] = {}
    for trace, members in sorted(
        zip(state.traces_current.values(), now_sets, strict=True), key=lambda p: p[0].first
    ):
        for member in members:
            timeline.setdefault(member, []).append((trace.first, members))
    best: dict[int, _Pair] = {}
    for i, j in zip(*np.nonzero(candidate), strict=True):
        before, after = ids[i], ids[j]
        nb, nc = int(n_b[i]), int(n_c[i])
        miss_b, miss_c = int(missed_b[i, j]), int(missed_c[i, j])
        p_value = binomial_upper(miss_c, nc, float(expected[i, j]))
        marks = [(ts, after not in members) for ts, members in timeline[before]]
        onset, broken_share = _onset(marks)
        effect = broken_share - miss_b / nb
        score = round(score_of(p_value, WEIGHT) * effect, 3)
        pair = _Pair(before, after, nb, miss_b, nc, miss_c, p_value, score, onset)
        known = best.get(after)
        if known is None or (pair.score, pair.n_baseline) > (known.score, known.n_baseline):
            best[after] = pair
    pairs = sorted(best.values(), key=lambda p: (-p.score, p.after))[:CANDIDATES]
    findings = [
        _finding(entity, pair, state, counts, canonical, errors, current, reach)
        for pair in pairs
        if pair.score > 0
    ]
    # Lines that broke together (the same requests) are one finding: keep the strongest of
    # each distinct ``before``, up to PER_ENTITY.
    kept: list[Evidence] = []
    for item in sorted(findings, key=lambda e: (-e.score, e.id)):
        if any(k.data["before"] == item.data["before"] for k in kept):
            continue
        kept.append(item)
        if len(kept) >= PER_ENTITY:
            break
    return kept


def _onset(marks: list[tuple[float, bool]]) -> tuple[float | None, float]:
    """When requests started to break, and the share that broke from then on.

    ``marks`` are (time, broke) of the requests that logged ``before``, in time order. The
    onset is the first broken request after which most requests broke (at least 3 of the next
    4); before it, breaks are taken as the baseline's own misses.
    """
    for i, (ts, missed) in enumerate(marks):
        if missed and sum(m for _, m in marks[i : i + 4]) >= min(3, len(marks) - i):
            later = marks[i:]
            return ts, sum(m for _, m in later) / len(later)
    missed_all = [ts for ts, m in marks if m]
    share = len(missed_all) / len(marks) if marks else 0.0
    return (missed_all[0] if missed_all else None), share


def _finding(
    entity: str,
    pair: _Pair,
    state: EntityTally,
    counts: Tally,
    canonical: dict[int, int],
    errors: set[int],
    current: TimeWindow,
    reach: Mapping[str, set[str]],
) -> Evidence:
    broken_ids = [
        tid
        for tid, t in state.traces_current.items()
        if pair.before in (ids := {canonical.get(x, x) for _, x in t.steps})
        and pair.after not in ids
    ]
    broken = [state.traces_current[tid] for tid in broken_ids]
    intact_before = Counter(
        x
        for t in state.traces_baseline.values()
        if pair.before in (ids := {canonical.get(y, y) for _, y in t.steps})
        for x in ids
    )
    instead_counts = Counter(x for t in broken for x in {canonical.get(y, y) for _, y in t.steps})
    instead = sorted(
        (
            x
            for x, n in instead_counts.items()
            # over-represented against the baseline requests that logged ``before``
            if n / len(broken) > 2 * intact_before.get(x, 0) / pair.n_baseline
        ),
        key=lambda x: (x not in errors, -instead_counts[x], x),
    )[:INSTEAD]
    seen = {canonical.get(t, t) for t, occ in state.templates.items() if occ.baseline}
    alternative = bool(instead) and all(x in seen and x not in errors for x in instead)
    text = counts.miner.template(pair.after).text
    before_text = counts.miner.template(pair.before).text
    thrown = sum(t.thrown for t in broken) / len(broken) if broken else 0.0
    # A request "diverted" when it logged a line that requests reaching ``before`` never did
    # in the baseline: it went on down another path (a wrong value handled). One that did not
    # simply stopped (an exception aborted it).
    diverted = (
        sum(any(intact_before.get(canonical.get(y, y), 0) == 0 for _, y in t.steps) for t in broken)
        / len(broken)
        if broken
        else 0.0
    )
    failed = sum(t.failed for t in broken) / len(broken) if broken else 0.0
    named: Counter[str] = Counter()
    for t in broken:
        named.update(t.named)
    onset = pair.onset
    occ_after = _occurrences(state, pair.after, canonical)
    instead_text = (
        f"; instead '{_quote(counts.miner.template(instead[0]).text, 70)}'" if instead else ""
    )
    summary = (
        f"{entity}: '{_quote(text, 70)}' no longer follows '{_quote(before_text, 70)}' in "
        f"{pair.missed_current} of {pair.n_current} requests ({pair.missed_baseline} of "
        f"{pair.n_baseline} in baseline){instead_text}"
    )
    return Evidence(
        id=f"log:flow:{entity}:{_digest(before_text + '|' + text)}",
        kind=EvidenceKind.LOG_TEMPLATE,
        entity=entity,
        window=current,
        onset=None if onset is None else datetime.fromtimestamp(onset, tz=UTC),
        summary=summary,
        score=round(pair.score * (ALTERNATIVE if alternative else 1.0), 3),
        data={
            "change": "broken",
            "template": text,
            "before": before_text,
            "level": _level(state, pair.after, canonical),
            "requests_baseline": pair.n_baseline,
            "missed_baseline": pair.missed_baseline,
            "requests_current": pair.n_current,
            "missed_current": pair.missed_current,
            "p_value": pair.p_value,
            "instead": [
                {
                    "template": counts.miner.template(x).text,
                    "error": x in errors,
                    "known": x in seen,
                    "requests": instead_counts[x],
                }
                for x in instead
            ],
            "alternative": alternative,
            "thrown_share": round(thrown, 3),
            "failed_share": round(failed, 3),
            "diverted_share": round(diverted, 3),
            # share of broken requests that stopped there or reported an exception
            "aborted_share": round(
                sum(
                    t.thrown
                    or not any(intact_before.get(canonical.get(y, y), 0) == 0 for _, y in t.steps)
                    for t in broken
                )
                / len(broken)
                if broken
                else 0.0,
                3,
            ),
            # components the broken requests' error lines name, most often named first
            "names": [n for n, c in named.most_common() if c >= EXPLAINED * len(broken)],
            # callees that logged errors in most of the broken requests
            "downstream": failed_below(broken_ids, entity, counts, reach),
            "location": location_of(text),
            "after_location": location_of(before_text),
            "series": series(counts, _statement(state, pair.after, canonical)),
        },
        source=EvidenceSource(path=occ_after[0], lines=list(occ_after[1])),
    )


def _occurrences(
    state: EntityTally, template: int, canonical: dict[int, int]
) -> tuple[str, list[int]]:
    """A source file and sample lines of a template (any id that maps to it)."""
    for tid, occ in state.templates.items():
        if canonical.get(tid, tid) == template and occ.path and occ.lines:
            return occ.path, list(occ.lines)
    return "", []


def _statement(state: EntityTally, template: int, canonical: dict[int, int]) -> Occurrences:
    """All occurrences of one statement (every template id that maps to it), summed."""
    total = Occurrences()
    for tid, occ in state.templates.items():
        if canonical.get(tid, tid) == template:
            total.merge(occ)
    return total


def _level(state: EntityTally, template: int, canonical: dict[int, int]) -> str | None:
    levels: Counter[str] = Counter()
    for tid, occ in state.templates.items():
        if canonical.get(tid, tid) == template:
            levels.update(occ.levels)
    return levels.most_common(1)[0][0] if levels else None


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]


def _quote(text: str, limit: int) -> str:
    short = text if len(text) <= limit else text[: limit - 3] + "..."
    return short if short.isprintable() else "".join(c if c.isprintable() else " " for c in short)
