"""Rank suspect components from all evidence, accounting for how faults propagate.

Each evidence item feeds one *signal* of its entity (and, for a call edge, of both ends):

============  ==============================================================  ======
signal        evidence                                                        weight
============  ==============================================================  ======
resource      the service's own cpu / memory / network / disk metrics rising   1.0 *
self_time     trace self-time shifts, slow-trace culprit counts                1.0
edge          call time between two services grew (both ends, see below)       0.6
errors        trace error origins, exceptions, error-rate logs                 1.0
flow          broken flows: a line that always followed another stopped        1.0
functional    new, bursting or vanished log templates                          0.7
symptom       latency / success-rate / workload metrics, falling resources,    0.4
              errors that report another component's failure
host          node-level metrics (they describe the machine, not the service)  0.1
============  ==============================================================  ======

(*) times 1.0 for cpu, 0.6 memory, 0.3 network, 0.2 disk (`RESOURCE_WEIGHTS`).

A signal's raw value is its strongest item plus a quarter of the next two (several items of one
kind corroborate, but do not add up without limit); for edges, half of the next three. With
five entities or more, the value is scaled by ``(raw / mass) ** 0.3``, ``mass`` being the sum of
that signal over all entities: a change spread over many services (load, a shared node, a
drifted baseline) counts less than one concentrated in a single service.

Log templates at error level that appeared or burst feed ``errors`` (the service says it
failed); other template changes feed ``functional``. Error items and broken flows that name
another component (``data["names"]``) or whose requests failed in a callee as well
(``data["downstream"]``) feed ``symptom``: the service reports a failed call, it did not fail
on its own.
``own`` is the sum of the weighted cause signals (all but symptom and host); an entity with
``own`` evidence is a cause candidate.

Edge evidence is shared: a call that got slower may be slow at either end, so each end gets
the edge's score, and a service on many slow edges (callers' calls to it, its calls out)
stands out against a neighbour on one.

Propagation (``call_graph``: caller -> callees): when an entity reaches, directly or through
others, a callee whose ``own`` is at least as strong, its symptoms are explained and count a
fifth; its own signals lose a third as well, because a caller's self time and resources move
with a slow callee (threads wait, retries pile up). A cause candidate gains 10 % per anomalous
caller above it (its fault explains them) up to 50 %, and 10 % when its earliest onset is the
earliest among candidates (causes start first).

Fault type, from the signal family that singled the entity out (weighted values):

- cpu or memory rising strongly (score >= 3), or notably and at least as much as the failure
  and latency signals: ``cpu_contention`` / ``memory_pressure``;
- failures (``errors``, ``flow``) at least as strong as the edge latency: ``exception`` when
  the code threw (the strongest broken flow's requests mostly stopped there or reported an
  exception; else any notable exception, failing span or error line reporting one), else
  ``return`` (the requests went on down another path: a wrong value was handled);
- self-time or edge latency: ``network_delay``; functional log changes alone: ``return``;
- otherwise ``unknown``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from warroom.domain.debate import FaultType
from warroom.domain.evidence import Evidence, EvidenceKind, SuspectScore
from warroom.evidence.calls import reachable
from warroom.evidence.logs.exceptions import mentions_exception
from warroom.evidence.logs.levels import ERROR_LEVELS

WEIGHTS: dict[str, float] = {
    "resource": 1.0,
    "self_time": 1.0,
    "edge": 0.6,
    "errors": 1.0,
    "flow": 1.0,
    "functional": 0.7,
    "symptom": 0.4,
    "host": 0.1,
}
# Within "resource": traffic volume and I/O follow the workload (callers retrying, users
# waiting), so they move in victims too; cpu and memory saturation rarely do.
RESOURCE_WEIGHTS: dict[str, float] = {"cpu": 1.0, "memory": 0.6, "network": 0.3, "disk": 0.2}
CAUSE_SIGNALS = ("resource", "self_time", "edge", "errors", "flow", "functional")
EXPLAINED_SYMPTOM = 0.2
EXPLAINED_OWN = 2 / 3
CALLER_BONUS, MAX_CALLER_BONUS, FIRST_ONSET_BONUS = 0.1, 0.5, 0.1
NOTABLE = 1.0
STRONG = 3.0
MASS_MIN_ENTITIES = 5
CONCENTRATION = 0.3
_THROWN = (EvidenceKind.LOG_EXCEPTION, EvidenceKind.TRACE_ERROR)


@dataclass(slots=True)
class Profile:
    """What one entity's evidence says, grouped into signals."""

    signals: dict[str, list[tuple[float, Evidence]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    categories: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    onset: datetime | None = None
    # Per signal, the sum over all entities: how widely the change is spread.
    mass: dict[str, float] = field(default_factory=dict)

    def add(self, signal: str, item: Evidence, score: float, category: str | None) -> None:
        self.signals[signal].append((score, item))
        if category is not None:
            self.categories[category] = max(self.categories[category], score)
        if item.onset is not None and signal in CAUSE_SIGNALS:
            self.onset = item.onset if self.onset is None else min(self.onset, item.onset)

    def raw(self, signal: str) -> float:
        scores = sorted((s for s, _ in self.signals.get(signal, [])), reverse=True)
        if not scores:
            return 0.0
        if signal == "edge":  # many slow edges meeting at one service is the point
            return scores[0] + 0.5 * sum(scores[1:4])
        return scores[0] + 0.25 * sum(scores[1:3])

    def value(self, signal: str) -> float:
        """The signal's strength, scaled by its share of all entities' (``CONCENTRATION``)."""
        raw = self.raw(signal)
        mass = self.mass.get(signal, 0.0)
        if raw <= 0.0 or mass <= 0.0:
            return raw
        return raw * float((raw / mass) ** CONCENTRATION)

    def own(self) -> float:
        return sum(WEIGHTS[s] * self.value(s) for s in CAUSE_SIGNALS)


def rank_suspects(
    items: Sequence[Evidence], call_graph: Mapping[str, set[str]]
) -> list[SuspectScore]:
    """Every entity with evidence, best suspect first (ties broken by name)."""
    profiles = _profiles(items)
    _set_mass(profiles)
    own = {name: p.own() for name, p in profiles.items()}
    reach = reachable(call_graph)
    callers = _reverse(reach)
    candidates = [n for n, v in own.items() if v >= NOTABLE]
    first_onset = min(
        (p.onset for n, p in profiles.items() if n in candidates and p.onset is not None),
        default=None,
    )
    ranking: list[SuspectScore] = []
    for name, profile in profiles.items():
        reasons: list[str] = []
        culprit = max(
            (d for d in reach.get(name, set()) if d in own and own[d] >= max(own[name], NOTABLE)),
            key=lambda d: own[d],
            default=None,
        )
        symptom = WEIGHTS["symptom"] * profile.value("symptom")
        host = WEIGHTS["host"] * profile.value("host")
        own_score = own[name]
        if culprit is not None:
            symptom *= EXPLAINED_SYMPTOM
            own_score *= EXPLAINED_OWN
            reasons.append(f"downstream {culprit} explains its symptoms")
        score = own_score + symptom + host
        if own[name] >= NOTABLE:
            victims = [c for c in callers.get(name, set()) if c in profiles]
            if victims:
                bonus = min(MAX_CALLER_BONUS, CALLER_BONUS * len(victims))
                score *= 1 + bonus
                reasons.append(f"{len(victims)} anomalous caller(s) upstream, e.g. {min(victims)}")
            if first_onset is not None and profile.onset == first_onset:
                score *= 1 + FIRST_ONSET_BONUS
                reasons.append(f"earliest onset among suspects ({first_onset:%H:%M:%S})")
        reasons[:0] = _signal_reasons(profile)
        ranking.append(
            SuspectScore(
                component=name,
                score=round(score, 4),
                fault_type=infer_fault_type(profile).value,
                evidence_ids=_evidence_ids(profile),
                reasons=reasons[:6],
            )
        )
    ranking.sort(key=lambda s: (-s.score, s.component))
    return ranking


def infer_fault_type(profile: Profile) -> FaultType:
    """The fault type the entity's own evidence points to (see the module docstring)."""
    cat = profile.categories
    cpu, memory = cat.get("cpu", 0.0), cat.get("memory", 0.0)
    code = max(profile.value("errors"), profile.value("flow"))
    latency = max(profile.value("self_time"), profile.value("edge"))
    functional = profile.value("functional")
    saturated = max(cpu, memory)
    # A strong saturation is the fault; a mild one beside a larger slowdown or failure is
    # what the slowdown or the failure did to the service.
    if saturated >= STRONG or (saturated >= NOTABLE and saturated >= max(code, latency)):
        return FaultType.CPU_CONTENTION if cpu >= memory else FaultType.MEMORY_PRESSURE
    # Slow calls between services (edges) next to failures point at the network; a service
    # slow in its own spans while it fails is failing (waiting on a pool, a lock, retries).
    if code >= NOTABLE and code >= profile.value("edge"):
        return FaultType.EXCEPTION if _thrown(profile) else FaultType.RETURN
    if latency >= NOTABLE:
        return FaultType.NETWORK_DELAY
    if functional >= NOTABLE:
        return FaultType.RETURN
    return FaultType.UNKNOWN


def _thrown(profile: Profile) -> bool:
    """Whether the failure evidence says the code threw rather than returned a wrong value.

    When a broken flow is the strongest of it, the flow decides: it threw when most of its
    broken requests stopped right there or reported an exception (``aborted_share``); a
    request that went on down another path handled a wrong value. Otherwise any notable
    exception, failing span or error line that reports an exception says it threw.
    """
    flows = profile.signals.get("flow", [])
    errors = profile.signals.get("errors", [])
    if not flows and not errors:
        return False
    top_flow = max((s for s, _ in flows), default=0.0)
    top_error = max((s for s, _ in errors), default=0.0)
    if top_flow >= top_error:
        _, item = max(flows, key=lambda pair: (pair[0], pair[1].id))
        return float(item.data.get("aborted_share", 0.0)) >= 0.5
    return any(
        score >= NOTABLE / 2
        and (
            item.kind in _THROWN
            or mentions_exception(str(item.data.get("example") or item.data.get("template") or ""))
        )
        for score, item in errors
    )


def _set_mass(profiles: Mapping[str, Profile]) -> None:
    """Tell each profile how much of every signal all entities show together.

    A change that many services show alike (a load swing, a shared node, a drifted baseline)
    says little about which one is at fault; a signal concentrated in one service says more.
    """
    if len(profiles) < MASS_MIN_ENTITIES:
        return
    mass = {signal: sum(p.raw(signal) for p in profiles.values()) for signal in WEIGHTS}
    for profile in profiles.values():
        profile.mass = mass


def _profiles(items: Sequence[Evidence]) -> dict[str, Profile]:
    profiles: dict[str, Profile] = defaultdict(Profile)
    for item in items:
        if item.kind in (EvidenceKind.SUSPECT_RANK, EvidenceKind.ALERT, EvidenceKind.HUMAN):
            continue
        signal, category = _signal(item)
        weight = RESOURCE_WEIGHTS.get(category or "", 1.0) if signal == "resource" else 1.0
        profiles[item.entity].add(signal, item, weight * item.score, category)
        if signal == "edge":
            for other in item.related_entities:
                profiles[other].add(signal, item, item.score, None)
    return dict(profiles)


def _signal(item: Evidence) -> tuple[str, str | None]:
    """Which signal an item feeds, and the resource category it proves (if any)."""
    data = item.data
    if item.kind in (EvidenceKind.METRIC_ANOMALY, EvidenceKind.METRIC_CHANGE_POINT):
        category = str(data.get("category", "other"))
        if data.get("scope") == "node":
            return "host", None
        if category in ("cpu", "memory", "network", "disk") and data.get("direction") == "up":
            return "resource", category
        return "symptom", None
    if item.kind is EvidenceKind.TRACE_LATENCY:
        return ("edge", None) if data.get("edge") else ("self_time", None)
    if item.kind in (EvidenceKind.LOG_EXCEPTION, EvidenceKind.LOG_ERROR_RATE) or (
        item.kind is EvidenceKind.LOG_TEMPLATE and data.get("change") == "broken"
    ):
        # An error that names another component, or that a callee's failure in the same
        # requests explains, reports a failed call: a symptom of the reporter.
        if data.get("names") or data.get("downstream"):
            return "symptom", None
        return ("flow" if item.kind is EvidenceKind.LOG_TEMPLATE else "errors"), None
    if item.kind is EvidenceKind.TRACE_ERROR:
        return "errors", None
    if item.kind is EvidenceKind.LOG_TEMPLATE:
        # A template at error level that appeared or burst is the service saying it failed;
        # an info-level one that appeared mostly follows the mix of requests.
        if data.get("level") in ERROR_LEVELS and data.get("change") in ("new", "burst"):
            propagated = data.get("names") or data.get("downstream")
            return ("symptom" if propagated else "errors"), None
        return "functional", None
    return "symptom", None


def _reverse(reach: Mapping[str, set[str]]) -> dict[str, set[str]]:
    callers: dict[str, set[str]] = defaultdict(set)
    for caller, callees in reach.items():
        for callee in callees:
            callers[callee].add(caller)
    return dict(callers)


def _signal_reasons(profile: Profile) -> list[str]:
    reasons: list[tuple[float, str]] = []
    for signal, scored in profile.signals.items():
        score, item = max(scored, key=lambda pair: pair[0])
        if score >= NOTABLE:
            reasons.append((WEIGHTS[signal] * score, f"{signal}: {item.summary[:140]}"))
    return [text for _, text in sorted(reasons, key=lambda r: -r[0])]


def _evidence_ids(profile: Profile) -> list[str]:
    scored = [(s, e.id) for group in profile.signals.values() for s, e in group]
    return list(dict.fromkeys(eid for _, eid in sorted(scored, key=lambda p: -p[0])))
