"""Render a ``Report`` as Markdown, HTML or JSON text.

Callers may rely on:

- ``render_report(report, fmt, lang)`` returns the whole document as one string ending in a
  newline, or raises ``ValueError`` naming the accepted formats / languages;
- HTML is one self-contained page (inline CSS, no scripts, no external assets) rendered with
  autoescaping on, so agent and log text can never inject markup;
- Markdown is GitHub-flavoured; text from agents and logs cannot open raw HTML tags, and pipes
  inside table cells are escaped;
- JSON is ``report_json(report)`` pretty-printed with non-ASCII kept; it is language-neutral,
  so ``lang`` does not change it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from warroom.domain import Report
from warroom.report.i18n import check_lang, t
from warroom.report.json_form import report_json
from warroom.report.view import CitationView, build_view, one_line, translator

Format = Literal["md", "html", "json"]
FORMATS: tuple[str, ...] = ("md", "html", "json")

# "<" followed by something that could open a tag, comment or declaration in HTML.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def render_report(report: Report, fmt: Format, lang: Literal["en", "zh"]) -> str:
    """The report as ``fmt`` text with headings and fixed phrases in ``lang``."""
    check_lang(lang)
    if fmt == "json":
        return json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        text = (
            _markdown_env()
            .get_template("report.md.j2")
            .render(v=build_view(report, lang), t=translator(lang))
        )
        # Empty optional sections leave runs of blank lines behind; one is enough.
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    if fmt == "html":
        page = (
            _html_env()
            .get_template("report.html.j2")
            .render(
                v=build_view(report, lang),
                t=translator(lang),
                cite=lambda c: _html_cite(c, lang),
            )
        )
        return page.strip() + "\n"
    raise ValueError(f"report format must be one of {', '.join(FORMATS)}, got {fmt!r}")


# --- HTML -------------------------------------------------------------------------------


@cache
def _html_env() -> Environment:
    return Environment(
        loader=PackageLoader("warroom.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _html_cite(c: CitationView, lang: str) -> Markup:
    code = Markup("<code>{}</code>").format(c.evidence_id)
    if c.anchor:
        return Markup('<a class="cite" href="#{}">{}</a>').format(c.anchor, code)
    if not c.found:
        return Markup('<span class="cite missing" title="{}">{} ✗</span>').format(
            t("not_found", lang), code
        )
    return Markup('<span class="cite">{}</span>').format(code)


# --- Markdown ---------------------------------------------------------------------------


@cache
def _markdown_env() -> Environment:
    env = Environment(
        loader=PackageLoader("warroom.report", "templates"),
        autoescape=False,  # Markdown, not HTML: the md_* filters below do the escaping
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md_block=md_block,
        md_inline=md_inline,
        md_cell=md_cell,
        md_code=md_code,
        md_pipes=md_pipes,
        md_cites=_md_cites,
    )
    return env


def md_block(text: str) -> str:
    """Free text as a Markdown paragraph: kept as written, but unable to open HTML tags."""
    return _TAG_START.sub("&lt;", str(text).strip()) or "—"


def md_inline(text: str) -> str:
    """Free text on one line (list items, headings), unable to open HTML tags."""
    return _TAG_START.sub("&lt;", one_line(str(text)))


def md_pipes(text: str) -> str:
    """Escape ``|`` so a value cannot split a table cell (GFM honours ``\\|`` in code too)."""
    return str(text).replace("|", "\\|")


def md_cell(text: str) -> str:
    return md_pipes(md_inline(text))


def md_code(text: str) -> str:
    """``text`` as an inline code span, with a fence longer than any backtick run inside."""
    value = one_line(str(text), limit=200)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


@pass_context
def _md_cites(ctx: Context, citations: list[CitationView]) -> str:
    tr = ctx["t"]
    parts = []
    for c in citations:
        if c.anchor:
            parts.append(f"[{md_code(c.evidence_id)}](#{c.anchor})")
        elif c.found:
            parts.append(md_code(c.evidence_id))
        else:
            parts.append(f"{md_code(c.evidence_id)} ({tr('not_found')})")
    return ", ".join(parts) if parts else tr("no_citations")
