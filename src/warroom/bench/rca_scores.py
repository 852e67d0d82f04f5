"""Scores of a root-cause benchmark: AS@k, fault-type accuracy and code-location accuracy.

A caller may rely on:

- ``as_at_k(cases, k)``: the share of cases whose true service is among the first ``k`` ranked;
- ``fault_type_accuracy(cases)``: the share whose reported fault type equals the true one;
- ``location_accuracy(cases, truth)``: over the cases that have a true code location, the share
  whose reported ``Class#line`` is one of them;
- ``load_locations(path)``: the true locations of a Nezha-style ``root_cause_ts.json``
  (service -> fault type -> ``"a.b.Class#12_a.b.Class#15"``).

Locations compare by simple class name and line, so ``f.m.s.BasicServiceImpl#405``,
``fdse.microservice.service.BasicServiceImpl#405`` and ``BasicServiceImpl#405`` are the same.
Every score of an empty set of cases is ``None`` (nothing was measured), never 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Locations = Mapping[str, Mapping[str, frozenset[str]]]

_CLASS_LINE = re.compile(r"([\w$.]+)#(\d+)")


@dataclass(frozen=True, slots=True)
class ScoredCase:
    """One fault: the truth, and what the investigation reported."""

    service: str
    fault_type: str
    ranking: Sequence[str]
    reported_fault_type: str
    reported_location: str | None = None


def normalise_location(text: str) -> str | None:
    """``pkg.Class#12`` -> ``Class#12``; ``None`` when the text holds no ``Class#line``."""
    match = _CLASS_LINE.search(text)
    if match is None:
        return None
    return f"{match.group(1).rsplit('.', 1)[-1]}#{int(match.group(2))}"


def parse_locations(entry: str) -> frozenset[str]:
    """The ``Class#line`` locations of one ground-truth entry (``a#1_b#2``); others are ignored."""
    found = (normalise_location(part) for part in entry.split("_"))
    return frozenset(loc for loc in found if loc is not None)


def load_locations(path: Path) -> dict[str, dict[str, frozenset[str]]]:
    """service -> fault type -> true locations, keeping only entries that name a code line."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected an object of service -> fault type -> location")
    out: dict[str, dict[str, frozenset[str]]] = {}
    for service, by_type in raw.items():
        if not isinstance(by_type, dict):
            continue
        for fault_type, entry in by_type.items():
            locations = parse_locations(str(entry))
            if locations:
                out.setdefault(str(service), {})[str(fault_type)] = locations
    return out


def as_at_k(cases: Sequence[ScoredCase], k: int) -> float | None:
    if not cases:
        return None
    return sum(c.service in list(c.ranking)[:k] for c in cases) / len(cases)


def fault_type_accuracy(cases: Sequence[ScoredCase]) -> float | None:
    if not cases:
        return None
    return sum(c.reported_fault_type == c.fault_type for c in cases) / len(cases)


def location_hit(case: ScoredCase, truth: Locations) -> bool | None:
    """Whether the reported location is a true one; ``None`` when the case has no true location."""
    expected = truth.get(case.service, {}).get(case.fault_type)
    if not expected:
        return None
    reported = normalise_location(case.reported_location or "")
    return reported is not None and reported in expected


def location_accuracy(cases: Sequence[ScoredCase], truth: Locations) -> float | None:
    hits = [h for h in (location_hit(c, truth) for c in cases) if h is not None]
    if not hits:
        return None
    return sum(hits) / len(hits)
