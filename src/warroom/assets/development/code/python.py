"""Python: imports, classes, functions, FastAPI/Flask/Django routes, SQLAlchemy/Django models.

Routes: a decorator ``<router>.<verb>(path)`` (``get``, ``post``, ``put``, ``delete``,
``patch``, ``head``, ``options``) or ``<router>.route(path, methods=[...])`` /
``api_route(...)`` (default ``GET``) whose path is a string starting with ``/`` or empty.
Router prefixes: ``APIRouter(prefix=...)``, ``Blueprint(..., url_prefix=...)``; mounts:
``include_router(r, prefix=...)``, ``register_blueprint(bp, url_prefix=...)``; Django
``urlpatterns`` entries ``path``/``re_path``/``url`` with a view or an ``include``.
Models: a class with ``__tablename__`` or ``__table__ = Table("name", ...)``, a subclass of
``db.Model`` (Flask-SQLAlchemy: snake-case default table), ``SQLModel`` with ``table=True``
(lower-case default), or ``models.Model`` (Django: ``Meta.db_table``, else
``<app>_<model>``, resolved when the index knows the app).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from warroom.assets.development.code import syntax as ts
from warroom.assets.development.code.model import (
    FieldDecl,
    FunctionDecl,
    Mount,
    Route,
    SourceFile,
    TypeDecl,
)

_VERBS = {"get", "post", "put", "delete", "patch", "head", "options"}
_ROUTER_FACTORIES = {
    "APIRouter": "prefix",
    "FastAPI": "",
    "Flask": "",
    "Blueprint": "url_prefix",
    "Quart": "",
}
_MOUNTS = {"include_router": "prefix", "register_blueprint": "url_prefix"}
_URL_FUNCTIONS = {"path", "re_path", "url"}
_DJANGO_METHOD_DECORATORS = {
    "require_GET": ["GET"],
    "require_POST": ["POST"],
    "require_safe": ["GET"],
}
_IDENTS = "(identifier) @id"
_CALLS = "(call function: (attribute object: (_) @recv attribute: (identifier) @name))"
_ALL_CALLS = "(call) @call"


def parse_python(path: str, source: bytes, module: str) -> SourceFile:
    """``module`` is the dotted module name of the file (``app.routers.items``)."""
    root = ts.parse("python", source)
    out = SourceFile(path=path, language="python", module=module, lines=source.count(b"\n") + 1)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    for node in root.named_children:
        if node.type in ("import_statement", "import_from_statement"):
            _read_import(node, package, out)
    _read_block(root, module, None, out)
    _read_calls(root, out)
    ts.read_bodies("python", root, out.functions, _IDENTS, _CALLS, "self.")
    return out


def _read_import(node: Node, package: str, out: SourceFile) -> None:
    if node.type == "import_statement":
        for name in node.named_children:
            if name.type == "aliased_import":
                out.imports[ts.text(ts.field(name, "alias"))] = ts.text(ts.field(name, "name"))
            else:
                dotted = ts.text(name)
                out.imports[dotted.split(".", 1)[0]] = dotted.split(".", 1)[0]
        return
    source = ts.field(node, "module_name")
    base = _absolute(ts.text(source), package) if source is not None else ""
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            local, target = ts.text(ts.field(name, "alias")), ts.text(ts.field(name, "name"))
        else:
            local = target = ts.text(name)
        out.imports[local] = f"{base}.{target}" if base else target
    if ts.child(node, "wildcard_import") is not None and base:
        out.wildcard_imports.append(base)


def _absolute(name: str, package: str) -> str:
    """``..models`` seen from package ``app.routers`` → ``app.models``."""
    dots = len(name) - len(name.lstrip("."))
    if not dots:
        return name
    parts = package.split(".") if package else []
    if dots > 1:
        parts = parts[: len(parts) - (dots - 1)]
    rest = name[dots:]
    return ".".join([*parts, rest] if rest else parts)


def _read_block(block: Node, scope: str, owner: TypeDecl | None, out: SourceFile) -> None:
    for node in block.named_children:
        decorators: list[Node] = []
        target = node
        if node.type == "decorated_definition":
            decorators = list(ts.children(node, "decorator"))
            definition = ts.field(node, "definition")
            if definition is None:
                continue
            target = definition
        if target.type == "class_definition":
            _read_class(node, target, decorators, scope, out)
        elif target.type == "function_definition":
            _read_function(node, target, decorators, scope, owner, out)
        elif target.type == "expression_statement" and owner is None:
            _read_assignment(target, out)


def _read_class(
    outer: Node, node: Node, decorators: list[Node], scope: str, out: SourceFile
) -> None:
    name = ts.text(ts.field(node, "name"))
    decl = TypeDecl(
        key=f"{scope}.{name}",
        name=name,
        kind="class",
        start_line=ts.start_line(outer),
        end_line=ts.end_line(outer),
        annotations=[_decorator_name(d) for d in decorators],
    )
    keywords: dict[str, str] = {}
    supers = ts.field(node, "superclasses")
    if supers is not None:
        for arg in supers.named_children:
            if arg.type in ("identifier", "attribute"):
                decl.bases.append(ts.text(arg))
            elif arg.type == "keyword_argument":
                keywords[ts.text(ts.field(arg, "name"))] = ts.text(ts.field(arg, "value"))
    body = ts.field(node, "body")
    if body is not None:
        _read_class_body(body, decl)
        _read_block(body, decl.key, decl, out)
    if decl.table is None:
        if keywords.get("table") == "True" and "SQLModel" in decl.bases:
            decl.table = name.lower()
        elif any(b.endswith("db.Model") for b in decl.bases):
            decl.table = ts.snake_case(name)
    if any(b in ("models.Model", "Model") for b in decl.bases):
        decl.attrs["orm"] = "django"
    if decl.table is not None or decl.attrs.get("orm"):
        decl.is_entity = True
    decl.role = "model" if decl.is_entity else ts.role_from_name(name)
    if decl.role is None and any(b.endswith(("View", "ViewSet", "APIView")) for b in decl.bases):
        decl.role = "controller"
    out.types.append(decl)


def _read_class_body(body: Node, decl: TypeDecl) -> None:
    for stmt in body.named_children:
        if stmt.type == "class_definition" and ts.text(ts.field(stmt, "name")) == "Meta":
            meta = ts.field(stmt, "body")
            for key, value in _assignments(meta).items():
                if key == "db_table" and value.type == "string":
                    decl.table = _string(value)
                elif key == "abstract" and ts.text(value) == "True":
                    decl.abstract = True
                elif key == "app_label" and value.type == "string":
                    decl.attrs["app_label"] = _string(value)
        elif stmt.type == "expression_statement":
            assign = ts.child(stmt, "assignment")
            if assign is None:
                continue
            left, right = ts.field(assign, "left"), ts.field(assign, "right")
            name = ts.text(left)
            if name == "__tablename__" and right is not None and right.type == "string":
                decl.table = _string(right)
            elif name == "__table__" and right is not None and right.type == "call":
                args = ts.field(right, "arguments")
                first = args.named_children[0] if args and args.named_children else None
                if first is not None and first.type == "string":
                    decl.table = _string(first)
            elif name == "__abstract__" and ts.text(right) == "True":
                decl.abstract = True
            annotation = ts.field(assign, "type")
            if annotation is not None and left is not None and left.type == "identifier":
                decl.fields.append(FieldDecl(name=name, types=_type_names(annotation)))


def _assignments(block: Node | None) -> dict[str, Node]:
    found: dict[str, Node] = {}
    if block is None:
        return found
    for stmt in ts.children(block, "expression_statement"):
        assign = ts.child(stmt, "assignment")
        right = ts.field(assign, "right") if assign is not None else None
        if assign is not None and right is not None:
            found[ts.text(ts.field(assign, "left"))] = right
    return found


def _read_function(
    outer: Node,
    node: Node,
    decorators: list[Node],
    scope: str,
    owner: TypeDecl | None,
    out: SourceFile,
) -> None:
    name = ts.text(ts.field(node, "name"))
    fn = FunctionDecl(
        key=f"{owner.key if owner else scope}#{name}",
        name=name,
        start_line=ts.start_line(outer),
        end_line=ts.end_line(outer),
        owner=owner.key if owner else None,
        decorators=[_decorator_name(d) for d in decorators],
    )
    body = ts.field(node, "body")
    if body is not None:
        fn.body = (body.start_byte, body.end_byte)
    for d in decorators:
        fn.routes.extend(_decorator_routes(d))
        fn.http_methods.extend(_view_methods(d))
    out.functions.append(fn)
    if owner is not None and name == "__init__":
        _read_constructor(node, owner)


def _read_constructor(node: Node, owner: TypeDecl) -> None:
    """Typed ``__init__`` parameters are collaborators; ``self.x = param`` keeps the type."""
    params = ts.field(node, "parameters")
    typed: dict[str, list[str]] = {}
    if params is not None:
        for p in ts.children(params, "typed_parameter", "typed_default_parameter"):
            ident = ts.field(p, "name") or ts.child(p, "identifier")
            annotation = ts.field(p, "type")
            if ident is not None and annotation is not None:
                typed[ts.text(ident)] = _type_names(annotation)
    known = {f.name for f in owner.fields}
    body = ts.field(node, "body")
    aliases: dict[str, str] = {}
    for left_text, right in _assignments(body).items():
        if left_text.startswith("self.") and right.type == "identifier":
            aliases[ts.text(right)] = left_text.removeprefix("self.")
    for param, types in typed.items():
        name = aliases.get(param, param)
        if name not in known:
            owner.fields.append(FieldDecl(name=name, types=types, injected=True))
            known.add(name)


def _type_names(annotation: Node) -> list[str]:
    """Names a type annotation mentions; string annotations (``"Repo"``) count as names."""
    found = [ts.text(n) for n in ts.captures(ts.query("python", _IDENTS), annotation).get("id", [])]
    for s in ts.captures(ts.query("python", "(string_content) @s"), annotation).get("s", []):
        found.extend(part for part in ts.text(s).replace("|", " ").split() if part.isidentifier())
    return found


def _decorator_name(node: Node) -> str:
    expr = node.named_children[0] if node.named_children else None
    if expr is not None and expr.type == "call":
        expr = ts.field(expr, "function")
    return ts.text(expr)


def _decorator_routes(node: Node) -> list[Route]:
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call":
        return []
    func = ts.field(call, "function")
    if func is None or func.type != "attribute":
        return []
    verb = ts.text(ts.field(func, "attribute"))
    router = ts.text(ts.field(func, "object"))
    args, kwargs = _arguments(ts.field(call, "arguments"))
    path_node = args[0] if args else kwargs.get("path") or kwargs.get("rule")
    if path_node is None or path_node.type != "string":
        return []
    path = _string(path_node)
    if path and not path.startswith("/"):
        return []
    if verb in _VERBS:
        return [Route(verb.upper(), path, router=router)]
    if verb in ("route", "api_route"):
        methods = _strings(kwargs.get("methods")) or ["GET"]
        return [Route(m.upper(), path, router=router) for m in methods]
    return []


def _view_methods(node: Node) -> list[str]:
    """HTTP methods a Django/DRF view decorator allows (``require_http_methods([...])``)."""
    name = _decorator_name(node).rsplit(".", 1)[-1]
    if name in _DJANGO_METHOD_DECORATORS:
        return _DJANGO_METHOD_DECORATORS[name]
    call = node.named_children[0] if node.named_children else None
    if name in ("require_http_methods", "api_view") and call is not None and call.type == "call":
        args, kwargs = _arguments(ts.field(call, "arguments"))
        given = args[0] if args else kwargs.get("http_method_names")
        return [m.upper() for m in _strings(given)]
    return []


def _read_assignment(stmt: Node, out: SourceFile) -> None:
    assign = ts.child(stmt, "assignment")
    if assign is None:
        return
    left, right = ts.field(assign, "left"), ts.field(assign, "right")
    if left is None or right is None or left.type != "identifier":
        return
    if right.type == "call":
        factory = ts.text(ts.field(right, "function")).rsplit(".", 1)[-1]
        if factory in _ROUTER_FACTORIES:
            _, kwargs = _arguments(ts.field(right, "arguments"))
            keyword = _ROUTER_FACTORIES[factory]
            prefix = kwargs.get(keyword) if keyword else None
            out.routers[ts.text(left)] = _string(prefix) if prefix is not None else ""
    elif ts.text(left) == "urlpatterns" and right.type in ("list", "binary_operator"):
        _read_urlpatterns(right, out)


def _read_urlpatterns(node: Node, out: SourceFile) -> None:
    entries = ts.captures(ts.query("python", _ALL_CALLS), node).get("call", [])
    for call in sorted(entries, key=lambda n: n.start_byte):
        name = ts.text(ts.field(call, "function")).rsplit(".", 1)[-1]
        if name not in _URL_FUNCTIONS:
            continue
        args, kwargs = _arguments(ts.field(call, "arguments"))
        route_node = args[0] if args else kwargs.get("route")
        view = args[1] if len(args) > 1 else kwargs.get("view")
        if route_node is None or route_node.type != "string" or view is None:
            continue
        route = _string(route_node)
        if name != "path":
            route = _regex_route(route)
        if view.type == "call" and ts.text(ts.field(view, "function")).endswith("include"):
            inc_args, _ = _arguments(ts.field(view, "arguments"))
            target = inc_args[0] if inc_args else None
            if target is not None and target.type == "string":
                out.mounts.append(Mount(parent="urlpatterns", child=_string(target), prefix=route))
            continue
        handler = ts.text(view)
        if view.type == "call":
            handler = ts.text(ts.field(view, "function")).removesuffix(".as_view")
        out.routes.append(Route("ANY", route, router="urlpatterns", handler=handler))


def _regex_route(pattern: str) -> str:
    """``^orders/(?P<pk>[0-9]+)/$`` → ``orders/<pk>/`` (parameters in a form endpoint_key reads)."""
    route = pattern.removeprefix("^").removesuffix("$")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    return re.sub(r"\([^)]*\)", "<p>", route)


def _read_calls(root: Node, out: SourceFile) -> None:
    """``include_router`` / ``register_blueprint`` calls anywhere (often in ``create_app``)."""
    for match in ts.matches(ts.query("python", _CALLS), root):
        name = ts.text(match["name"][0])
        if name not in _MOUNTS:
            continue
        call = match["name"][0].parent.parent if match["name"][0].parent else None
        if call is None or call.type != "call":
            continue
        args, kwargs = _arguments(ts.field(call, "arguments"))
        if not args:
            continue
        prefix_node = kwargs.get(_MOUNTS[name])
        prefix = _string(prefix_node) if prefix_node is not None else ""
        out.mounts.append(
            Mount(parent=ts.text(match["recv"][0]), child=ts.text(args[0]), prefix=prefix)
        )


def _arguments(node: Node | None) -> tuple[list[Node], dict[str, Node]]:
    args: list[Node] = []
    kwargs: dict[str, Node] = {}
    if node is None:
        return args, kwargs
    for arg in node.named_children:
        if arg.type == "keyword_argument":
            value = ts.field(arg, "value")
            if value is not None:
                kwargs[ts.text(ts.field(arg, "name"))] = value
        elif arg.type != "comment":
            args.append(arg)
    return args, kwargs


def _string(node: Node | None) -> str:
    if node is None:
        return ""
    if node.type == "concatenated_string":
        return "".join(_string(c) for c in ts.children(node, "string"))
    return "".join(ts.text(c) for c in ts.children(node, "string_content"))


def _strings(node: Node | None) -> list[str]:
    if node is None or node.type not in ("list", "tuple", "set"):
        return []
    return [_string(c) for c in ts.children(node, "string")]
