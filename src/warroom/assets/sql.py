"""Which tables a SQL statement reads and writes: links slow-SQL evidence to table nodes.

A caller may rely on: names are table node keys (lower-case, schema dropped, see
``domain.graph``), each listed once, in order of first appearance; names a ``WITH`` clause
defines are not tables; ``INSERT``/``REPLACE``/``MERGE`` targets, ``UPDATE`` targets and
``DELETE`` targets (MySQL multi-table forms included, aliases resolved) are writes, every
other table is a read, and a table can be both. Placeholders (``?``, ``$1``, ``:name``,
``%s``, ``%(name)s``, MyBatis ``#{x}`` / ``${x}``) are accepted. A statement cut off by a
slow-query log (an open string or parenthesis, a trailing ``...``) is repaired before
parsing; when sqlglot still cannot parse it, the tables after ``FROM``/``JOIN``/``INTO``/
``UPDATE`` are read off the text and ``TableAccess.parsed`` is False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

MAX_CHARS = 65_536  # longer statements (huge IN lists) are cut and then repaired like any cut
_PLACEHOLDER = re.compile(r"[#$]\{[^}]*\}|%\([A-Za-z_]\w*\)s|%s")
_TRUNCATION_MARKS = ("...", "…", "(truncated)", "[truncated]")
_PG_HINT = re.compile(r"\$\d|::|\bRETURNING\b|\bILIKE\b", re.IGNORECASE)
_NAME = r"(?:`[^`]+`|\"[^\"]+\"|\[[^\]]+\]|[A-Za-z_][\w$]*)"
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"
_WRITE_RE = re.compile(
    rf"\b(?:INSERT(?:\s+IGNORE)?\s+INTO|REPLACE\s+INTO|MERGE\s+INTO|UPDATE|DELETE\s+FROM"
    rf"|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?({_QUALIFIED})",
    re.IGNORECASE,
)
_READ_RE = re.compile(
    rf"\b(?:FROM|JOIN|USING)\s+(?:ONLY\s+|LATERAL\s+)?({_QUALIFIED})", re.IGNORECASE
)
_CTE_RE = re.compile(rf"(?:\bWITH(?:\s+RECURSIVE)?|,)\s*({_NAME})\s+AS\s*\(", re.IGNORECASE)
_STRING = re.compile(r"'(?:[^']|'')*'")
_DANGLING = re.compile(
    r"(?:\s*(?:\b(?:AND|OR|NOT|WHERE|ON|SET|BY|ORDER|GROUP|HAVING|LIMIT|IN|LIKE|BETWEEN|AS)\b"
    r"|[,=<>+\-*/(]))+\s*$",
    re.IGNORECASE,
)
# ``dual`` is MySQL's and Oracle's no-table; the keywords guard the pattern fallback.
_NOT_TABLES = frozenset(
    {"dual", "select", "where", "set", "values", "lateral", "unnest", "on", "as", "join", "from"}
)


@dataclass(slots=True)
class TableAccess:
    """Tables a statement reads and writes (table node keys)."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    parsed: bool = True

    @property
    def tables(self) -> list[str]:
        return list(dict.fromkeys(self.writes + self.reads))


def tables_of(statement: str) -> list[str]:
    """Table node keys a statement reads or writes, writes first; see ``table_access``."""
    return table_access(statement).tables


def table_access(statement: str) -> TableAccess:
    """The tables ``statement`` reads and the tables it writes (see the module docstring)."""
    text = _PLACEHOLDER.sub("?", statement[:MAX_CHARS].strip().rstrip(";"))
    for mark in _TRUNCATION_MARKS:
        if text.lower().endswith(mark):
            text = text[: -len(mark)].rstrip()
    if not text:
        return TableAccess()
    for candidate in dict.fromkeys([text, _repaired(text)]):
        tree = _parse(candidate)
        if tree is not None:
            return _from_tree(tree)
    return _from_text(text)


def _parse(text: str) -> exp.Expr | None:
    order = ("postgres", "mysql") if _PG_HINT.search(text) else ("mysql", "postgres")
    for dialect in order:
        try:
            tree = sqlglot.parse_one(text, read=dialect)
        except (ParseError, TokenError, ValueError):
            continue
        if tree is not None and not isinstance(tree, exp.Command):
            return tree
    return None


def _repaired(text: str) -> str:
    """Close what a cut-off statement left open: drop a dangling operator or keyword at the
    end, then close an open string and open parentheses."""
    if text.count("'") % 2:
        text += "'"
    # Only the tail can dangle; searching it alone keeps the pattern's cost bounded.
    head, tail = text[:-200], text[-200:]
    text = head + _DANGLING.sub("", tail)
    bare = _STRING.sub("''", text)
    return text + ")" * max(bare.count("(") - bare.count(")"), 0)


def _from_tree(tree: exp.Expr) -> TableAccess:
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    aliases: dict[str, str] = {}
    for table in tree.find_all(exp.Table):
        if table.alias:
            aliases[table.alias.lower()] = table.name.lower()
    written: set[int] = set()
    writes: list[str] = []
    for node in tree.find_all(exp.Insert, exp.Update, exp.Delete, exp.Merge):
        # MySQL ``DELETE a FROM t a JOIN ...`` lists its targets (aliases) under ``tables``.
        listed = node.args.get("tables") if isinstance(node, exp.Delete) else None
        if listed:
            targets = list(listed)
        else:
            target = node.this
            targets = [target.this if isinstance(target, exp.Schema) else target]
        for target in targets:
            if isinstance(target, exp.Table):
                written.add(id(target))
                name = target.name.lower()
                writes.append(aliases.get(name, name) if listed else name)
    reads: list[str] = []
    for table in tree.find_all(exp.Table):
        if id(table) in written or not isinstance(table.this, exp.Identifier):
            continue  # a write target, or a table function such as generate_series(...)
        name = table.name.lower()
        if name in ctes and not table.db:
            continue
        reads.append(name)
    return TableAccess(reads=_clean(reads, ctes), writes=_clean(writes, ctes))


def _clean(names: list[str], ctes: set[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n and n not in _NOT_TABLES and n not in ctes))


def _from_text(text: str) -> TableAccess:
    bare = _STRING.sub("''", text)
    ctes = {_unquote(m.group(1)) for m in _CTE_RE.finditer(bare)}
    writes: list[str] = []
    taken: set[int] = set()  # where a DELETE FROM target ends, so FROM does not read it again
    for m in _WRITE_RE.finditer(bare):
        writes.append(_key(m.group(1)))
        taken.add(m.end(1))
    reads = [_key(m.group(1)) for m in _READ_RE.finditer(bare) if m.end(1) not in taken]
    return TableAccess(reads=_clean(reads, ctes), writes=_clean(writes, ctes), parsed=False)


def _key(qualified: str) -> str:
    last = re.split(r"\s*\.\s*(?=[`\"\[A-Za-z_])", qualified)[-1]
    return _unquote(last)


def _unquote(name: str) -> str:
    return name.strip('`"[]').lower()
