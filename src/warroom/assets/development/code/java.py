"""Java: packages, imports, types, methods, Spring and JAX-RS endpoints, JPA entities.

Roles come from stereotypes: ``@RestController``/``@Controller``/JAX-RS ``@Path`` →
``controller``, ``@Service`` → ``service``, ``@Repository`` or an interface extending a
``*Repository`` type → ``repository``, ``@Entity`` → ``entity``, ``@Component`` → ``component``,
``@Configuration`` → ``config``. Injected collaborators: fields annotated ``@Autowired``,
``@Inject`` or ``@Resource``, non-static ``final`` fields of a stereotyped class (constructor
injection, Lombok's ``@RequiredArgsConstructor``) and constructor parameters.
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

_TYPES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration")
_KIND = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
}
_STEREOTYPES = {
    "RestController": "controller",
    "Controller": "controller",
    "Path": "controller",
    "Service": "service",
    "Repository": "repository",
    "Entity": "entity",
    "Embeddable": "entity",
    "MappedSuperclass": "entity",
    "Component": "component",
    "Configuration": "config",
}
_INJECT = {"Autowired", "Inject", "Resource"}
_VERB_MAPPINGS = {
    "GetMapping": "GET",
    "PostMapping": "POST",
    "PutMapping": "PUT",
    "DeleteMapping": "DELETE",
    "PatchMapping": "PATCH",
}
_JAXRS_VERBS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}
_IDENTS = "(identifier) @id (type_identifier) @id"
_CALLS = "(method_invocation object: (_) @recv name: (identifier) @name)"

Annotation = tuple[str, dict[str, list[str]]]  # name, {element: string values}


def parse_java(path: str, source: bytes) -> SourceFile:
    root = ts.parse("java", source)
    package = ""
    out = SourceFile(path=path, language="java", module="", lines=source.count(b"\n") + 1)
    for node in root.named_children:
        if node.type == "package_declaration":
            name = ts.child(node, "scoped_identifier", "identifier")
            package = ts.text(name)
        elif node.type == "import_declaration":
            _read_import(node, out)
        elif node.type in _TYPES:
            _read_type(node, package, out)
    out.module = package
    ts.read_bodies("java", root, out.functions, _IDENTS, _CALLS, "this.")
    return out


def _read_import(node: Node, out: SourceFile) -> None:
    if any(c.type == "static" for c in node.children):
        return
    name = ts.text(ts.child(node, "scoped_identifier", "identifier"))
    if ts.child(node, "asterisk") is not None:
        out.wildcard_imports.append(name)
    elif name:
        out.imports[name.rsplit(".", 1)[-1]] = name


def _read_type(node: Node, outer: str, out: SourceFile) -> None:
    name = ts.text(ts.field(node, "name"))
    key = f"{outer}.{name}" if outer else name
    annotations = _annotations(node)
    names = [a for a, _ in annotations]
    decl = TypeDecl(
        key=key,
        name=name,
        kind=_KIND[node.type],
        start_line=ts.start_line(node),
        end_line=ts.end_line(node),
        annotations=names,
    )
    modifiers = ts.child(node, "modifiers")
    decl.abstract = node.type == "interface_declaration" or (
        modifiers is not None and any(c.type == "abstract" for c in modifiers.children)
    )
    _read_supertypes(node, decl)
    decl.role = next((_STEREOTYPES[a] for a in names if a in _STEREOTYPES), None)
    if (
        decl.role is None
        and node.type == "interface_declaration"
        and any(b.rsplit(".", 1)[-1].endswith("Repository") for b in decl.bases)
    ):
        decl.role = "repository"
    decl.is_entity = "Entity" in names
    if decl.is_entity:
        decl.table = _table_name(annotations, name)
    decl.routes = _class_prefixes(annotations)
    out.types.append(decl)
    body = ts.field(node, "body")
    if node.type == "record_declaration":
        components = ts.field(node, "parameters")
        if components is not None:
            decl.fields.extend(_parameters(components, injected=False))
    if body is None:
        return
    stereotyped = decl.role is not None and decl.role != "entity"
    params: list[FieldDecl] = []
    for member in body.named_children:
        inner = member.named_children if member.type == "enum_body_declarations" else [member]
        for m in inner:
            params.extend(_read_member(m, decl, stereotyped, out))
    if decl.is_entity or decl.role == "entity":
        return
    # Constructor parameters are collaborators handed in; a field of the same name holds one.
    by_name = {f.name: f for f in decl.fields}
    for p in params:
        if p.name in by_name:
            by_name[p.name].injected = True
        else:
            decl.fields.append(p)
            by_name[p.name] = p


def _read_member(
    member: Node, decl: TypeDecl, stereotyped: bool, out: SourceFile
) -> list[FieldDecl]:
    """Reads one class member; returns the parameters of a constructor."""
    if member.type in _TYPES:
        _read_type(member, decl.key, out)
    elif member.type == "field_declaration":
        decl.fields.extend(_fields(member, stereotyped))
    elif member.type in ("method_declaration", "constructor_declaration"):
        out.functions.append(_method(member, decl))
        params = ts.field(member, "parameters")
        if member.type == "constructor_declaration" and params is not None:
            return _parameters(params, injected=True)
    return []


def _read_supertypes(node: Node, decl: TypeDecl) -> None:
    holders = [ts.field(node, "superclass"), ts.field(node, "interfaces")]
    holders.extend(ts.children(node, "extends_interfaces", "super_interfaces"))
    seen: set[int] = set()
    for holder in holders:
        if holder is None or holder.id in seen:
            continue
        seen.add(holder.id)
        for t in _type_nodes(holder):
            base, args = _type_name(t)
            if base and base not in decl.bases:
                decl.bases.append(base)
                if args:
                    decl.base_args[base] = args


def _type_nodes(holder: Node) -> list[Node]:
    found: list[Node] = []
    for c in holder.named_children:
        if c.type == "type_list":
            found.extend(c.named_children)
        elif c.type in ("type_identifier", "scoped_type_identifier", "generic_type"):
            found.append(c)
    return found


def _type_name(node: Node) -> tuple[str, list[str]]:
    """``JpaRepository<Order, Long>`` → (``JpaRepository``, [``Order``, ``Long``])."""
    if node.type == "generic_type":
        base = ts.child(node, "type_identifier", "scoped_type_identifier")
        args_node = ts.child(node, "type_arguments")
        args = [] if args_node is None else [_type_name(a)[0] for a in args_node.named_children]
        return ts.text(base), [a for a in args if a]
    if node.type in ("type_identifier", "scoped_type_identifier"):
        return ts.text(node), []
    return "", []


def _mentioned_types(node: Node | None) -> list[str]:
    """Every class-like type a declared type mentions: ``Map<String, List<Order>>`` →
    ``[Map, String, List, Order]``."""
    if node is None:
        return []
    if node.type in ("type_identifier", "scoped_type_identifier"):
        return [ts.text(node)]
    return [ts.text(n) for n in ts.captures(ts.query("java", _IDENTS), node).get("id", [])]


def _fields(node: Node, stereotyped: bool) -> list[FieldDecl]:
    modifiers = ts.child(node, "modifiers")
    annotations = [a for a, _ in _annotations(node)]
    flags = {c.type for c in modifiers.children} if modifiers is not None else set()
    if "static" in flags:
        return []
    injected = bool(_INJECT.intersection(annotations)) or (stereotyped and "final" in flags)
    types = _mentioned_types(ts.field(node, "type"))
    return [
        FieldDecl(
            name=ts.text(ts.field(d, "name")),
            types=types,
            annotations=annotations,
            injected=injected,
        )
        for d in ts.children(node, "variable_declarator")
    ]


def _parameters(params: Node, injected: bool) -> list[FieldDecl]:
    found = []
    for p in ts.children(params, "formal_parameter"):
        found.append(
            FieldDecl(
                name=ts.text(ts.field(p, "name")),
                types=_mentioned_types(ts.field(p, "type")),
                injected=injected,
            )
        )
    return found


def _method(node: Node, decl: TypeDecl) -> FunctionDecl:
    constructor = node.type == "constructor_declaration"
    name = "<init>" if constructor else ts.text(ts.field(node, "name"))
    fn = FunctionDecl(
        key=f"{decl.key}#{name}",
        name=name,
        start_line=ts.start_line(node),
        end_line=ts.end_line(node),
        owner=decl.key,
    )
    body = ts.field(node, "body")
    if body is not None:
        fn.body = (body.start_byte, body.end_byte)
    annotations = _annotations(node)
    fn.decorators = [a for a, _ in annotations]
    fn.routes = _method_routes(annotations)
    return fn


def _annotations(node: Node) -> list[Annotation]:
    modifiers = ts.child(node, "modifiers")
    if modifiers is None:
        return []
    found: list[Annotation] = []
    for a in ts.children(modifiers, "annotation", "marker_annotation"):
        name = ts.text(ts.field(a, "name")).rsplit(".", 1)[-1]
        values: dict[str, list[str]] = {}
        args = ts.field(a, "arguments")
        if args is not None:
            for arg in args.named_children:
                if arg.type == "element_value_pair":
                    key = ts.text(ts.field(arg, "key"))
                    values[key] = _values(ts.field(arg, "value"))
                else:
                    values["value"] = _values(arg)
        found.append((name, values))
    return found


def _values(node: Node | None) -> list[str]:
    """String literals (concatenations joined) and enum constants of an annotation value."""
    if node is None:
        return []
    if node.type == "string_literal":
        return ["".join(ts.text(c) for c in ts.children(node, "string_fragment"))]
    if node.type == "binary_expression":
        parts = [_values(c) for c in node.named_children]
        if all(len(p) == 1 for p in parts):
            return ["".join(p[0] for p in parts)]
        return []
    if node.type == "element_value_array_initializer":
        return [v for c in node.named_children for v in _values(c)]
    if node.type in ("field_access", "identifier", "scoped_identifier"):
        return [ts.text(node).rsplit(".", 1)[-1]]
    return []


def _paths(values: dict[str, list[str]]) -> list[str]:
    return values.get("value") or values.get("path") or [""]


def _class_prefixes(annotations: list[Annotation]) -> list[Route]:
    for name, values in annotations:
        if name in ("RequestMapping", "Path"):
            return [Route(method="ANY", path=p) for p in _paths(values)]
    return []


def _method_routes(annotations: list[Annotation]) -> list[Route]:
    routes: list[Route] = []
    jaxrs_verbs = [a for a, _ in annotations if a in _JAXRS_VERBS]
    for name, values in annotations:
        if name in _VERB_MAPPINGS:
            routes.extend(Route(_VERB_MAPPINGS[name], p) for p in _paths(values))
        elif name == "RequestMapping":
            verbs = [v.upper() for v in values.get("method", [])] or ["ANY"]
            routes.extend(Route(v, p) for v in verbs for p in _paths(values))
        elif name == "Path" and jaxrs_verbs:
            routes.extend(Route(v, p) for v in jaxrs_verbs for p in _paths(values))
    if jaxrs_verbs and not any(a == "Path" for a, _ in annotations):
        routes.extend(Route(v, "") for v in jaxrs_verbs)
    return routes


def _table_name(annotations: list[Annotation], class_name: str) -> str:
    """``@Table(name=...)``, else ``@Entity(name=...)``, else the class name in snake case
    (Spring Boot's default physical naming)."""
    for wanted in ("Table", "Entity"):
        for name, values in annotations:
            if name == wanted and values.get("name"):
                return values["name"][0].strip('"`[] ').lower()
    return ts.snake_case(class_name)
