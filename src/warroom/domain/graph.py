"""The tri-state knowledge graph (seed 004, sections 2 and 5.2): nodes, typed edges, fragments.

Development assets (a git repository), design assets (OpenAPI, DDL, domain documents, past
cases) and runtime evidence each produce a ``GraphFragment``; fusion merges fragments into one
graph. Node ids are ``"<kind>:<key>"`` and derived from content, so the same class, table or
endpoint found by two indexers is one node:

| kind       | key                                                              |
|------------|------------------------------------------------------------------|
| service    | service name as telemetry names it (``payment-service``)         |
| endpoint   | ``"GET /orders/{}"``: upper-case method, path with every path    |
|            | parameter written ``{}`` (see ``endpoint_key``)                  |
| class      | fully qualified name (``com.shop.pay.PaymentServiceImpl``,       |
|            | ``app.models.Order``, ``orders.Handler``)                        |
| method     | ``"<class key>#<name>"``; module-level functions ``"<module>#f"`` |
| file       | repository-relative POSIX path (``src/main/java/.../X.java``)    |
| commit     | full 40-hex sha                                                  |
| person     | lower-case e-mail address, or the handle for ``@user`` owners    |
| team       | team name without ``@`` (``payments-team``, ``org/payments``)    |
| table      | lower-case table name without schema                             |
| aggregate  | aggregate root name as the design or code spells it (``Order``)  |
| entity     | entity name (``OrderLine``)                                      |
| context    | bounded context name, lower-case                                 |
| case       | case id                                                          |
| incident   | incident id                                                      |
| repository | repository name (folder name)                                    |

Attributes are free-form but these names are shared: ``file``, ``start_line``, ``end_line``
(1-based, inclusive), ``language``, ``role`` (``controller``, ``service``, ``repository``,
``entity``, ``handler``, ``model``), ``http_method``, ``path`` (as written), ``sha``,
``authored_at`` (ISO 8601), ``author``, ``summary``, ``source`` (the asset a node came from).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class NodeKind(StrEnum):
    SERVICE = "service"
    ENDPOINT = "endpoint"
    CLASS = "class"
    METHOD = "method"
    FILE = "file"
    COMMIT = "commit"
    PERSON = "person"
    TEAM = "team"
    TABLE = "table"
    AGGREGATE = "aggregate"
    ENTITY = "entity"
    CONTEXT = "context"
    CASE = "case"
    INCIDENT = "incident"
    REPOSITORY = "repository"


class EdgeKind(StrEnum):
    """Typed edges, read as ``src <kind> dst``."""

    CONTAINS = "contains"  # repository→file, file→class, class→method, context→aggregate,
    # aggregate→entity, service→endpoint
    BELONGS_TO = "belongs_to"  # class/file→service, aggregate→context, service→context,
    # endpoint→aggregate (or →context when the design names no aggregate)
    HANDLES = "handles"  # method→endpoint (controller method serving an endpoint)
    CALLS = "calls"  # service→service, method→method, endpoint→endpoint
    DEPENDS_ON = "depends_on"  # class→class (injected collaborator, import)
    MAPS_TO = "maps_to"  # class/entity/aggregate→table
    READS = "reads"  # method/class/endpoint→table
    WRITES = "writes"  # method/class/endpoint→table
    REFERENCES = "references"  # table→table (foreign key)
    MODIFIED = "modified"  # commit→file, commit→method (the commit changed it)
    AUTHORED = "authored"  # person→commit
    OWNS = "owns"  # team/person→file/service/class (CODEOWNERS, authorship)
    MEMBER_OF = "member_of"  # person→team
    IMPLEMENTS = "implements"  # class→aggregate/entity (code realises a design element)
    SIMILAR_TO = "similar_to"  # incident→case
    IMPLICATES = "implicates"  # incident→any node (runtime evidence links into the graph),
    # case→service (the component a past case blamed)


def node_id(kind: NodeKind, key: str) -> str:
    return f"{kind.value}:{key}"


def node_key(value: str) -> str:
    """The key of a node id (``table:orders`` → ``orders``); a bare key stays as it is."""
    kind, sep, key = value.partition(":")
    return key if sep and kind in NodeKind._value2member_map_ else value


_PARAM = re.compile(r"\{[^}/]*\}|<[^>/]*>|:[A-Za-z_][A-Za-z0-9_]*")


def endpoint_key(method: str, path: str) -> str:
    """``endpoint_key("get", "/orders/{orderId}/")`` → ``"GET /orders/{}"``.

    Path parameters in OpenAPI/Spring (``{id}``), Flask (``<int:id>``) and Express/Gin
    (``:id``) style all become ``{}``; a trailing slash is dropped; an empty path is ``/``.
    """
    normal = _PARAM.sub("{}", path.strip())
    normal = "/" + normal.strip("/")
    return f"{method.strip().upper()} {normal}"


class Node(BaseModel):
    id: str
    kind: NodeKind
    name: str = Field(description="Display name: short class name, endpoint, table...")
    attrs: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def make(cls, kind: NodeKind, key: str, name: str | None = None, **attrs: Any) -> Node:
        return cls(id=node_id(kind, key), kind=kind, name=name or key, attrs=attrs)


class Edge(BaseModel):
    src: str
    dst: str
    kind: EdgeKind
    attrs: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.src, self.kind.value, self.dst)


class GraphFragment(BaseModel):
    """Nodes and edges from one source; ``merge`` unions fragments (later attrs win)."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    def merge(self, *others: GraphFragment) -> GraphFragment:
        nodes: dict[str, Node] = {n.id: n for n in self.nodes}
        edges: dict[tuple[str, str, str], Edge] = {e.key: e for e in self.edges}
        for other in others:
            for n in other.nodes:
                old = nodes.get(n.id)
                nodes[n.id] = (
                    n if old is None else old.model_copy(update={"attrs": {**old.attrs, **n.attrs}})
                )
            for e in other.edges:
                old_e = edges.get(e.key)
                edges[e.key] = (
                    e
                    if old_e is None
                    else old_e.model_copy(update={"attrs": {**old_e.attrs, **e.attrs}})
                )
        return GraphFragment(nodes=list(nodes.values()), edges=list(edges.values()))

    def node(self, id_: str) -> Node | None:
        return next((n for n in self.nodes if n.id == id_), None)


class GraphPath(BaseModel):
    """A path through the graph: ``nodes[i]`` and ``nodes[i+1]`` are joined by ``edges[i]``
    (in either direction; ``Edge.src``/``dst`` keep the stored direction)."""

    nodes: list[Node]
    edges: list[Edge]


class CodeLink(BaseModel):
    """Where a piece of runtime evidence lands in the development graph.

    Produced by linking a stack frame (``c.s.ContactsServiceImpl#31``, ``at
    com.x.Y.m(Y.java:31)``, ``File "app/x.py", line 123``), a slow SQL statement or a span
    operation to the graph. Every field but ``evidence_id`` and ``frame`` is optional: a link
    holds what could be resolved, and says how (``how``) so a person can check it.
    """

    evidence_id: str
    frame: str = Field(description="The frame, statement or operation as it appeared.")
    file: str | None = None
    line: int | None = None
    method: str | None = Field(default=None, description="Method node id.")
    klass: str | None = Field(default=None, description="Class node id.")
    endpoint: str | None = None
    tables: list[str] = Field(default_factory=list, description="Table node ids.")
    aggregate: str | None = None
    last_commit: str | None = Field(default=None, description="Commit that last touched the line.")
    suspect_commits: list[str] = Field(
        default_factory=list, description="Recent commits that touched the method, newest first."
    )
    owners: list[str] = Field(default_factory=list, description="Team or person node ids.")
    how: str = ""

    @property
    def suspect_commit(self) -> str | None:
        """The commit most likely to have introduced the fault: the one that last changed the
        line before the alert, else the newest that touched the method."""
        return self.last_commit or (self.suspect_commits[0] if self.suspect_commits else None)
