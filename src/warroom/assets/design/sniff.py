"""Which design reader a file needs, judged from its name and its content."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from warroom.assets.design.cases import field_of, looks_like_cases
from warroom.assets.design.domain_doc import declarations
from warroom.assets.design.markdown import blocks, front_matter, labelled
from warroom.assets.design.openapi import load_structured
from warroom.assets.design.parsed import DesignError, DesignKind

ACCEPTED = (
    "an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML), SQL DDL (CREATE TABLE ...), "
    "a domain-model document in Markdown (headings such as 'Aggregate: Order' or '聚合：Order'), "
    "or past-incident write-ups (Markdown with a root cause section, or JSON/YAML cases)"
)
_SQL = (".sql", ".ddl")
_STRUCTURED = (".json", ".yaml", ".yml")
_MARKDOWN = (".md", ".markdown")
_OPENAPI_LINE = re.compile(r"^(openapi|swagger)\s*:", re.MULTILINE)
_CREATE_TABLE = re.compile(r"\bCREATE\s+(?:\w+\s+){0,3}TABLE\b", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)
_CASE_SECTIONS = ("root_cause", "fix")


def sniff(path: Path, text: str) -> tuple[DesignKind | None, Any, DesignError | None]:
    """``(kind, loaded document or None, error)``; kind None when the file fits no reader."""
    suffix = path.suffix.lower()
    head = text.lstrip("\ufeff \t\r\n")
    if suffix in _SQL:
        return DesignKind.DDL, None, None
    if suffix in _STRUCTURED or head[:1] in ("{", "[") or _OPENAPI_LINE.search(text[:4096]):
        document, error = load_structured(text, str(path))
        if error is not None:
            return None, None, error
        if isinstance(document, Mapping) and ("openapi" in document or "swagger" in document):
            return DesignKind.OPENAPI, document, None
        if looks_like_cases(document):
            return DesignKind.CASES, document, None
        return None, None, None
    if suffix in _MARKDOWN or _HEADING.search(text):
        return markdown_kind(text), None, None
    if _CREATE_TABLE.search(text):
        return DesignKind.DDL, None, None
    return None, None, None


def markdown_kind(text: str) -> DesignKind | None:
    """A domain-model document or a case write-up, by what its headings and labels name."""
    _, body, _, _ = front_matter(text)
    domain = declarations(body)
    case = 0
    for block in blocks(body):
        if block.kind == "heading":
            case += field_of(block.text) in _CASE_SECTIONS
        elif block.kind == "line" and (pair := labelled(block.text)) is not None:
            case += field_of(pair[0]) in _CASE_SECTIONS
    if domain >= 2 or (domain == 1 and case == 0):
        return DesignKind.DOMAIN
    if case:
        return DesignKind.CASES
    return None
