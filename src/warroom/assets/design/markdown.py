"""Markdown as a flat list of blocks (headings, lines, table rows), for the design readers.

Inline markup is dropped (``**x**``, `` `x` ``, links keep their text); a paragraph is split at
its line breaks, so ``Label: value`` lines written one under the other stay apart. A YAML front
matter block (``---`` ... ``---`` at the very top) is returned separately.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark").enable("table")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# "Label: value" with a short label; full-width colon for Chinese.
_LABELLED = re.compile(r"^\s*([^:：]{1,40}?)\s*[:：]\s*(.*)$", re.DOTALL)
_SPLIT = re.compile(r"[,，、;；]|\band\b|\s和\s")


@dataclass(slots=True)
class Block:
    """``heading`` (``level`` 1-6), ``line`` (``depth`` > 0 inside lists) or ``row`` (a table
    row: ``cells`` under ``header``). ``line`` numbers are 1-based in the whole file."""

    kind: Literal["heading", "line", "row"]
    text: str
    line: int
    level: int = 0
    depth: int = 0
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


def front_matter(text: str) -> tuple[dict[str, Any], str, int, str | None]:
    """``(fields, body, lines taken, error)``: the YAML front matter and the text after it."""
    match = _FRONT.match(text)
    if match is None:
        return {}, text, 0, None
    taken = text[: match.end()].count("\n")
    try:
        loaded = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        return {}, text[match.end() :], taken, f"front matter that is not valid YAML ({exc})"
    if loaded is None:
        return {}, text[match.end() :], taken, None
    if not isinstance(loaded, Mapping):
        return {}, text[match.end() :], taken, "front matter that is not a mapping"
    return {str(k): v for k, v in loaded.items()}, text[match.end() :], taken, None


def blocks(text: str, first_line: int = 1) -> list[Block]:
    """The blocks of ``text``; ``first_line`` is the file line ``text`` starts on."""
    out: list[Block] = []
    tokens = _MD.parse(text)
    depth = 0
    heading_level = 0
    header: list[str] = []
    row: list[str] = []
    in_head = False
    row_line = first_line
    in_cell = False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "thead_open":
            in_head, header = True, []
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
            row_line = first_line + (token.map[0] if token.map else 0)
        elif kind == "tr_close" and not in_head:
            out.append(Block("row", " | ".join(row), row_line, cells=row, header=list(header)))
        elif kind == "inline":
            line = first_line + (token.map[0] if token.map else 0)
            plain = plain_text(token)
            if in_cell:
                (header if in_head else row).append(plain.strip())
            elif heading_level:
                out.append(Block("heading", plain.strip(), line, level=heading_level))
            else:
                for offset, part in enumerate(plain.split("\n")):
                    if part.strip():
                        out.append(Block("line", part.strip(), line + offset, depth=depth))
        in_cell = kind in ("th_open", "td_open")
    return out


def plain_text(token: Token) -> str:
    """The text of an inline token without markup; soft and hard breaks become newlines."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def labelled(text: str) -> tuple[str, str] | None:
    """``("Tables", "orders, order_lines")`` for ``"Tables: orders, order_lines"``."""
    match = _LABELLED.match(text)
    if match is None:
        return None
    return match.group(1).strip(), match.group(2).strip()


def split_values(text: str) -> list[str]:
    """``"a, b、c; d and e"`` → ``["a", "b", "c", "d", "e"]``; text in parentheses is not split."""
    if not any(ch in "(（[" for ch in text):
        return [v for v in (s.strip() for s in _SPLIT.split(text)) if v]
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "(（[":
            depth += 1
        elif ch in ")）]":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in ",，、;；":
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [v.strip() for v in out if v.strip()]
