"""Go: package, imports, struct and interface types, functions, methods, HTTP handlers.

Handlers: calls ``X.<Register>("<path>", handler)`` where ``<Register>`` is ``HandleFunc`` or
``Handle`` (net/http, gorilla/mux; a Go 1.22 pattern ``"GET /x"`` names its method, a chained
``.Methods("GET", ...)`` too, otherwise ``ANY``), or a verb: gin/echo ``GET``/``POST``/...,
chi ``Get``/``Post``/... and ``Any``. Prefixes: ``v := r.Group("/v1")`` (gin, echo),
``s := r.PathPrefix("/api").Subrouter()`` (gorilla) and ``r.Route("/api", func(r chi.Router)
{...})`` (chi). A type's table is the string a ``TableName()`` method returns (gorm).
"""

from __future__ import annotations

from tree_sitter import Node

from warroom.assets.development.code import syntax as ts
from warroom.assets.development.code.model import (
    FieldDecl,
    FunctionDecl,
    Route,
    SourceFile,
    TypeDecl,
)

_REGISTER = {"HandleFunc", "Handle"}
_VERBS = {
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "Any",
    "Get",
    "Post",
    "Put",
    "Delete",
    "Patch",
    "Head",
    "Options",
}
_IDENTS = "(identifier) @id (type_identifier) @id (field_identifier) @id"
_BUILTIN_TYPES = frozenset(
    {
        *("any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32"),
        *("float64", "int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8"),
        *("uint16", "uint32", "uint64", "uintptr"),
    }
)
# Calls on a variable (``store.All()``) or on a receiver's field (``h.store.All()``).
_CALLS = (
    "(call_expression function: (selector_expression operand: (identifier) @recv"
    " field: (field_identifier) @name))"
    " (call_expression function: (selector_expression operand: (selector_expression"
    " field: (field_identifier) @recv) field: (field_identifier) @name))"
)


def parse_go(path: str, source: bytes) -> SourceFile:
    root = ts.parse("go", source)
    package = ts.text(ts.child(ts.child(root, "package_clause") or root, "package_identifier"))
    out = SourceFile(path=path, language="go", module=package, lines=source.count(b"\n") + 1)
    tables: dict[str, str] = {}
    for node in root.named_children:
        if node.type == "import_declaration":
            for spec in ts.captures(ts.query("go", "(import_spec) @s"), node).get("s", []):
                target = _string(ts.field(spec, "path"))
                alias = ts.text(ts.field(spec, "name")) or target.rsplit("/", 1)[-1]
                if alias not in ("_", "."):
                    out.imports[alias] = target
        elif node.type == "type_declaration":
            for spec in ts.children(node, "type_spec"):
                _read_type(spec, package, out)
        elif node.type in ("function_declaration", "method_declaration"):
            fn, table = _read_function(node, package, out)
            if table and fn.owner:
                tables[fn.owner] = table
    ts.read_bodies("go", root, out.functions, _IDENTS, _CALLS, "")
    for decl in out.types:
        if decl.key in tables:
            decl.table = tables[decl.key]
            decl.is_entity = True
    return out


def _read_type(spec: Node, package: str, out: SourceFile) -> None:
    name = ts.text(ts.field(spec, "name"))
    body = ts.field(spec, "type")
    kind = {"struct_type": "struct", "interface_type": "interface"}.get(
        body.type if body else "", "type"
    )
    decl = TypeDecl(
        key=f"{package}.{name}",
        name=name,
        kind=kind,
        start_line=ts.start_line(spec),
        end_line=ts.end_line(spec),
        role=ts.role_from_name(name),
        abstract=kind == "interface",
    )
    if body is not None and body.type == "struct_type":
        for f in ts.captures(ts.query("go", "(field_declaration) @f"), body).get("f", []):
            if f.parent is None or f.parent.parent != body:
                continue
            types = _type_names(ts.field(f, "type"))
            names = [ts.text(n) for n in f.children_by_field_name("name")]
            for n in names or types[-1:]:
                decl.fields.append(FieldDecl(name=n, types=types, injected=True))
    out.types.append(decl)


def _type_names(node: Node | None) -> list[str]:
    """``*orders.Store`` → ``["orders.Store"]``; ``map[string]*Item`` → ``["Item"]``."""
    if node is None:
        return []
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("qualified_type", "type_identifier"):
            name = ts.text(current)
            if name not in _BUILTIN_TYPES:
                found.append(name)
        else:
            stack.extend(reversed(current.named_children))
    return found


def _read_function(node: Node, package: str, out: SourceFile) -> tuple[FunctionDecl, str]:
    """Reads a function or method; returns it and the table a ``TableName()`` returns."""
    name = ts.text(ts.field(node, "name"))
    owner = None
    receiver = ts.field(node, "receiver")
    if receiver is not None:
        types = _type_names(receiver)
        owner = f"{package}.{types[0]}" if types else None
    fn = FunctionDecl(
        key=f"{owner or package}#{name}",
        name=name,
        start_line=ts.start_line(node),
        end_line=ts.end_line(node),
        owner=owner,
    )
    table = ""
    body = ts.field(node, "body")
    if body is not None:
        fn.body = (body.start_byte, body.end_byte)
        if name == "TableName":
            returned = ts.captures(
                ts.query(
                    "go", "(return_statement (expression_list (interpreted_string_literal) @s))"
                ),
                body,
            ).get("s", [])
            if returned:
                table = _string(returned[0])
        _read_routes(body, {}, out)
    out.functions.append(fn)
    return fn, table


def _read_routes(block: Node, prefixes: dict[str, str], out: SourceFile) -> None:
    """Registration calls in source order; ``prefixes`` maps router variables to prefixes."""
    stack = list(reversed(block.named_children))
    while stack:
        node = stack.pop()
        if node.type in ("short_var_declaration", "assignment_statement"):
            _read_prefix(node, prefixes)
        if node.type == "call_expression" and _read_call(node, prefixes, out):
            continue
        stack.extend(reversed(node.named_children))


def _read_prefix(node: Node, prefixes: dict[str, str]) -> None:
    left, right = ts.field(node, "left"), ts.field(node, "right")
    if left is None or right is None or not left.named_children or not right.named_children:
        return
    var, value = left.named_children[0], right.named_children[0]
    chain = _call_chain(value)
    if not chain:
        return
    base, calls = chain
    prefix = prefixes.get(base, "")
    for method, args in calls:
        if method in ("Group", "PathPrefix") and args:
            prefix += args[0]
        elif method not in ("Subrouter", "Use", "With"):
            return
    prefixes[ts.text(var)] = prefix


def _call_chain(node: Node) -> tuple[str, list[tuple[str, list[str]]]] | None:
    """``r.PathPrefix("/api").Subrouter()`` → ``("r", [("PathPrefix", ["/api"]),
    ("Subrouter", [])])``."""
    calls: list[tuple[str, list[str]]] = []
    while node.type == "call_expression":
        func = ts.field(node, "function")
        if func is None or func.type != "selector_expression":
            return None
        args = ts.field(node, "arguments")
        strings = [_string(a) for a in (args.named_children if args else []) if _is_string(a)]
        calls.append((ts.text(ts.field(func, "field")), strings))
        operand = ts.field(func, "operand")
        if operand is None:
            return None
        node = operand
    if node.type != "identifier" or not calls:
        return None
    return ts.text(node), list(reversed(calls))


def _read_call(call: Node, prefixes: dict[str, str], out: SourceFile) -> bool:
    """Reads a registration call; True when its arguments need no further walking."""
    func = ts.field(call, "function")
    args = ts.field(call, "arguments")
    if func is None or args is None or func.type != "selector_expression":
        return False
    method = ts.text(ts.field(func, "field"))
    operand = ts.field(func, "operand")
    values = args.named_children
    if not values or not _is_string(values[0]):
        return False
    base = ts.text(operand) if operand is not None and operand.type == "identifier" else ""
    prefix = prefixes.get(base, "")
    if method == "Route" and len(values) > 1 and values[1].type == "func_literal":
        inner = dict(prefixes)
        params = ts.field(values[1], "parameters")
        if params is not None:
            names = ts.query("go", "(parameter_declaration name: (identifier) @n)")
            for n in ts.captures(names, params).get("n", []):
                inner[ts.text(n)] = prefix + _string(values[0])
        body = ts.field(values[1], "body")
        if body is not None:
            _read_routes(body, inner, out)
        return True
    if method not in _REGISTER and method not in _VERBS:
        return False
    pattern = _string(values[0])
    handler = ts.text(values[1]) if len(values) > 1 else None
    if len(values) > 1 and values[1].type == "func_literal":
        handler = None
    verbs = [method.upper()] if method in _VERBS else []
    if method in _REGISTER:
        head, _, rest = pattern.partition(" ")
        if rest and head.isupper():
            verbs, pattern = [head], rest.strip()
        parent = call.parent
        if parent is not None and parent.type == "selector_expression":
            chained = parent.parent
            if ts.text(ts.field(parent, "field")) == "Methods" and chained is not None:
                chained_args = ts.field(chained, "arguments")
                verbs = (
                    [_string(a).upper() for a in chained_args.named_children]
                    if chained_args
                    else []
                )
    if not pattern.startswith("/") and "/" in pattern:
        pattern = "/" + pattern.partition("/")[2]  # "host/path" patterns keep the path
    for verb in verbs or ["ANY"]:
        out.routes.append(Route(verb, prefix + pattern, handler=handler))
    return False


def _is_string(node: Node) -> bool:
    return node.type in ("interpreted_string_literal", "raw_string_literal")


def _string(node: Node | None) -> str:
    if node is None:
        return ""
    return "".join(
        ts.text(c)
        for c in node.named_children
        if c.type in ("interpreted_string_literal_content", "raw_string_literal_content")
    )
