"""Parsed source files → the code part of the graph: classes, methods, endpoints, tables,
entities and aggregates, services, and the lookups linking needs.

Aggregates (JPA entities, Java): an entity is an aggregate root when a repository manages it
(a ``*Repository<E, ID>`` interface names it) or when no other entity refers to it; an entity
without a repository that other entities refer to is a member of the aggregates of the roots
that reach it through entity references. Roots get an ``aggregate`` node; every entity gets an
``entity`` node; ``aggregate CONTAINS entity`` for the root's own entity and its members.

Tables a method touches: through the fields of its class whose type is an entity (its table) or
a repository (the tables of the entities it manages); in Python and Go also the model classes
the method's body names (``select(Item)``, ``db.First(&order)``), as those languages reach the
database without a typed repository. Calls on a repository field whose method name starts
with a read verb (``find``, ``get``, ``count``, ...) give ``READS``, with a write verb
(``save``, ``delete``, ``update``, ...) ``WRITES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from posixpath import basename, dirname

from warroom.assets.development.code import FunctionDecl, Route, SourceFile, TypeDecl
from warroom.assets.development.code.syntax import snake_case
from warroom.assets.development.modules import Module, module_of
from warroom.assets.development.resolve import Resolver
from warroom.domain.graph import Edge, EdgeKind, Node, NodeKind, endpoint_key

_READ_VERBS: tuple[str, ...] = ("find", "get", "read", "query", "search", "count", "exists")
_READ_VERBS += ("list", "load", "fetch", "select", "stream", "all", "filter", "first", "one")
_WRITE_VERBS: tuple[str, ...] = ("save", "delete", "remove", "insert", "update", "add", "persist")
_WRITE_VERBS += ("merge", "create", "put", "upsert", "flush", "store", "bulk", "set", "increment")
_CBV_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


@dataclass(slots=True)
class CodeGraph:
    """Nodes, edges and lookups built from the parsed files of one repository."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    method_endpoints: dict[str, list[str]] = field(default_factory=dict)
    method_tables: dict[str, list[str]] = field(default_factory=dict)
    class_tables: dict[str, list[str]] = field(default_factory=dict)
    table_aggregates: dict[str, list[str]] = field(default_factory=dict)
    class_aggregates: dict[str, str] = field(default_factory=dict)  # entity class -> aggregate

    def node(self, kind: NodeKind, key: str, name: str | None = None, **attrs: object) -> str:
        """Adds a node, or merges ``attrs`` into the one with the same id; returns the id."""
        id_ = nid(kind, key)
        old = self.nodes.get(id_)
        if old is None:
            self.nodes[id_] = Node(id=id_, kind=kind, name=name or key, attrs=attrs)
        else:
            old.attrs.update(attrs)
        return id_

    def edge(self, src: str, kind: EdgeKind, dst: str, **attrs: object) -> None:
        key = (src, kind.value, dst)
        if key not in self.edges:
            self.edges[key] = Edge(src=src, dst=dst, kind=kind, attrs=attrs)


_PREFIX = {kind: f"{kind.value}:" for kind in NodeKind}


def nid(kind: NodeKind, key: str) -> str:
    """``domain.graph.node_id`` without the enum lookup per call (it runs ~10^5 times)."""
    return _PREFIX[kind] + key


def build_code_graph(
    files: Mapping[str, SourceFile],
    resolver: Resolver,
    modules: Mapping[str, Module],
    source: str,
    tests: set[str],
) -> CodeGraph:
    """The code graph; ``tests`` are paths of test files (their routes are not endpoints)."""
    g = CodeGraph()
    managed = _managed_entities(files, resolver)
    tables = _tables(files, resolver)
    for path, f in files.items():
        service = nid(NodeKind.SERVICE, module_of(path, modules).service)
        file_id = nid(NodeKind.FILE, path)
        for t in f.types:
            _add_class(g, t, path, f, service, source)
            g.edge(file_id, EdgeKind.CONTAINS, nid(NodeKind.CLASS, t.key))
        for fn in f.functions:
            _add_function(g, fn, path, f, resolver, source)
    for key, table in tables.items():
        table_id = g.node(NodeKind.TABLE, table, source=source)
        g.edge(nid(NodeKind.CLASS, key), EdgeKind.MAPS_TO, table_id)
    _add_aggregates(g, files, resolver, managed, tables, source)
    _add_dependencies(g, files, resolver, managed, tables)
    _add_endpoints(g, files, resolver, modules, source, tests)
    return g


def _add_class(
    g: CodeGraph, t: TypeDecl, path: str, f: SourceFile, service: str, source: str
) -> None:
    attrs: dict[str, object] = {
        "file": path,
        "start_line": t.start_line,
        "end_line": t.end_line,
        "language": f.language,
        "type_kind": t.kind,
        "source": source,
    }
    if t.role:
        attrs["role"] = t.role
    if t.annotations:
        attrs["annotations"] = t.annotations
    class_id = g.node(NodeKind.CLASS, t.key, t.name, **attrs)
    g.edge(class_id, EdgeKind.BELONGS_TO, service)


def _add_function(
    g: CodeGraph, fn: FunctionDecl, path: str, f: SourceFile, resolver: Resolver, source: str
) -> None:
    owner = resolver.classes.get(fn.owner) if fn.owner else None
    attrs: dict[str, object] = {
        "file": path,
        "start_line": fn.start_line,
        "end_line": fn.end_line,
        "language": f.language,
        "source": source,
    }
    if owner is not None and owner.decl.role:
        attrs["role"] = owner.decl.role
    method_id = nid(NodeKind.METHOD, fn.key)
    old = g.nodes.get(method_id)
    if old is not None:  # an overload: one node, every range listed
        ranges = old.attrs.get("ranges") or [[old.attrs["start_line"], old.attrs["end_line"]]]
        attrs["ranges"] = [*ranges, [fn.start_line, fn.end_line]]
        attrs["start_line"], attrs["end_line"] = old.attrs["start_line"], old.attrs["end_line"]
    g.node(NodeKind.METHOD, fn.key, fn.name, **attrs)
    parent = (
        nid(NodeKind.CLASS, fn.owner)
        if fn.owner and fn.owner in resolver.classes
        else nid(NodeKind.FILE, path)
    )
    g.edge(parent, EdgeKind.CONTAINS, method_id)


def _managed_entities(files: Mapping[str, SourceFile], resolver: Resolver) -> dict[str, list[str]]:
    """Repository class key → entity class keys it manages."""
    managed: dict[str, list[str]] = {}
    for f in files.values():
        for t in f.types:
            if t.role != "repository":
                continue
            found: list[str] = []
            for base, args in t.base_args.items():
                if base.rsplit(".", 1)[-1].endswith("Repository") and args:
                    found.extend(resolver.type_keys(args[:1], f))
            if not found and f.language != "java":
                names = set().union(*(fn.names for fn in f.functions if fn.owner == t.key))
                found = [k for k in resolver.type_keys(sorted(names), f) if _is_entity(k, resolver)]
            if found:
                managed[t.key] = found
    return managed


def _is_entity(key: str, resolver: Resolver) -> bool:
    located = resolver.classes.get(key)
    return located is not None and located.decl.is_entity and not located.decl.abstract


def _tables(files: Mapping[str, SourceFile], resolver: Resolver) -> dict[str, str]:
    """Class key → table name for every mapped class."""
    tables: dict[str, str] = {}
    for path, f in files.items():
        for t in f.types:
            if not t.is_entity or t.abstract:
                continue
            if t.table:
                tables[t.key] = t.table.lower()
            elif t.attrs.get("orm") == "django":
                tables[t.key] = f"{_django_app(path, t)}_{t.name.lower()}"
    # A mapped subclass without a table of its own shares its parent's (single-table mapping).
    for f in files.values():
        for t in f.types:
            if t.key in tables or t.abstract or f.language != "python":
                continue
            for base in resolver.type_keys(t.bases, f):
                if base in tables:
                    tables[t.key] = tables[base]
                    break
    return tables


def _django_app(path: str, t: TypeDecl) -> str:
    if "app_label" in t.attrs:
        return t.attrs["app_label"]
    folder = dirname(path)
    if basename(folder) == "models":
        folder = dirname(folder)
    return basename(folder) or snake_case(t.name)


def _add_aggregates(
    g: CodeGraph,
    files: Mapping[str, SourceFile],
    resolver: Resolver,
    managed: Mapping[str, list[str]],
    tables: Mapping[str, str],
    source: str,
) -> None:
    entities: dict[str, list[str]] = {}  # entity key -> entity keys it refers to
    for f in files.values():
        if f.language != "java":
            continue
        for t in f.types:
            if t.is_entity and not t.abstract:
                refs = resolver.type_keys([n for fd in t.fields for n in fd.types], f)
                entities[t.key] = [r for r in refs if r != t.key and _is_entity(r, resolver)]
    with_repository = {e for keys in managed.values() for e in keys}
    referenced = {r for refs in entities.values() for r in refs}
    roots = [e for e in entities if e in with_repository or e not in referenced]
    for key in entities:
        decl = resolver.classes[key].decl
        entity_id = g.node(NodeKind.ENTITY, decl.name, source=source, klass=key)
        g.edge(nid(NodeKind.CLASS, key), EdgeKind.IMPLEMENTS, entity_id)
        if key in tables:
            g.edge(entity_id, EdgeKind.MAPS_TO, nid(NodeKind.TABLE, tables[key]))
    for root in roots:
        decl = resolver.classes[root].decl
        aggregate_id = g.node(NodeKind.AGGREGATE, decl.name, source=source, klass=root)
        g.edge(nid(NodeKind.CLASS, root), EdgeKind.IMPLEMENTS, aggregate_id)
        g.class_aggregates[root] = aggregate_id
        members, queue = [root], list(entities[root])
        while queue:
            member = queue.pop()
            if member in members or member in roots:
                continue
            members.append(member)
            g.class_aggregates.setdefault(member, aggregate_id)
            queue.extend(entities.get(member, []))
        for member in members:
            member_decl = resolver.classes[member].decl
            g.edge(aggregate_id, EdgeKind.CONTAINS, nid(NodeKind.ENTITY, member_decl.name))
            if member in tables:
                table_id = nid(NodeKind.TABLE, tables[member])
                if member == root:
                    g.edge(aggregate_id, EdgeKind.MAPS_TO, table_id)
                found = g.table_aggregates.setdefault(table_id, [])
                if aggregate_id not in found:
                    found.append(aggregate_id)


def _add_dependencies(
    g: CodeGraph,
    files: Mapping[str, SourceFile],
    resolver: Resolver,
    managed: Mapping[str, list[str]],
    tables: Mapping[str, str],
) -> None:
    def tables_of(key: str) -> list[str]:
        if key in tables:
            return [tables[key]]
        return [tables[e] for e in managed.get(key, []) if e in tables]

    # Field types of every class first: a Go method may sit in another file than its type.
    fields_of: dict[str, dict[str, list[str]]] = {}
    for f in files.values():
        for t in f.types:
            class_id = nid(NodeKind.CLASS, t.key)
            typed: dict[str, list[str]] = {}
            for fd in t.fields:
                keys = [k for k in resolver.type_keys(fd.types, f) if k != t.key]
                typed[fd.name] = keys
                if fd.injected:
                    for k in keys:
                        g.edge(class_id, EdgeKind.DEPENDS_ON, nid(NodeKind.CLASS, k))
            fields_of[t.key] = typed
            found = sorted({n for keys in typed.values() for k in keys for n in tables_of(k)})
            found = sorted({*found, *tables_of(t.key)})
            if found:
                g.class_tables[t.key] = [nid(NodeKind.TABLE, n) for n in found]
    for f in files.values():
        for fn in f.functions:
            typed = fields_of.get(fn.owner or "", {})
            touched: set[str] = set()
            for name in fn.names:
                for k in typed.get(name, []):
                    touched.update(tables_of(k))
            owner = resolver.classes.get(fn.owner) if fn.owner else None
            direct = f.language != "java" or (owner is not None and owner.decl.role == "repository")
            if direct:
                for k in resolver.type_keys(sorted(fn.names), f):
                    if k in tables:
                        touched.add(tables[k])
            if owner is not None and owner.decl.role == "repository" and f.language == "java":
                touched.update(tables_of(owner.decl.key))
            method_id = nid(NodeKind.METHOD, fn.key)
            for receiver, called in fn.calls:
                kind = _access(called)
                for k in typed.get(receiver, []):
                    for table in tables_of(k):
                        if kind is not None:
                            g.edge(method_id, kind, nid(NodeKind.TABLE, table))
            if touched:
                ids = sorted(nid(NodeKind.TABLE, t) for t in touched)
                known = g.method_tables.setdefault(fn.key, [])
                known.extend(i for i in ids if i not in known)


def _access(method: str) -> EdgeKind | None:
    lower = method.lower()
    if lower.startswith(_WRITE_VERBS):
        return EdgeKind.WRITES
    if lower.startswith(_READ_VERBS):
        return EdgeKind.READS
    return None


def _add_endpoints(
    g: CodeGraph,
    files: Mapping[str, SourceFile],
    resolver: Resolver,
    modules: Mapping[str, Module],
    source: str,
    tests: set[str],
) -> None:
    prefixes = _RouterPrefixes(files, resolver)
    for path, f in files.items():
        if path in tests:
            continue
        service = nid(NodeKind.SERVICE, module_of(path, modules).service)
        for fn in f.functions:
            if not fn.routes:
                continue
            if f.language == "java":
                owner = resolver.classes.get(fn.owner or "")
                heads = [r.path for r in owner.decl.routes] if owner else []
            else:
                heads = prefixes.of(fn.routes[0].router or "", f)
            for route in fn.routes:
                for head in heads or [""]:
                    _endpoint(g, route.method, _join(head, route.path), fn.key, service, source)
        for route in f.routes:
            if route.router == "urlpatterns":
                continue
            targets = resolver.callable_key(route.handler or "", f)
            handler = targets[0] if targets and "#" in targets[0] else None
            _endpoint(g, route.method, route.path, handler, service, source)
    for path, f, route, head in prefixes.django_routes():
        if path in tests:
            continue
        service = nid(NodeKind.SERVICE, module_of(path, modules).service)
        for handler, method in _django_views(route, f, resolver):
            _endpoint(g, method, _join(head, route.path), handler, service, source)


def _django_views(route: Route, f: SourceFile, resolver: Resolver) -> list[tuple[str | None, str]]:
    targets = resolver.callable_key(route.handler or "", f)
    if not targets:
        return [(None, "ANY")]
    target = targets[0]
    if "#" in target:
        fns = resolver.functions.get(target, [])
        methods = fns[0][1].http_methods if fns else []
        return [(target, m) for m in (methods or ["ANY"])]
    views: list[tuple[str | None, str]] = [
        (f"{target}#{m}", m.upper()) for m in _CBV_METHODS if f"{target}#{m}" in resolver.functions
    ]
    return views or [(None, "ANY")]


def _endpoint(
    g: CodeGraph, method: str, path: str, handler: str | None, service: str, source: str
) -> None:
    key = endpoint_key(method, path)
    endpoint_id = g.node(
        NodeKind.ENDPOINT, key, http_method=method.upper(), path=path or "/", source=source
    )
    g.edge(service, EdgeKind.CONTAINS, endpoint_id)
    if handler is not None:
        g.edge(nid(NodeKind.METHOD, handler), EdgeKind.HANDLES, endpoint_id)
        found = g.method_endpoints.setdefault(handler, [])
        if endpoint_id not in found:
            found.append(endpoint_id)


def _join(*parts: str) -> str:
    inner = [p.strip("/") for p in parts if p and p.strip("/")]
    return "/" + "/".join(inner)


class _RouterPrefixes:
    """Prefixes of Python routers (FastAPI, Flask) and Django url modules across files."""

    def __init__(self, files: Mapping[str, SourceFile], resolver: Resolver) -> None:
        self.files = files
        self.resolver = resolver
        self.own: dict[str, str] = {}  # router id -> own prefix
        self.parents: dict[str, list[tuple[str, str]]] = {}  # child id -> [(parent id, prefix)]
        self.url_modules: dict[str, tuple[str, SourceFile]] = {}
        self._memo: dict[str, list[str]] = {}
        for path, f in files.items():
            if f.language != "python":
                continue
            for var, prefix in f.routers.items():
                self.own[f"{f.module}:{var}"] = prefix
            if any(r.router == "urlpatterns" for r in f.routes) or any(
                m.parent == "urlpatterns" for m in f.mounts
            ):
                self.url_modules[f.module] = (path, f)
        for f in files.values():
            for m in f.mounts:
                if m.parent == "urlpatterns":
                    child, parent = f"{m.child}:urlpatterns", f"{f.module}:urlpatterns"
                else:
                    child, parent = self._ref(m.child, f), self._ref(m.parent, f)
                self.parents.setdefault(child, []).append((parent, m.prefix))

    def _ref(self, expr: str, f: SourceFile) -> str:
        if expr in f.routers:
            return f"{f.module}:{expr}"
        head, dot, rest = expr.partition(".")
        if head in f.imports:
            target = f.imports[head]
            if dot:
                return f"{target}:{rest}"
            module, _, var = target.rpartition(".")
            return f"{module}:{var}"
        return f"{f.module}:{expr}"

    def of(self, router: str, f: SourceFile) -> list[str]:
        return self._full(self._ref(router, f), set())

    def _full(self, ref: str, seen: set[str]) -> list[str]:
        if ref in self._memo:
            return self._memo[ref]
        own = self.own.get(ref, "")
        parents = [p for p in self.parents.get(ref, []) if p[0] not in seen]
        if not parents:
            found = [own]
        else:
            found = []
            for parent, prefix in parents:
                for head in self._full(parent, seen | {ref}):
                    joined = _join(head, prefix, own)
                    if joined not in found:
                        found.append(joined)
        self._memo[ref] = found
        return found

    def django_routes(self) -> list[tuple[str, SourceFile, Route, str]]:
        out = []
        for module, (path, f) in sorted(self.url_modules.items()):
            for head in self._full(f"{module}:urlpatterns", set()):
                for route in f.routes:
                    if route.router == "urlpatterns":
                        out.append((path, f, route, head))
        return out
