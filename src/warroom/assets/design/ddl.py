"""SQL DDL (PostgreSQL or MySQL, via sqlglot) → table nodes and foreign-key edges.

Understood: ``CREATE TABLE`` (columns, inline and table-level primary keys, ``REFERENCES`` and
``FOREIGN KEY`` constraints, MySQL ``KEY``/``INDEX``/``UNIQUE KEY`` lines, table comments),
``ALTER TABLE ... ADD COLUMN / ADD CONSTRAINT``, ``CREATE [UNIQUE] INDEX`` and ``COMMENT ON``.
Other statements (inserts, ``SET``, extensions, grants) are counted as skipped.

A caller may rely on: a table's key is its lower-case name without schema; a table node holds
``columns`` (``name``, ``type``, ``not_null``, optional ``comment``), ``primary_key``,
``indexes`` (``name``, ``columns``, ``unique``), ``schema``, ``comment``, ``dialect``,
``source`` and ``line``; each foreign key gives a ``references`` edge from the referencing to
the referenced table, whose ``foreign_keys`` attribute lists ``columns``, ``ref_columns`` and
``name`` (a table referenced but not defined in the file is a node without attributes); a
statement that does not parse is one ``DesignError`` with its line, and the rest still load.
The dialect is MySQL when the text has backticks, ``ENGINE=`` or ``AUTO_INCREMENT``, else
PostgreSQL; a statement that fails in one is tried in the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import TokenType, exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from warroom.assets.design.parsed import DesignError, DesignKind, Parsed, clip
from warroom.domain.graph import Edge, EdgeKind, GraphFragment, Node, NodeKind, node_id

DIALECTS = ("postgres", "mysql")
_MYSQL_HINT = re.compile(r"`|\bENGINE\s*=|\bAUTO_INCREMENT\b", re.IGNORECASE)
_TABLE_COMMAND = re.compile(r"^\s*(CREATE|ALTER)\s+(\w+\s+){0,4}TABLE\b", re.IGNORECASE)


@dataclass(slots=True)
class _Table:
    name: str
    schema: str = ""
    line: int | None = None
    comment: str = ""
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    indexes: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Schema:
    dialect: str
    tables: dict[str, _Table] = field(default_factory=dict)
    # (from table, to table) -> foreign keys
    foreign_keys: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def table(self, t: exp.Table, line: int | None = None) -> _Table:
        key = t.name.lower()
        found = self.tables.get(key)
        if found is None:
            found = self.tables[key] = _Table(name=t.name, schema=t.db, line=line)
        return found


def parse_ddl(text: str, source: str, *, dialect: str | None = None) -> Parsed:
    """Tables and foreign keys of a DDL script; see the module docstring."""
    if dialect is not None and dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
    first = dialect or ("mysql" if _MYSQL_HINT.search(text) else "postgres")
    order = [first] + [d for d in DIALECTS if d != first]
    out = Parsed(kind=DesignKind.DDL)
    schema = _Schema(dialect=first)
    for line, statement in split_statements(text, first):
        tree, error = _parse(statement, order)
        if tree is None:
            out.errors.append(
                DesignError(
                    path=source,
                    line=line,
                    expected="a SQL statement PostgreSQL or MySQL accepts",
                    found=f"{clip(statement, 60)} ({_readable(error, line)})",
                )
            )
            continue
        if isinstance(tree, exp.Command):
            if _TABLE_COMMAND.match(statement):
                out.errors.append(
                    DesignError(
                        path=source,
                        line=line,
                        expected="a table definition sqlglot understands",
                        found=clip(statement, 60),
                    )
                )
            else:
                out.skipped += 1
            continue
        if not _apply(tree, schema, line):
            out.skipped += 1
    out.fragment = _fragment(schema, source)
    return out


def split_statements(text: str, dialect: str) -> list[tuple[int, str]]:
    """``(first line, statement)`` for each ``;``-separated statement, comments left out."""
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(text)
    except TokenError:
        return _split_plainly(text)
    out: list[tuple[int, str]] = []
    start: int | None = None
    line, end = 1, 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if start is not None:
                out.append((line, text[start : token.start].strip()))
            start = None
            continue
        if start is None:
            start, line = token.start, token.line
        end = token.end + 1
    if start is not None:
        out.append((line, text[start:end].strip()))
    return out


def _split_plainly(text: str) -> list[tuple[int, str]]:
    """Split at a ``;`` that ends a line: used when the text cannot be tokenised at all."""
    out: list[tuple[int, str]] = []
    line = 1
    for chunk in re.split(r"(?<=;)[ \t]*\n", text):
        body = chunk.strip().rstrip(";").strip()
        lead = chunk[: len(chunk) - len(chunk.lstrip())].count("\n")
        if body and not all(
            row.strip().startswith(("--", "#")) or not row.strip() for row in body.splitlines()
        ):
            out.append((line + lead, body))
        line += chunk.count("\n") + 1
    return out


def _parse(statement: str, order: list[str]) -> tuple[exp.Expr | None, str]:
    error = ""
    for dialect in order:
        try:
            tree = sqlglot.parse_one(statement, read=dialect)
        except (ParseError, TokenError) as exc:
            error = error or str(exc).splitlines()[0]
            continue
        return tree, ""
    return None, error


_TOKEN = re.compile(r"<Token token_type: [\w.]+, text: (.*?), line: \d+, col: \d+.*?>")
_WHERE = re.compile(r"\.?\s*Line (\d+), Col: (\d+)\.?")


def _readable(error: str, first_line: int) -> str:
    """sqlglot's message without token dumps, with the line counted in the whole file."""
    text = _TOKEN.sub(lambda m: repr(m.group(1)), error)
    where = _WHERE.search(text)
    if where is None:
        return text.strip()
    line = first_line + int(where.group(1)) - 1
    return f"{text[: where.start()].strip()} at line {line}, column {where.group(2)}"


def _apply(tree: exp.Expr, schema: _Schema, line: int) -> bool:
    """Add what a statement says to ``schema``; False when it says nothing about tables."""
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            _create_table(tree, schema, line)
            return True
        if kind == "INDEX" and isinstance(tree.this, exp.Index):
            _create_index(tree.this, bool(tree.args.get("unique")), schema)
            return True
        return False
    if isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
        table = schema.table(tree.this, line)
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.ColumnDef):
                _column(action, table, schema, tree.this)
            elif isinstance(action, exp.AddConstraint):
                for part in action.expressions:
                    _constraint(part, table, schema, tree.this)
        return True
    if isinstance(tree, exp.Comment) and isinstance(tree.this, (exp.Table, exp.Column)):
        text = tree.expression.name if tree.expression is not None else ""
        if isinstance(tree.this, exp.Table):
            schema.table(tree.this).comment = text
        else:
            owner = tree.this.args.get("table")
            if isinstance(owner, exp.Identifier) and owner.name.lower() in schema.tables:
                column = schema.tables[owner.name.lower()].columns.get(tree.this.name)
                if column is not None:
                    column["comment"] = text
        return True
    return False


def _create_table(tree: exp.Create, schema: _Schema, line: int) -> None:
    target = tree.this
    table_expr = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table_expr, exp.Table):
        return
    table = schema.table(table_expr, line)
    table.line = table.line or line
    if isinstance(target, exp.Schema):
        for part in target.expressions:
            if isinstance(part, exp.ColumnDef):
                _column(part, table, schema, table_expr)
            else:
                _constraint(part, table, schema, table_expr)
    properties = tree.args.get("properties")
    if isinstance(properties, exp.Properties):
        for prop in properties.expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                table.comment = prop.this.name


def _column(col: exp.ColumnDef, table: _Table, schema: _Schema, owner: exp.Table) -> None:
    kind = col.args.get("kind")
    entry: dict[str, Any] = {
        "name": col.name,
        "type": kind.sql(dialect=schema.dialect) if isinstance(kind, exp.DataType) else "",
        "not_null": False,
    }
    for constraint in col.args.get("constraints") or []:
        how = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else None
        if isinstance(how, exp.NotNullColumnConstraint) and not how.args.get("allow_null"):
            entry["not_null"] = True
        elif isinstance(how, exp.PrimaryKeyColumnConstraint):
            entry["not_null"] = True
            if col.name not in table.primary_key:
                table.primary_key.append(col.name)
        elif isinstance(how, exp.UniqueColumnConstraint):
            table.indexes.append({"name": "", "columns": [col.name], "unique": True})
        elif isinstance(how, exp.CommentColumnConstraint):
            entry["comment"] = how.this.name
        elif isinstance(how, exp.Reference):
            _reference(how, [col.name], "", owner, schema)
    table.columns[col.name] = entry


def _constraint(part: exp.Expr, table: _Table, schema: _Schema, owner: exp.Table) -> None:
    if isinstance(part, exp.Constraint):
        for inner in part.expressions:
            if isinstance(inner, exp.ForeignKey):
                _foreign_key(inner, part.name, owner, schema)
            else:
                _constraint(inner, table, schema, owner)
    elif isinstance(part, exp.PrimaryKey):
        table.primary_key = [c for c in _names(part.expressions) if c]
    elif isinstance(part, exp.ForeignKey):
        _foreign_key(part, "", owner, schema)
    elif isinstance(part, exp.IndexColumnConstraint):
        table.indexes.append(
            {"name": part.name, "columns": _names(part.expressions), "unique": False}
        )
    elif isinstance(part, exp.UniqueColumnConstraint):
        inner = part.this
        if isinstance(inner, exp.Schema):
            name = inner.this.name if inner.this is not None else ""
            table.indexes.append(
                {"name": name, "columns": _names(inner.expressions), "unique": True}
            )


def _foreign_key(fk: exp.ForeignKey, name: str, owner: exp.Table, schema: _Schema) -> None:
    reference = fk.args.get("reference")
    if isinstance(reference, exp.Reference):
        _reference(reference, _names(fk.expressions), name, owner, schema)


def _reference(
    reference: exp.Reference, columns: list[str], name: str, owner: exp.Table, schema: _Schema
) -> None:
    target = reference.this
    ref_columns: list[str] = []
    if isinstance(target, exp.Schema):
        ref_columns = _names(target.expressions)
        target = target.this
    if not isinstance(target, exp.Table):
        return
    pair = (owner.name.lower(), target.name.lower())
    known = schema.foreign_keys.setdefault(pair, [])
    for fk in known:
        # An inline REFERENCES and a table-level constraint often state the same key twice.
        if fk["columns"] == columns and fk["ref_columns"] == ref_columns:
            fk["name"] = fk["name"] or name
            return
    known.append({"columns": columns, "ref_columns": ref_columns, "name": name})


def _create_index(index: exp.Index, unique: bool, schema: _Schema) -> None:
    owner = index.args.get("table")
    if not isinstance(owner, exp.Table):
        return
    params = index.args.get("params")
    columns: list[str] = []
    if isinstance(params, exp.IndexParameters):
        for col in params.args.get("columns") or []:
            inner = col.this if isinstance(col, exp.Ordered) else col
            columns.append(inner.name if isinstance(inner, exp.Expr) else str(inner))
    schema.table(owner).indexes.append({"name": index.name, "columns": columns, "unique": unique})


def _names(parts: list[Any]) -> list[str]:
    out: list[str] = []
    for part in parts:
        inner = part.this if isinstance(part, exp.Ordered) else part
        if isinstance(inner, exp.Expr):
            out.append(inner.name)
    return out


def _fragment(schema: _Schema, source: str) -> GraphFragment:
    nodes: list[Node] = []
    for key, table in schema.tables.items():
        nodes.append(
            Node.make(
                NodeKind.TABLE,
                key,
                key,
                columns=list(table.columns.values()),
                primary_key=table.primary_key,
                indexes=table.indexes,
                schema=table.schema,
                comment=table.comment,
                dialect=schema.dialect,
                source=source,
                line=table.line,
            )
        )
    edges: list[Edge] = []
    for (src, dst), fks in schema.foreign_keys.items():
        if dst not in schema.tables:
            nodes.append(Node.make(NodeKind.TABLE, dst))
        edges.append(
            Edge(
                src=node_id(NodeKind.TABLE, src),
                dst=node_id(NodeKind.TABLE, dst),
                kind=EdgeKind.REFERENCES,
                attrs={"foreign_keys": fks, "source": source},
            )
        )
    return GraphFragment().merge(GraphFragment(nodes=nodes, edges=edges))
