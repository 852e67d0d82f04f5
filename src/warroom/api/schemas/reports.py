"""Report export requests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ReportExport(BaseModel):
    format: Literal["md", "html", "json", "pdf"] = Field(description="md, html, json or pdf.")
    lang: Literal["en", "zh"] | None = Field(
        default=None, description="Language of headings and fixed text; default: the report's."
    )
