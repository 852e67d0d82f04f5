"""Domain-model documents in Markdown → bounded contexts, aggregates and entities.

Accepted layout (English or Chinese words, mixed freely)::

    ## Bounded context: ordering              ## 限界上下文：订单 (ordering)
    Services: order-service                   服务：order-service

    ### Aggregate: Order                      ### 聚合：订单 (Order)
    Tables: orders                            表：orders
    Endpoints: GET /api/orders/{id}, ...      接口：GET /api/orders/{id}、POST /api/orders
    Value objects: Money, Address             值对象：Money

    #### Entity: OrderLine                    #### 实体：OrderLine
    Table: order_lines                        表：order_lines

- A heading declares an element when it reads ``<word>: <name>`` (also ``：``, ``-``, ``—``),
  ``<name> (<word>)`` or ``<name> <word>``. Words: bounded context / context / 限界上下文 /
  上下文; aggregate / aggregate root / 聚合 / 聚合根; entity / 实体; value object / 值对象.
  An element belongs to the nearest enclosing heading element that can hold it (context ⊃
  aggregate ⊃ entity); a value object is noted on the element above it.
- A line or list item ``<word>: a, b、c`` under an element adds to it: tables (table / 表 /
  数据表), services (service / 服务), endpoints (endpoint / API / 接口; ``METHOD /path``),
  value objects, entities and aggregates (declared beneath it), ``Aggregate root: X`` /
  ``聚合根：X`` (the aggregate's key becomes ``X``), and ``Context: x`` on an aggregate or
  entity (its context). A list item may carry details: ``Entity: OrderLine (table:
  order_lines)``.
- A heading that is only a word (``### Entities``, ``#### 表``) makes the list items and
  lines beneath it values of that word, for the element above.
- A table whose header names a word (``| 聚合 | 实体 | 表 |``) declares one element per row
  from its leftmost element column; the other columns add to it.
- ``Name (Alias)``: the Latin identifier of the two is the key, the other the title, so
  ``订单 (Order)`` is aggregate ``Order`` titled 订单. Context keys are lower case.
- The first paragraph under an element is its ``summary``. Code blocks are ignored.

Graph: context ``contains`` aggregate, aggregate ``contains`` entity (context ``contains`` an
entity without aggregate), aggregate/entity ``maps_to`` table, service ``belongs_to`` the
context, endpoint ``belongs_to`` the aggregate (or context) that lists it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from warroom.assets.design.markdown import Block, blocks, labelled, split_values
from warroom.assets.design.parsed import DesignError, DesignKind, Parsed
from warroom.domain.graph import (
    Edge,
    EdgeKind,
    GraphFragment,
    Node,
    NodeKind,
    endpoint_key,
    node_id,
)


class Role(StrEnum):
    CONTEXT = "context"
    AGGREGATE = "aggregate"
    ROOT = "root"
    ENTITY = "entity"
    VALUE_OBJECT = "value_object"
    TABLE = "table"
    SERVICE = "service"
    ENDPOINT = "endpoint"


_WORDS: dict[Role, tuple[str, ...]] = {
    Role.CONTEXT: (
        "bounded context", "bounded contexts", "context", "contexts",
        "限界上下文", "界限上下文", "边界上下文", "上下文",
    ),
    Role.AGGREGATE: ("aggregate", "aggregates", "聚合"),
    Role.ROOT: ("aggregate root", "aggregate roots", "root", "聚合根"),
    Role.ENTITY: ("entity", "entities", "实体"),
    Role.VALUE_OBJECT: ("value object", "value objects", "值对象"),
    Role.TABLE: (
        "table", "tables", "db table", "db tables", "database table", "database tables",
        "表", "数据表", "数据库表", "表名",
    ),
    Role.SERVICE: (
        "service", "services", "microservice", "microservices", "服务", "微服务", "所属服务",
    ),
    Role.ENDPOINT: ("endpoint", "endpoints", "api", "apis", "接口", "api接口", "对外接口"),
}  # fmt: skip
_ROLE_OF = {re.sub(r"\s+", "", w): role for role, words in _WORDS.items() for w in words}
_DECLARING = (Role.CONTEXT, Role.AGGREGATE, Role.ROOT, Role.ENTITY, Role.VALUE_OBJECT)
_ELEMENTS = (Role.CONTEXT, Role.AGGREGATE, Role.ROOT, Role.ENTITY)
# (word, role) for "<name> <word>" headings, longest word first so 聚合根 wins over 聚合.
_SUFFIXES = sorted(
    ((w, role) for role, words in _WORDS.items() if role in _DECLARING for w in words),
    key=lambda pair: -len(pair[0]),
)
_ELEMENT_KIND = {Role.CONTEXT: NodeKind.CONTEXT, Role.AGGREGATE: NodeKind.AGGREGATE}
_DASHED = re.compile(r"^(.{1,40}?)\s+[-—–]+\s+(.+)$")
_SUFFIXED = re.compile(r"^(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
_DESCRIPTION = re.compile(r"\s+[-—–]+\s+|——")
_LONGEST_NAME = 200  # longer text is prose, not a name (and keeps the patterns cheap)
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_LATIN_ID = re.compile(r"^[A-Za-z_][\w.-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENDPOINT = re.compile(
    r"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(/[^\s,，、;；()（）]*)", re.IGNORECASE
)
_TABLE_NAME = re.compile(r"^[`\"\[]?([\w$]+(?:[`\"\]]?\.[`\"\[]?[\w$]+)*)[`\"\]]?$")


def role_of(word: str) -> Role | None:
    """The role a label word names (``"Tables"`` → ``Role.TABLE``, ``"聚合根"`` → ``ROOT``)."""
    return _ROLE_OF.get(re.sub(r"\s+", "", word.strip(" *`#").lower()))


@dataclass(slots=True, eq=False)
class _Element:
    role: Role  # CONTEXT, AGGREGATE or ENTITY
    key: str
    title: str
    line: int
    parent: _Element | None = None
    summary: str = ""
    tables: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)
    value_objects: list[str] = field(default_factory=list)

    @property
    def context(self) -> _Element | None:
        up = self.parent
        while up is not None and up.role != Role.CONTEXT:
            up = up.parent
        return up

    @property
    def aggregate(self) -> _Element | None:
        return self.parent if self.parent and self.parent.role == Role.AGGREGATE else None


@dataclass(slots=True)
class _Frame:
    level: int
    element: _Element | None
    section: Role | None


class _Model:
    def __init__(self) -> None:
        self.elements: dict[tuple[Role, str], _Element] = {}
        self.order: list[_Element] = []
        self.loose_services: list[str] = []

    def declare(self, role: Role, raw: str, owner: _Element | None, line: int) -> _Element | None:
        role = Role.AGGREGATE if role == Role.ROOT else role
        key, title, details = _name(raw)
        if not key:
            return None
        if role == Role.CONTEXT:
            key = key.lower()
        parent = _parent_for(role, owner)
        found = self.elements.get((role, key.lower()))
        if found is None:
            found = _Element(role=role, key=key, title=title, line=line, parent=parent)
            self.elements[(role, key.lower())] = found
            self.order.append(found)
        else:
            found.title = found.title or title
            found.parent = found.parent or parent
        for detail_role, values in details:
            self.apply(detail_role, values, found, line)
        return found

    def apply(self, role: Role, text: str, owner: _Element | None, line: int) -> None:
        values = split_values(text)
        if role == Role.TABLE:
            if owner is not None:
                owner.tables += [t for t in (_table_key(v) for v in values) if t]
        elif role == Role.SERVICE:
            names = [_name(v)[0] for v in values]
            target = owner.services if owner is not None else self.loose_services
            target += [n for n in names if n]
        elif role == Role.ENDPOINT:
            if owner is not None:
                owner.endpoints += [endpoint_key(m, p) for m, p in _ENDPOINT.findall(text)]
        elif role == Role.VALUE_OBJECT:
            if owner is not None:
                owner.value_objects += [k for k in (_name(v)[0] for v in values) if k]
        elif role == Role.CONTEXT and owner is not None and owner.role != Role.CONTEXT:
            context = self.declare(Role.CONTEXT, values[0], None, line) if values else None
            if context is not None:
                (owner.aggregate or owner).parent = context
        elif role == Role.AGGREGATE and owner is not None and owner.role == Role.ENTITY:
            aggregate = self.declare(Role.AGGREGATE, values[0], None, line) if values else None
            if aggregate is not None:
                aggregate.parent = aggregate.parent or owner.context
                owner.parent = aggregate
        elif role == Role.ROOT and owner is not None and owner.role == Role.AGGREGATE:
            root = _name(values[0])[0] if values else ""
            if root:
                self.elements[(Role.AGGREGATE, root.lower())] = owner
                owner.title = owner.title or owner.key
                owner.key = root
        elif role in _DECLARING:
            for value in values:
                self.declare(role, value, owner, line)


def parse_domain_doc(text: str, source: str) -> Parsed:
    """Contexts, aggregates and entities of a domain-model document (see module docstring)."""
    model = _Model()
    _read(model, blocks(text))
    out = Parsed(kind=DesignKind.DOMAIN)
    if not model.order:
        out.errors.append(
            DesignError(
                path=source,
                expected="a domain-model document with headings such as "
                "'Bounded context: ordering', 'Aggregate: Order' or '聚合：Order'",
                found="no context, aggregate or entity",
            )
        )
        return out
    out.fragment = _fragment(model, source)
    return out


def declarations(text: str) -> int:
    """How many headings of ``text`` declare a context, aggregate or entity (for sniffing)."""
    return sum(1 for b in blocks(text) if b.kind == "heading" and _declaration(b.text))


def _read(model: _Model, items: list[Block]) -> None:
    """Walk the blocks with a stack of open headings; see the module docstring."""
    stack: list[_Frame] = []
    for block in items:
        if block.kind == "heading":
            while stack and stack[-1].level >= block.level:
                stack.pop()
            owner = _owner(stack)
            found = _declaration(block.text)
            if found is None:
                stack.append(_Frame(block.level, None, role_of(block.text)))
            elif found[0] == Role.VALUE_OBJECT:
                model.apply(Role.VALUE_OBJECT, found[1], owner, block.line)
                stack.append(_Frame(block.level, None, None))
            else:
                element = model.declare(found[0], found[1], owner, block.line)
                stack.append(_Frame(block.level, element, None))
            continue
        owner = _owner(stack)
        section = stack[-1].section if stack and stack[-1].element is None else None
        if block.kind == "row":
            _row(model, block, owner, section)
            continue
        pair = labelled(block.text)
        role = role_of(pair[0]) if pair else None
        if pair is not None and role is not None:
            model.apply(role, pair[1], owner, block.line)
        elif section is not None:
            model.apply(section, block.text, owner, block.line)
        elif owner is not None and not owner.summary and block.depth == 0:
            owner.summary = block.text


def _owner(stack: list[_Frame]) -> _Element | None:
    for frame in reversed(stack):
        if frame.element is not None:
            return frame.element
    return None


def _row(model: _Model, block: Block, owner: _Element | None, section: Role | None) -> None:
    roles = [role_of(h) for h in block.header]
    subject_col = next((i for i, r in enumerate(roles) if r in _ELEMENTS), None)
    subject_role = roles[subject_col] if subject_col is not None else None
    if subject_col is None and section in _ELEMENTS:
        subject_col, subject_role = 0, section
    if subject_col is None or subject_role is None or subject_col >= len(block.cells):
        return
    subject = model.declare(subject_role, block.cells[subject_col], owner, block.line)
    if subject is None:
        return
    for i, (role, cell) in enumerate(zip(roles, block.cells, strict=False)):
        if i != subject_col and role is not None and cell:
            model.apply(role, cell, subject, block.line)


def _declaration(heading: str) -> tuple[Role, str] | None:
    """``(role, name)`` when a heading declares an element, else None."""
    text = " ".join(heading.split()).strip("*` ")
    if not text or len(text) > _LONGEST_NAME or role_of(text) is not None:
        return None  # a bare word ("Aggregates", "实体") heads a section, it declares nothing
    pair = labelled(text)
    dashed = _DASHED.match(text)
    for word, name in (pair or ("", "")), (dashed.groups() if dashed else ("", "")):
        role = role_of(word)
        if role is not None and role in _DECLARING and name.strip():
            return role, name.strip()
    core, alias = text, ""
    suffixed = _SUFFIXED.match(text)
    if suffixed is not None:
        role = role_of(suffixed.group(2))
        if role is not None and role in _DECLARING:
            return role, suffixed.group(1).strip()  # Order (aggregate root)
        core, alias = suffixed.group(1).strip(), f" ({suffixed.group(2)})"
    lower = core.lower()
    for word, role in _SUFFIXES:
        if not lower.endswith(word):
            continue
        name = core[: len(core) - len(word)]
        if _CJK.match(word) and name.strip():
            return role, name.strip() + alias  # 支付上下文 (payment)
        if name.endswith(" ") and 0 < len(name.split()) <= 3:
            return role, name.strip() + alias  # Ordering bounded context
    return None


def _name(raw: str) -> tuple[str, str, list[tuple[Role, str]]]:
    """``(key, title, details)`` of ``"订单 (Order)"`` or ``"OrderLine (table: order_lines)"``;
    a description after `` - `` is dropped."""
    text = _DESCRIPTION.split(raw.strip()[:_LONGEST_NAME], maxsplit=1)[0].strip("*`_ ")
    details: list[tuple[Role, str]] = []
    aliases: list[str] = []
    for inner in _PAREN.findall(text):
        parts = [labelled(p) for p in re.split(r"[;；]", inner)]
        pairs = [(role_of(p[0]), p[1]) for p in parts if p is not None]
        if pairs and all(role is not None for role, _ in pairs):
            details += [(role, value) for role, value in pairs if role is not None]
        elif inner.strip():
            aliases.append(inner.strip().strip("`"))
    base = " ".join(_PAREN.sub(" ", text).split()).strip("`")
    alias = aliases[0] if aliases else ""
    if alias and _LATIN_ID.match(alias) and not _LATIN_ID.match(base):
        return alias, base, details
    words = base.split()
    latin = [w for w in words if _LATIN_ID.match(w)]
    if not alias and _CJK.search(base) and len(latin) == 1:
        return latin[0], " ".join(w for w in words if w != latin[0]), details
    return base, alias, details


def _table_key(value: str) -> str:
    name = _PAREN.sub("", value).strip().split()[0] if value.strip() else ""
    match = _TABLE_NAME.match(name)
    if match is None:
        return ""
    return match.group(1).replace("`", "").replace('"', "").split(".")[-1].lower()


def _parent_for(role: Role, owner: _Element | None) -> _Element | None:
    if owner is None:
        return None
    if role == Role.CONTEXT:
        return None
    if role == Role.AGGREGATE:
        return owner if owner.role == Role.CONTEXT else owner.context
    # an entity: inside the aggregate above it, else the context
    if owner.role == Role.ENTITY:
        return owner.parent
    return owner


def _fragment(model: _Model, source: str) -> GraphFragment:
    nodes: list[Node] = []
    edges: list[Edge] = []
    for declared in model.order:
        if declared.role == Role.CONTEXT and not declared.services:
            declared.services = list(model.loose_services)
    for element in model.order:
        kind = _ELEMENT_KIND.get(element.role, NodeKind.ENTITY)
        me = node_id(kind, element.key)
        context = element.context if element.role != Role.CONTEXT else element
        attrs: dict[str, Any] = {
            "title": element.title,
            "summary": element.summary,
            "tables": list(dict.fromkeys(element.tables)),
            "services": list(dict.fromkeys(element.services)),
            "endpoints": list(dict.fromkeys(element.endpoints)),
            "source": source,
            "line": element.line,
        }
        if element.role != Role.CONTEXT:
            attrs["context"] = context.key if context else None
            attrs["value_objects"] = list(dict.fromkeys(element.value_objects))
        if element.role == Role.ENTITY:
            aggregate = element.aggregate
            attrs["aggregate"] = aggregate.key if aggregate else None
        nodes.append(Node(id=me, kind=kind, name=element.key, attrs=attrs))
        parent = element.parent
        if parent is not None:
            edges.append(
                Edge(
                    src=node_id(_ELEMENT_KIND.get(parent.role, NodeKind.ENTITY), parent.key),
                    dst=me,
                    kind=EdgeKind.CONTAINS,
                )
            )
        if element.role != Role.CONTEXT:
            for table in dict.fromkeys(element.tables):
                nodes.append(Node.make(NodeKind.TABLE, table))
                edges.append(
                    Edge(src=me, dst=node_id(NodeKind.TABLE, table), kind=EdgeKind.MAPS_TO)
                )
        for endpoint in dict.fromkeys(element.endpoints):
            nodes.append(Node.make(NodeKind.ENDPOINT, endpoint))
            holder = (
                element.aggregate if element.role == Role.ENTITY and element.aggregate else element
            )
            edges.append(
                Edge(
                    src=node_id(NodeKind.ENDPOINT, endpoint),
                    dst=node_id(_ELEMENT_KIND.get(holder.role, NodeKind.ENTITY), holder.key),
                    kind=EdgeKind.BELONGS_TO,
                )
            )
        if context is not None:
            for service in dict.fromkeys(element.services):
                nodes.append(Node.make(NodeKind.SERVICE, service))
                edges.append(
                    Edge(
                        src=node_id(NodeKind.SERVICE, service),
                        dst=node_id(NodeKind.CONTEXT, context.key),
                        kind=EdgeKind.BELONGS_TO,
                    )
                )
    return GraphFragment().merge(GraphFragment(nodes=nodes, edges=edges))
