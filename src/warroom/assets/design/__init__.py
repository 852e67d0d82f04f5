"""Design assets (seed 004, section 5.2): OpenAPI, SQL DDL, domain models and past cases.

``load_design(paths)`` reads files and folders into one ``GraphFragment``. A caller may rely
on: folders are walked recursively in sorted order, hidden files left out; a file's kind is
judged from its extension and content (``sniff``); each file gets a ``DesignFile`` with its
kind, counts and errors, and a file that cannot be read or parsed never stops the others; a
file met while walking a folder that fits no kind is listed in ``ignored``, while a file named
directly that fits no kind is an error. The readers are ``openapi``, ``ddl``, ``domain_doc``
and ``cases``; node ids follow ``domain.graph``, so fusion joins them with code and telemetry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from warroom.assets.design.cases import parse_case_markdown, read_cases_json
from warroom.assets.design.ddl import parse_ddl
from warroom.assets.design.domain_doc import parse_domain_doc
from warroom.assets.design.openapi import read_openapi
from warroom.assets.design.parsed import DesignError, DesignKind, Parsed
from warroom.assets.design.sniff import ACCEPTED, sniff
from warroom.domain.graph import GraphFragment

__all__ = [
    "ACCEPTED",
    "DesignError",
    "DesignFile",
    "DesignIndex",
    "DesignKind",
    "load_design",
]

MAX_BYTES = 20 * 1024 * 1024


class DesignFile(BaseModel):
    """What one file gave: its kind (None when it fits no reader), counts and errors."""

    path: str
    kind: DesignKind | None = None
    nodes: int = 0
    edges: int = 0
    skipped: int = 0
    errors: list[DesignError] = Field(default_factory=list)


class DesignIndex(BaseModel):
    """The design graph of a set of files, with what each file gave."""

    fragment: GraphFragment = Field(default_factory=GraphFragment)
    files: list[DesignFile] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list)
    stats: dict[str, int] = Field(default_factory=dict)

    @property
    def errors(self) -> list[DesignError]:
        return [e for f in self.files for e in f.errors]


def load_design(paths: Sequence[Path]) -> DesignIndex:
    """The design graph of ``paths`` (files or folders); see the module docstring."""
    index = DesignIndex()
    fragments: list[GraphFragment] = []
    named = {p for p in paths if p.is_file()}
    for path, missing in _walk(paths):
        if missing:
            index.files.append(
                DesignFile(
                    path=str(path),
                    errors=[
                        DesignError(path=str(path), expected="a file or folder", found="nothing")
                    ],
                )
            )
            continue
        report, fragment = _load_file(path)
        if report.kind is None and not report.errors and path not in named:
            index.ignored.append(str(path))
            continue
        if report.kind is None and not report.errors:
            report.errors.append(
                DesignError(path=str(path), expected=ACCEPTED, found="none of these")
            )
        index.files.append(report)
        if fragment is not None:
            fragments.append(fragment)
    index.fragment = GraphFragment().merge(*fragments)
    index.stats = _stats(index)
    return index


def _read(kind: DesignKind, document: Any, text: str, source: str) -> Parsed:
    if kind == DesignKind.OPENAPI:
        return read_openapi(document, source)
    if kind == DesignKind.DDL:
        return parse_ddl(text, source)
    if kind == DesignKind.DOMAIN:
        return parse_domain_doc(text, source)
    if document is not None:
        return read_cases_json(document, source)
    return parse_case_markdown(text, source)


def _load_file(path: Path) -> tuple[DesignFile, GraphFragment | None]:
    source = str(path)
    report = DesignFile(path=source)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            report.errors.append(
                DesignError(
                    path=source,
                    expected=f"a design file of at most {MAX_BYTES // (1024 * 1024)} MiB",
                    found=f"{size / (1024 * 1024):.1f} MiB",
                )
            )
            return report, None
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.errors.append(
            DesignError(path=source, expected="UTF-8 text", found=f"byte {exc.start}: {exc.reason}")
        )
        return report, None
    except OSError as exc:
        report.errors.append(
            DesignError(path=source, expected="a readable file", found=exc.strerror or str(exc))
        )
        return report, None
    kind, document, error = sniff(path, text)
    if error is not None:
        report.errors.append(error)
        return report, None
    if kind is None:
        return report, None
    parsed = _read(kind, document, text, source)
    report.kind = parsed.kind
    report.nodes = len(parsed.fragment.nodes)
    report.edges = len(parsed.fragment.edges)
    report.skipped = parsed.skipped
    report.errors = parsed.errors
    return report, parsed.fragment


def _walk(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if found.is_file() and not any(part.startswith(".") for part in relative):
                    yield found, False
        elif path.is_file():
            yield path, False
        else:
            yield path, True


def _stats(index: DesignIndex) -> dict[str, int]:
    kinds = Counter(f.kind.value for f in index.files if f.kind is not None)
    nodes = Counter(n.kind.value for n in index.fragment.nodes)
    stats = {"files": len(index.files), "ignored": len(index.ignored)}
    stats.update({f"files_{k}": v for k, v in sorted(kinds.items())})
    stats.update({f"nodes_{k}": v for k, v in sorted(nodes.items())})
    stats["nodes"] = len(index.fragment.nodes)
    stats["edges"] = len(index.fragment.edges)
    stats["errors"] = len(index.errors)
    return stats
