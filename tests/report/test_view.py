from __future__ import annotations

from warroom.domain import EvidenceKind, Report
from warroom.report.view import OTHER_EVIDENCE_LIMIT, anchors_for, build_view, one_line

from .conftest import evidence


def test_anchors_are_unique_and_url_safe_even_when_ids_collide() -> None:
    anchors = anchors_for(["log:exc:1", "log-exc-1", "log exc 1", "日志:1"])
    assert anchors["log:exc:1"] == "ev-log-exc-1"
    assert len(set(anchors.values())) == 4
    assert all(a.startswith("ev-") for a in anchors.values())
    assert anchors["日志:1"] == "ev-1"


def test_evidence_section_shows_cited_items_first_then_the_strongest_others(
    report: Report,
) -> None:
    report.evidence += [
        evidence(f"log:tmpl:x:{n}", EvidenceKind.LOG_TEMPLATE, "x", 1, n / 100, f"t{n}")
        for n in range(OTHER_EVIDENCE_LIMIT + 5)
    ]
    view = build_view(report, "en")
    assert [e.id for e in view.cited_evidence][:2] == [
        "metric:payment:latency",
        "log:exc:payment:1",
    ]
    assert len(view.other_evidence) == OTHER_EVIDENCE_LIMIT
    assert view.other_evidence[0].id == "log:tmpl:stock:1"  # score 0.8 beats every filler
    assert view.more_evidence == 6


def test_citations_of_items_not_shown_are_not_linked(report: Report) -> None:
    report.evidence += [
        evidence(f"log:tmpl:x:{n}", EvidenceKind.LOG_TEMPLATE, "x", 1, 0.01, f"t{n}")
        for n in range(OTHER_EVIDENCE_LIMIT + 1)
    ]
    report.ranking[2].evidence_ids = ["log:tmpl:x:0"]
    view = build_view(report, "en")
    shown = {e.id for e in view.other_evidence}
    citation = view.suspects[2].citations[0]
    assert citation.found
    assert (citation.anchor is None) == ("log:tmpl:x:0" not in shown)


def test_degraded_roles_are_listed_once_whatever_name_they_were_given(report: Report) -> None:
    report.verdict.degraded_roles = ["judge"]
    report.usage[1].degraded = True
    view = build_view(report, "zh")
    assert view.degraded_roles == ["裁决专家"]


def test_debate_lines_are_single_lines_grouped_by_round(report: Report) -> None:
    view = build_view(report, "en")
    assert [r.number for r in view.debate] == [1, 2]
    assert view.debate[0].lines[1].summary == "PaymentServiceImpl:87 leaks connections."


def test_one_line_collapses_whitespace_and_marks_cuts() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    cut = one_line("word " * 100, limit=20)
    assert len(cut) <= 20
    assert cut.endswith("…")
