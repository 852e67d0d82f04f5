"""Render a ``Report`` as PDF with reportlab, from the same view as the HTML and Markdown.

Callers may rely on: ``render_pdf(report, lang)`` returns the bytes of a complete PDF
document (``%PDF-`` ...); Chinese text is set in reportlab's built-in CID font (no font files
needed), English in Helvetica; all text is escaped for reportlab's paragraph markup, so log and
agent text is printed, never interpreted.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from warroom.domain import Report
from warroom.report.i18n import check_lang
from warroom.report.view import ReportView, build_view, one_line, translator

_CJK_FONT = "STSong-Light"


Styles = dict[str, ParagraphStyle]


@cache
def _styles(lang: str) -> Styles:
    font = "Helvetica"
    if lang == "zh":
        pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
        font = _CJK_FONT
    wrap = "CJK" if lang == "zh" else None
    body = ParagraphStyle(
        "BodyText", fontName=font, fontSize=10, leading=13, spaceAfter=4, wordWrap=wrap
    )
    return {
        "Title": ParagraphStyle("Title", parent=body, fontSize=16, leading=20, spaceAfter=8),
        "Heading2": ParagraphStyle(
            "Heading2", parent=body, fontSize=13, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "BodyText": body,
        "Small": ParagraphStyle("Small", parent=body, fontSize=8, leading=10),
        "Banner": ParagraphStyle("Banner", parent=body, textColor=colors.HexColor("#8a1c1c")),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], styles: Styles, widths: list[float]) -> Table:
    cells = [[_p(cell, styles["Small"]) for cell in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _story(v: ReportView, lang: str) -> list[Flowable]:
    t = translator(lang)
    s = _styles(lang)
    h, body = s["Heading2"], s["BodyText"]
    story: list[Flowable] = [_p(f"{t('title')}{t('colon')}{v.title}", s["Title"])]
    if v.degraded_roles:
        story.append(
            _p(f"{t('degraded.banner')}{t('colon')}{', '.join(v.degraded_roles)}", s["Banner"])
        )
    story.append(_p(t("heading.verdict"), h))
    facts = [
        [t("label.component"), v.component],
        [t("label.fault_type"), v.fault_type],
        [t("label.confidence"), v.confidence],
        [t("label.risk"), v.risk],
        [t("label.rollback"), v.rollback_text],
        [t("label.team"), v.team],
    ]
    if v.code_location:
        facts.append([t("label.code_location"), v.code_location])
    story.append(_table(facts, s, [45 * mm, 125 * mm]))
    story += [_p(t("heading.root_cause"), h), _p(v.root_cause, body)]
    story.append(_p(t("heading.evidence_chain"), h))
    steps = [
        _p(
            f"{step.statement}\n{t('cites')}{t('colon')}"
            + ", ".join(c.evidence_id for c in step.citations),
            body,
        )
        for step in v.chain
    ]
    story.append(ListFlowable(steps, bulletType="1") if steps else _p(t("no_citations"), body))
    story += [_p(t("heading.fix"), h), _p(v.fix_suggestion, body)]
    story += [_p(t("heading.impact"), h), _p(v.impact_analysis, body)]
    story.append(_p(t("heading.alternatives"), h))
    if v.alternatives:
        rows = [[t("col.component"), t("col.fault_type"), t("col.confidence"), t("col.why_lost")]]
        rows += [[a.component, a.fault_type, a.confidence, a.why_lost] for a in v.alternatives]
        story.append(_table(rows, s, [40 * mm, 30 * mm, 20 * mm, 80 * mm]))
    else:
        story.append(_p(t("no_alternatives"), body))
    story.append(_p(t("heading.suspects"), h))
    rows = [
        [t("col.rank"), t("col.component"), t("col.score"), t("col.fault_type"), t("col.reasons")]
    ]
    rows += [
        [str(x.rank), x.component, x.score, x.fault_type, one_line(x.reasons, 240)]
        for x in v.suspects
    ]
    story.append(_table(rows, s, [10 * mm, 40 * mm, 15 * mm, 25 * mm, 80 * mm]))
    story.append(_p(t("heading.struck"), h))
    if v.struck:
        rows = [[t("col.claim"), t("col.by"), t("col.component"), t("col.reason")]]
        rows += [[x.text, x.by, x.component, f"{x.reason}: {x.detail}"] for x in v.struck]
        story.append(_table(rows, s, [60 * mm, 25 * mm, 30 * mm, 55 * mm]))
    else:
        story.append(_p(t("no_struck"), body))
    story.append(_p(t("heading.debate"), h))
    for rnd in v.debate:
        story.append(_p(rnd.title, s["BodyText"]))
        story += [_p(f"{line.role}{t('colon')}{line.summary}", s["Small"]) for line in rnd.lines]
    story.append(_p(t("heading.evidence"), h))
    rows = [[t("col.id"), t("col.entity"), t("col.onset"), t("col.summary")]]
    rows += [
        [e.id, e.entity, e.onset, one_line(e.summary, 240)]
        for e in [*v.cited_evidence, *v.other_evidence]
    ]
    story.append(_table(rows, s, [45 * mm, 30 * mm, 25 * mm, 70 * mm]))
    story.append(Spacer(1, 4 * mm))
    return story


def render_pdf(report: Report, lang: Literal["en", "zh"]) -> bytes:
    """The report as a PDF document, fixed text in ``lang``."""
    check_lang(lang)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=report.incident.title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(_story(build_view(report, lang), lang))
    return out.getvalue()
