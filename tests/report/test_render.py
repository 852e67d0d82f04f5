from __future__ import annotations

import re

import pytest

from warroom.domain import Report
from warroom.report import render_report

from .conftest import build_report

CITED = ["metric:payment:latency", "log:exc:payment:1", "log:err:order", "log:err:web"]
HEADINGS = {
    "en": ["Root cause", "Evidence chain", "Fix suggestion", "Impact", "Struck claims"],
    "zh": ["根因", "证据链", "修复建议", "影响分析", "被驳回的论断", "辩论摘要", "模型用量"],
}
STRUCK_REASON = {"en": "cites evidence that does not exist", "zh": "引用了不存在的证据"}
HEADLINE = {
    "en": ["payment", "dependency failure", "82%", "high", "yes", "payments-team"],
    "zh": ["payment", "依赖故障", "82%", "高", "是", "payments-team"],
}


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_headline_citations_and_struck_reason(
    report: Report, fmt: str, lang: str
) -> None:
    text = render_report(report, fmt, lang)  # type: ignore[arg-type]
    for phrase in HEADLINE[lang] + HEADINGS[lang]:
        assert phrase in text, phrase
    for eid in CITED:
        assert eid in text
    assert STRUCK_REASON[lang] in text
    assert "log:tmpl:stock:9" in text


def test_chinese_report_uses_chinese_role_names(report: Report) -> None:
    text = render_report(report, "md", "zh")
    assert "日志分析专家" in text
    assert "裁决专家" in text
    assert "第 2 轮" in text


def test_markdown_citations_link_to_evidence_anchors(report: Report) -> None:
    text = render_report(report, "md", "en")
    assert "[`log:exc:payment:1`](#ev-log-exc-payment-1)" in text
    assert '<a id="ev-log-exc-payment-1"></a>' in text
    for anchor in re.findall(r"\]\(#(ev-[^)]+)\)", text):
        assert f'<a id="{anchor}"></a>' in text


def test_html_citations_link_to_evidence_anchors(report: Report) -> None:
    text = render_report(report, "html", "en")
    assert 'href="#ev-log-exc-payment-1"' in text
    assert 'id="ev-log-exc-payment-1"' in text
    for anchor in re.findall(r'href="#([^"]+)"', text):
        assert f'id="{anchor}"' in text


def test_citation_of_missing_evidence_is_marked_not_linked(report: Report) -> None:
    md = render_report(report, "md", "en")
    html = render_report(report, "html", "en")
    assert "`log:tmpl:stock:9` (not in this report)" in md
    assert "#ev-log-tmpl-stock-9" not in md
    assert "#ev-log-tmpl-stock-9" not in html


def test_html_strikes_claims_through_with_the_reason_beside(report: Report) -> None:
    text = render_report(report, "html", "en")
    assert "<del>stock&#39;s cache warmup caused the outage</del>" in text
    assert 'data-reason="unknown_evidence"' in text


def test_markdown_strikes_claims_through(report: Report) -> None:
    assert "~~stock's cache warmup caused the outage~~" in render_report(report, "md", "en")


def test_html_renders_script_in_log_text_inert() -> None:
    attack = "</div><script>alert('pwned')</script><img src=x onerror=alert(1)>"
    report = build_report(summary_override=attack)
    report.debate[0].summary = attack
    report.verdict.root_cause = attack
    text = render_report(report, "html", "en")
    assert "<script" not in text.lower()
    assert "<img" not in text
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in text


def test_markdown_cannot_open_html_tags_from_log_text() -> None:
    report = build_report(summary_override="<script>alert(1)</script>")
    text = render_report(report, "md", "en")
    assert "<script" not in text
    assert "&lt;script>alert(1)&lt;/script>" in text


def test_markdown_escapes_pipes_inside_table_cells(report: Report) -> None:
    text = render_report(report, "md", "en")
    row = next(line for line in text.splitlines() if "log:tmpl:stock:1" in line)
    assert row.startswith("|")
    report.ranking[1].reasons = ["a | b"]
    text = render_report(report, "md", "en")
    row = next(line for line in text.splitlines() if line.startswith("| 2 |"))
    assert "a \\| b" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells: seven unescaped pipes


def test_html_is_self_contained(report: Report) -> None:
    text = render_report(report, "html", "zh")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in text
    assert "<style>" in text
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_degraded_roles_raise_a_warning_banner(report: Report, fmt: str) -> None:
    assert "offline reasoner" not in render_report(report, fmt, "en").split("Model usage")[0]
    report.usage[1].degraded = True
    report.usage[1].degraded_reason = "HTTP 503 from the model endpoint"
    text = render_report(report, fmt, "en")
    assert "Warning: some roles fell back to the offline reasoner: JudgeAgent" in text
    assert "HTTP 503 from the model endpoint" in text
    zh = render_report(report, fmt, "zh")
    assert "警告：部分角色已降级为离线推理器：裁决专家" in zh


def test_usage_table_shows_model_tokens_and_cost(report: Report) -> None:
    text = render_report(report, "md", "en")
    assert "| LogAgent | `glm-4.5` | 2 | 5100 / 640 | 0.0123 | ok |" in text


def test_suspect_table_shows_at_most_ten(report: Report) -> None:
    base = report.ranking[2]
    report.ranking += [
        base.model_copy(update={"component": f"svc{n}", "score": 0.5}) for n in range(12)
    ]
    text = render_report(report, "md", "en")
    assert "| 10 |" in text
    assert "| 11 |" not in text


def test_unknown_format_or_language_is_refused(report: Report) -> None:
    with pytest.raises(ValueError, match="md, html, json"):
        render_report(report, "pdf", "en")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="en, zh"):
        render_report(report, "md", "fr")  # type: ignore[arg-type]


def test_chain_statements_are_numbered_with_their_citations(report: Report) -> None:
    text = render_report(report, "md", "en")
    assert "3. order and web errors followed a minute later." in text
    assert "[`log:err:order`](#ev-log-err-order), [`log:err:web`](#ev-log-err-web)" in text
