"""The PDF form: a complete document in either language, with agent text printed as data."""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from tests.report.conftest import build_report
from warroom.domain import Report
from warroom.report.pdf import render_pdf


def _text_streams(pdf: bytes) -> bytes:
    """The content streams, decoded (reportlab writes ASCII85, then Flate)."""
    found = b""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = zlib.decompress(base64.a85decode(data[:-2]))
        found += data
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_is_a_complete_document(report: Report, lang: str) -> None:
    pdf = render_pdf(report, lang)  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_pdf_sets_the_verdict_component_as_text(report: Report) -> None:
    assert report.verdict.component.encode() in _text_streams(render_pdf(report, "en"))


def test_markup_in_agent_text_is_printed_not_interpreted() -> None:
    hostile = build_report(summary_override="<b>bold</b> <font size=40>x</font> & <br/>")
    pdf = render_pdf(hostile, "en")  # a markup error would raise instead
    assert pdf.startswith(b"%PDF-")


def test_unknown_language_is_refused(report: Report) -> None:
    with pytest.raises(ValueError):
        render_pdf(report, "fr")  # type: ignore[arg-type]
