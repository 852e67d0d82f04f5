"""Code structure with tree-sitter: one parser per language, one ``SourceFile`` per file."""

from __future__ import annotations

from warroom.assets.development.code.golang import parse_go
from warroom.assets.development.code.java import parse_java
from warroom.assets.development.code.model import (
    FieldDecl,
    FunctionDecl,
    Mount,
    Route,
    SourceError,
    SourceFile,
    TypeDecl,
)
from warroom.assets.development.code.python import parse_python

LANGUAGES = {".java": "java", ".py": "python", ".go": "go"}

__all__ = [
    "LANGUAGES",
    "FieldDecl",
    "FunctionDecl",
    "Mount",
    "Route",
    "SourceError",
    "SourceFile",
    "TypeDecl",
    "language_of",
    "parse_source",
]


def language_of(path: str) -> str | None:
    dot = path.rfind(".")
    return LANGUAGES.get(path[dot:]) if dot >= 0 else None


def parse_source(path: str, source: bytes, module: str = "") -> SourceFile:
    """Parses one file by its suffix; ``module`` names a Python file's module.

    Raises ``SourceError`` for a syntax error or a file that is not UTF-8, ``ValueError`` for
    a suffix no parser reads.
    """
    language = language_of(path)
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})") from exc
    if language == "java":
        return parse_java(path, source)
    if language == "python":
        return parse_python(path, source, module)
    if language == "go":
        return parse_go(path, source)
    raise ValueError(f"no parser for {path!r}: expected one of {sorted(LANGUAGES)}")
