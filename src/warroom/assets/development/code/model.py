"""What a source file declares, as the language parsers read it (no git, no graph yet).

Lines are 1-based and inclusive. Keys follow ``domain.graph``: a class key is its fully
qualified name (Java ``com.x.Outer.Inner``, Python ``app.models.Item``, Go ``orders.Handler``);
a function key is ``"<class key>#<name>"``, or ``"<module>#<name>"`` for a module-level
function (Java constructors are ``#<init>`` as the JVM names them).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Route:
    """An HTTP route as declared. ``method`` is upper-case or ``ANY`` when the code does not
    restrict it; ``router`` names the Python router/blueprint variable a decorator hangs on
    (its prefix is resolved across files later); ``handler`` is the handler expression of a
    registration call (Go ``h.List``, Django ``views.detail``), resolved later."""

    method: str
    path: str
    router: str | None = None
    handler: str | None = None


@dataclass(slots=True)
class FieldDecl:
    """A field, constructor parameter or annotated attribute of a class.

    ``types`` lists the type names it mentions as written (``List<OrderLine>`` gives
    ``["List", "OrderLine"]``); ``injected`` says it is a collaborator handed in by the
    framework or the constructor.
    """

    name: str
    types: list[str]
    annotations: list[str] = field(default_factory=list)
    injected: bool = False


@dataclass(slots=True)
class FunctionDecl:
    key: str
    name: str
    start_line: int
    end_line: int
    owner: str | None = None  # class key, None for a module-level function
    names: set[str] = field(default_factory=set)  # identifiers used in the body
    calls: list[tuple[str, str]] = field(default_factory=list)  # (receiver, method)
    routes: list[Route] = field(default_factory=list)
    http_methods: list[str] = field(default_factory=list)  # Django view decorators
    decorators: list[str] = field(default_factory=list)
    body: tuple[int, int] | None = None  # byte range of the body in the file


@dataclass(slots=True)
class TypeDecl:
    """A class, interface, enum, record or Go struct/interface type."""

    key: str
    name: str
    kind: str
    start_line: int
    end_line: int
    annotations: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # as written: simple or dotted names
    base_args: dict[str, list[str]] = field(default_factory=dict)  # JpaRepository -> [Order, Long]
    fields: list[FieldDecl] = field(default_factory=list)
    role: str | None = None
    table: str | None = None  # explicit table name (@Table, __tablename__, Meta.db_table)
    is_entity: bool = False  # JPA @Entity, SQLAlchemy / Django model
    abstract: bool = False
    routes: list[Route] = field(default_factory=list)  # class-level prefixes (Spring, JAX-RS)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Mount:
    """A Python router mounted under another: ``app.include_router(r, prefix="/api")``,
    ``app.register_blueprint(bp, url_prefix="/x")`` or a Django ``include("app.urls")``."""

    parent: str
    child: str
    prefix: str


@dataclass(slots=True)
class SourceFile:
    path: str
    language: str
    module: str  # Java package, Python module, Go package name
    lines: int
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    wildcard_imports: list[str] = field(default_factory=list)
    types: list[TypeDecl] = field(default_factory=list)
    functions: list[FunctionDecl] = field(default_factory=list)  # every function and method
    routers: dict[str, str] = field(default_factory=dict)  # Python router variable -> prefix
    mounts: list[Mount] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)  # registration calls (Go, Django urls)

    def enclosing(self, line: int) -> FunctionDecl | None:
        """The innermost function whose lines hold ``line``."""
        best: FunctionDecl | None = None
        for fn in self.functions:
            if fn.start_line <= line <= fn.end_line and (
                best is None or fn.end_line - fn.start_line < best.end_line - best.start_line
            ):
                best = fn
        return best


class SourceError(Exception):
    """A file that could not be parsed (syntax error, undecodable bytes)."""
