"""Reports: a verdict and its evidence as Markdown, HTML or JSON, in English or Chinese.

``render_report(report, fmt, lang)`` is the one entry point for text; ``report_json(report)``
gives the JSON form as data; ``t(key, lang)`` is the message catalog the templates use.
"""

from warroom.report.i18n import LANGS, label, t
from warroom.report.json_form import report_json
from warroom.report.render import FORMATS, render_report

__all__ = ["FORMATS", "LANGS", "label", "render_report", "report_json", "t"]
