"""Tree-sitter plumbing shared by the language parsers: parsers, node text, errors."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

import tree_sitter_go
import tree_sitter_java
import tree_sitter_python
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from warroom.assets.development.code.model import FunctionDecl, SourceError

_GRAMMARS = {
    "java": tree_sitter_java.language,
    "python": tree_sitter_python.language,
    "go": tree_sitter_go.language,
}
_languages: dict[str, Language] = {}
_parsers: dict[str, Parser] = {}
_queries: dict[tuple[str, str], Query] = {}


def language(name: str) -> Language:
    found = _languages.get(name)
    if found is None:
        found = _languages[name] = Language(_GRAMMARS[name]())
    return found


def parse(name: str, source: bytes) -> Node:
    """The root node of ``source``; a syntax error raises ``SourceError`` with its line."""
    parser = _parsers.get(name)
    if parser is None:
        parser = _parsers[name] = Parser(language(name))
    root = parser.parse(source).root_node
    if root.has_error:
        line = first_error_line(root)
        raise SourceError(f"syntax error at line {line}" if line else "syntax error")
    return root


def query(name: str, pattern: str) -> Query:
    found = _queries.get((name, pattern))
    if found is None:
        found = _queries[(name, pattern)] = Query(language(name), pattern)
    return found


def captures(q: Query, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(q).captures(node)


def matches(q: Query, node: Node) -> list[dict[str, list[Node]]]:
    return [m for _, m in QueryCursor(q).matches(node)]


def read_bodies(
    language_name: str,
    root: Node,
    functions: list[FunctionDecl],
    identifiers: str,
    calls: str,
    receiver_prefix: str,
) -> None:
    """Fills ``names`` and ``calls`` of every function from two queries over the whole file.

    One query per file costs far less than one per function; each capture goes to the
    innermost function body that holds it. ``calls`` must capture ``@recv`` and ``@name``;
    ``receiver_prefix`` (``this.``, ``self.``) is dropped from a receiver.
    """
    bodies = sorted((f for f in functions if f.body), key=lambda f: f.body or (0, 0))
    if not bodies:
        return
    spans = [f.body or (0, 0) for f in bodies]
    starts = [s for s, _ in spans]
    parents: list[int] = []
    stack: list[int] = []
    for i, (start, _) in enumerate(spans):
        while stack and spans[stack[-1]][1] <= start:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(i)

    def owner(position: int) -> FunctionDecl | None:
        i = bisect_right(starts, position) - 1
        while i >= 0 and not spans[i][0] <= position < spans[i][1]:
            i = parents[i]
        return bodies[i] if i >= 0 else None

    seen: dict[int, set[bytes]] = {}
    for node in captures(query(language_name, identifiers), root).get("id", []):
        fn = owner(node.start_byte)
        if fn is not None and node.text is not None:
            seen.setdefault(id(fn), set()).add(node.text)
    for fn in bodies:
        fn.names.update(b.decode("utf-8", errors="replace") for b in seen.get(id(fn), ()))
    found = []
    for match in matches(query(language_name, calls), root):
        receiver, name = match["recv"][0], match["name"][0]
        fn = owner(receiver.start_byte)
        if fn is not None:
            found.append((receiver.start_byte, fn, text(receiver), text(name)))
    for _, fn, receiver_text, name_text in sorted(found, key=lambda f: f[0]):
        receiver_text = receiver_text.removeprefix(receiver_prefix)
        if receiver_text.isidentifier():
            fn.calls.append((receiver_text, name_text))


def first_error_line(root: Node) -> int | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point.row + 1
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def start_line(node: Node) -> int:
    return node.start_point.row + 1


def end_line(node: Node) -> int:
    # A node ending at column 0 ends on the previous line (a trailing newline is included).
    row = node.end_point.row
    if node.end_point.column == 0 and row > node.start_point.row:
        row -= 1
    return row + 1


def children(node: Node, *types: str) -> Iterator[Node]:
    for child in node.named_children:
        if child.type in types:
            yield child


def child(node: Node, *types: str) -> Node | None:
    return next(children(node, *types), None)


def field(node: Node, name: str) -> Node | None:
    return node.child_by_field_name(name)


_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``OrderLine`` → ``order_line`` (Spring Boot's and Flask-SQLAlchemy's default tables)."""
    return _SNAKE.sub("_", name).lower()


def role_from_name(name: str) -> str | None:
    """A conventional role from a class name, for languages without stereotype annotations."""
    for suffix, role in _NAME_ROLES:
        if name.endswith(suffix) and name != suffix:
            return role
    return None


_NAME_ROLES = (
    ("Repository", "repository"),
    ("Repo", "repository"),
    ("Dao", "repository"),
    ("DAO", "repository"),
    ("Store", "repository"),
    ("Service", "service"),
    ("Controller", "controller"),
    ("Handler", "handler"),
    ("Resource", "controller"),
)
