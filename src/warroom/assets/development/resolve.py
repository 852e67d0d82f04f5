"""Names in code → class and function keys, across the files of one repository."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from warroom.assets.development.code import FunctionDecl, SourceFile, TypeDecl


@dataclass(frozen=True, slots=True)
class Located:
    """A declaration and the file it is in."""

    path: str
    decl: TypeDecl


class Resolver:
    """Resolves type names as a file writes them, using its imports and package.

    Java: an import, the file's own package (and nested types), then wildcard imports.
    Python: an import (``from app.models import Item`` or ``import app.models as m`` with
    ``m.Item``), then the file's own module. Go: ``pkg.Type`` through the import alias, else
    the file's own package. A name is never guessed from a bare simple name elsewhere.
    """

    def __init__(self, files: Mapping[str, SourceFile]) -> None:
        self.classes: dict[str, Located] = {}
        self.functions: dict[str, list[tuple[str, FunctionDecl]]] = {}
        self.by_simple: dict[str, list[str]] = {}
        for path, f in files.items():
            for t in f.types:
                self.classes.setdefault(t.key, Located(path, t))
                self.by_simple.setdefault(t.name, []).append(t.key)
            for fn in f.functions:
                self.functions.setdefault(fn.key, []).append((path, fn))

    def type_key(self, name: str, f: SourceFile) -> str | None:
        name = name.strip().strip('"').strip("'")
        if not name:
            return None
        if f.language == "go":
            return self._go(name, f)
        head, _, rest = name.partition(".")
        candidates: list[str] = []
        if head in f.imports:
            target = f.imports[head]
            candidates.append(f"{target}.{rest}" if rest else target)
        if f.language == "java":
            candidates.append(name)  # fully qualified in the code
            for t in f.types:  # nested types of this file, innermost names
                if t.name == head:
                    candidates.append(f"{t.key}.{rest}" if rest else t.key)
            if f.module:
                candidates.append(f"{f.module}.{name}")
            candidates.extend(f"{w}.{name}" for w in f.wildcard_imports)
        else:
            candidates.append(f"{f.module}.{name}" if f.module else name)
            candidates.extend(f"{w}.{name}" for w in f.wildcard_imports)
            candidates.append(name)
        return next((c for c in candidates if c in self.classes), None)

    def _go(self, name: str, f: SourceFile) -> str | None:
        head, dot, rest = name.rpartition(".")
        if dot and head in f.imports:
            key = f"{f.imports[head].rsplit('/', 1)[-1]}.{rest}"
        elif dot:
            key = name
        else:
            key = f"{f.module}.{name}"
        return key if key in self.classes else None

    def type_keys(self, names: Iterable[str], f: SourceFile) -> list[str]:
        found: list[str] = []
        for n in names:
            key = self.type_key(n, f)
            if key is not None and key not in found:
                found.append(key)
        return found

    def callable_key(self, expr: str, f: SourceFile) -> list[str]:
        """Function or class keys a handler expression names (``views.detail``,
        ``OrderView``, ``h.List``, ``handlers.List``)."""
        expr = expr.strip()
        if not expr:
            return []
        head, dot, rest = expr.partition(".")
        qualified: list[str] = []
        if head in f.imports:
            target = f.imports[head]
            qualified.append(f"{target}.{rest}" if dot else target)
        qualified.append(f"{f.module}.{expr}" if f.module else expr)
        for q in qualified:
            if q in self.classes:
                return [q]
            module, _, name = q.rpartition(".")
            if f.language == "go":
                module = module.rsplit("/", 1)[-1]
            if f"{module}#{name}" in self.functions:
                return [f"{module}#{name}"]
        if f.language == "go" and dot and "." not in rest:
            # h.List on a handler value: a method of that name on a type of this package.
            methods = [
                k
                for k in self.functions
                if k.endswith(f"#{rest}") and k.startswith(f"{f.module}.") and k.count("#") == 1
            ]
            if len(methods) == 1:
                return methods
        return []
