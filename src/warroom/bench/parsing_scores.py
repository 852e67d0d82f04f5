"""Log-parsing accuracy as Loghub-2.0 defines it: GA, FGA, PA and FTA.

A parse is one template string per line, and so is the truth; a *group* is the set of lines
that share a template string. A caller may rely on:

- ``GA``: share of lines whose parsed group equals their true group as an exact set of lines;
- ``FGA``: F1 of PGA (correct parsed groups / parsed groups) and RGA (correct groups / true
  groups), a group being correct when it equals a true group exactly;
- ``PA``: share of lines whose parsed template string equals the true one exactly;
- ``FTA``: F1 at template level, a parsed template counting as correct only when its group is
  correct *and* its string equals the true template;
- all four are in [0, 1]; an empty input scores 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParsingScores:
    """The four Loghub-2.0 scores of one parse against its truth."""

    ga: float
    fga: float
    pa: float
    fta: float


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _groups(labels: Sequence[str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for line, label in enumerate(labels):
        groups[label].append(line)
    return groups


def score_parsing(truth: Sequence[str], parsed: Sequence[str]) -> ParsingScores:
    """Score ``parsed`` templates (one per line) against ``truth`` templates, line by line."""
    if len(truth) != len(parsed):
        raise ValueError(
            f"expected one parsed template per true line, got {len(parsed)} parsed for "
            f"{len(truth)} true lines; align both on the same line ids"
        )
    n = len(truth)
    if n == 0:
        return ParsingScores(0.0, 0.0, 0.0, 0.0)
    true_groups = _groups(truth)
    parsed_groups = _groups(parsed)
    grouped_lines = 0
    correct_groups = 0
    correct_templates = 0
    for template, lines in parsed_groups.items():
        true_label = truth[lines[0]]
        # Exact set equality: every line shares one true label, and that label has no other line.
        if len(true_groups[true_label]) != len(lines):
            continue
        if any(truth[i] != true_label for i in lines):
            continue
        grouped_lines += len(lines)
        correct_groups += 1
        if template == true_label:
            correct_templates += 1
    exact_lines = sum(1 for t, p in zip(truth, parsed, strict=True) if t == p)
    fga = _f1(correct_groups / len(parsed_groups), correct_groups / len(true_groups))
    fta = _f1(correct_templates / len(parsed_groups), correct_templates / len(true_groups))
    return ParsingScores(grouped_lines / n, fga, exact_lines / n, fta)
