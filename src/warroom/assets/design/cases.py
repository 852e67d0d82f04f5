"""Past incident write-ups (Markdown or JSON) → ``case`` nodes for the case library.

Markdown, one case a file (English or Chinese headings)::

    ---
    id: case-2024-031            # optional; see "ids" below
    occurred_at: 2024-03-14T02:10:00Z
    component: order-service
    fault_type: dependency_failure
    ---
    # Order API timeouts: connection pool exhausted

    ## Summary / 概述 / 现象          -> summary
    ## Root cause / 根因 / 原因分析     -> root_cause
    ## Fix / Resolution / 修复 / 解决方案 -> fix

The first heading is the title. Instead of front matter, ``Component: x`` / ``服务：x``,
``Fault type: x`` / ``故障类型：x`` and ``Date: x`` / ``发生时间：x`` lines work too, as do
``Root cause: ...`` lines in place of sections.

JSON: one case object, a list of them, or ``{"cases": [...]}``; fields ``id``, ``title``,
``summary``, ``root_cause``, ``component``, ``fault_type``, ``fix``, ``occurred_at``, ``tags``
(camelCase and the aliases ``service``, ``cause``, ``resolution``, ``description``, ``date``
are accepted).

A caller may rely on: each case node has the attributes ``title``, ``summary``,
``root_cause``, ``component``, ``fault_type``, ``fix``, ``occurred_at`` (ISO 8601 when it
could be read as a time, else as written), ``text`` (everything a search should see),
``tags`` and ``source``; ``fault_type`` is a ``FaultType`` value when the words name one
(``cpu``, ``memory``/``OOM``, ``network``/``latency``, ``exception``, ``dependency``/
``database``/``cache``, and the Chinese words for them), else as written. Ids: the ``id`` given,
else ``case-`` and 10 hex digits of a hash of title and time, so the same write-up read twice
is one case. A case ``implicates`` its component's service node. An entry without a title or
without any of summary, root cause and fix is a ``DesignError``; the other entries load.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from warroom.assets.design.markdown import blocks, front_matter, labelled
from warroom.assets.design.parsed import DesignError, DesignKind, Parsed
from warroom.domain.debate import FaultType
from warroom.domain.graph import Edge, EdgeKind, GraphFragment, Node, NodeKind, node_id

FIELDS = ("title", "summary", "root_cause", "component", "fault_type", "fix", "occurred_at")
TEXT_LIMIT = 20_000

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "case id", "case_id", "编号", "案例编号"),
    "title": ("title", "标题", "名称"),
    "summary": (
        "summary", "overview", "description", "what happened", "symptoms", "impact",
        "概述", "摘要", "现象", "故障现象", "事件概述", "描述", "影响",
    ),
    "root_cause": (
        "root cause", "root cause analysis", "cause", "causes", "rca",
        "根因", "根本原因", "原因", "原因分析", "根因分析", "故障原因",
    ),
    "fix": (
        "fix", "fixes", "resolution", "remediation", "mitigation", "solution", "action items",
        "修复", "修复措施", "解决方案", "处理", "处理措施", "处置", "改进措施",
    ),
    "component": (
        "component", "service", "affected service", "组件", "服务", "故障服务", "涉及服务",
    ),
    "fault_type": ("fault type", "fault_type", "type", "category", "故障类型", "类型"),
    "occurred_at": (
        "occurred at", "occurred_at", "date", "time", "when", "started at",
        "发生时间", "时间", "日期",
    ),
    "tags": ("tags", "labels", "标签"),
}  # fmt: skip
_FIELD_OF = {re.sub(r"[\s_]+", "", a.lower()): f for f, names in _ALIASES.items() for a in names}
_SECTION_FIELDS = ("summary", "root_cause", "fix")
_FAULT_WORDS: tuple[tuple[FaultType, tuple[str, ...]], ...] = (
    (FaultType.CPU_CONTENTION, ("cpu",)),
    (FaultType.MEMORY_PRESSURE, ("memory", "oom", "heap", "内存")),
    (FaultType.NETWORK_DELAY, ("network", "latency", "delay", "网络", "延迟")),
    (
        FaultType.DEPENDENCY,
        ("dependency", "database", "db", "cache", "queue", "依赖", "数据库", "缓存"),
    ),
    (FaultType.RETURN, ("wrong value", "return", "返回")),
    (FaultType.EXCEPTION, ("exception", "error", "bug", "异常", "错误")),
)


def field_of(label: str) -> str | None:
    """The case field a heading or label names (``"Root cause"`` → ``"root_cause"``)."""
    return _FIELD_OF.get(re.sub(r"[\s_]+", "", label.strip(" *`#").lower()))


def parse_case_markdown(text: str, source: str) -> Parsed:
    """One case from a Markdown write-up (see the module docstring)."""
    out = Parsed(kind=DesignKind.CASES)
    meta, body, taken, problem = front_matter(text)
    if problem is not None:
        out.errors.append(
            DesignError(path=source, line=1, expected="YAML front matter", found=problem)
        )
    fields: dict[str, Any] = {field_of(k) or k: v for k, v in meta.items()}
    sections: dict[str, list[str]] = {}
    current: str | None = None
    lead = True  # before the first heading after the title: an unheaded summary
    for block in blocks(body, taken + 1):
        if block.kind == "heading":
            if "title" not in fields and lead and not sections.get("lead"):
                fields["title"] = block.text
                continue
            lead = False
            name = field_of(block.text)
            current = name if name in _SECTION_FIELDS else None
            continue
        pair = labelled(block.text) if block.kind == "line" else None
        name = field_of(pair[0]) if pair else None
        if pair is not None and name is not None and name not in fields and pair[1]:
            fields[name] = pair[1]
        elif current is not None or lead:
            sections.setdefault(current or "lead", []).append(block.text)
    lead_lines = sections.pop("lead", [])
    if lead_lines and not sections.get("summary"):
        sections["summary"] = lead_lines
    for name, lines in sections.items():
        fields.setdefault(name, "\n".join(lines))
    fields.setdefault("text", body.strip())
    node, error = _case(fields, source, "")
    if error is not None:
        out.errors.append(error)
    if node is not None:
        out.fragment = _fragment([node])
    return out


def read_cases_json(data: Any, source: str) -> Parsed:
    """Cases from loaded JSON: one object, a list, or ``{"cases": [...]}``."""
    out = Parsed(kind=DesignKind.CASES)
    if isinstance(data, Mapping) and isinstance(data.get("cases"), list):
        entries, where = list(data["cases"]), "cases"
    elif isinstance(data, list):
        entries, where = data, ""
    else:
        entries, where = [data], ""
    nodes: list[Node] = []
    for index, entry in enumerate(entries):
        label = f"{where}[{index}]" if (where or len(entries) > 1) else ""
        if not isinstance(entry, Mapping):
            out.errors.append(
                DesignError(
                    path=source,
                    expected=f"a case object at {label}" if label else "a case object",
                    found=type(entry).__name__,
                )
            )
            continue
        fields = {_json_field(str(k)): v for k, v in entry.items()}
        node, error = _case(fields, source, label)
        if error is not None:
            out.errors.append(error)
        if node is not None:
            nodes.append(node)
    out.fragment = _fragment(nodes)
    return out


def looks_like_cases(data: Any) -> bool:
    """Whether loaded JSON/YAML reads as case write-ups (for sniffing)."""
    if isinstance(data, Mapping) and isinstance(data.get("cases"), list):
        return True
    items = data if isinstance(data, list) else [data]
    return bool(items) and all(
        isinstance(i, Mapping)
        and "title" in {_json_field(str(k)) for k in i}
        and {"root_cause", "fix", "summary"} & {_json_field(str(k)) for k in i}
        for i in items
    )


def fault_type_of(words: str) -> str:
    """A ``FaultType`` value when ``words`` name one, else ``words`` as written (stripped)."""
    raw = words.strip()
    lower = raw.lower()
    if lower in {f.value for f in FaultType}:
        return lower
    for fault, needles in _FAULT_WORDS:
        if any(re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", lower) for n in needles):
            return fault.value
    return raw


def case_id(title: str, occurred_at: str) -> str:
    digest = hashlib.sha1(f"{title.strip()}|{occurred_at.strip()}".encode()).hexdigest()
    return f"case-{digest[:10]}"


def _json_field(key: str) -> str:
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()
    return field_of(snake) or snake


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return "\n".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value).strip()


def _time(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = _text(value)
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1)).isoformat() if text else ""
    except ValueError:
        return text


def _case(
    fields: Mapping[str, Any], source: str, where: str
) -> tuple[Node | None, DesignError | None]:
    title = _text(fields.get("title"))
    values = {name: _text(fields.get(name)) for name in ("summary", "root_cause", "fix")}
    if not title or not any(values.values()):
        at = f" at {where}" if where else ""
        return None, DesignError(
            path=source,
            expected=f"a past-incident write-up with a title and a summary, root cause or fix{at}",
            found="no title" if not title else "no summary, root cause or fix",
        )
    occurred_at = _time(fields.get("occurred_at"))
    tags = fields.get("tags")
    tag_list = [str(t) for t in tags] if isinstance(tags, list) else _text(tags).split(",")
    attrs: dict[str, Any] = {
        "title": title,
        **values,
        "component": _text(fields.get("component")),
        "fault_type": fault_type_of(_text(fields.get("fault_type"))),
        "occurred_at": occurred_at,
        "tags": [t.strip() for t in tag_list if t.strip()],
        "source": source,
    }
    text = _text(fields.get("text")) or "\n".join(
        _text(fields.get(n)) for n in ("title", "summary", "root_cause", "fix", "component")
    )
    attrs["text"] = text[:TEXT_LIMIT]
    key = _text(fields.get("id")) or case_id(title, occurred_at)
    return Node.make(NodeKind.CASE, key, title, **attrs), None


def _fragment(nodes: list[Node]) -> GraphFragment:
    edges: list[Edge] = []
    services: list[Node] = []
    for node in nodes:
        component = node.attrs.get("component")
        if component:
            services.append(Node.make(NodeKind.SERVICE, component))
            edges.append(
                Edge(
                    src=node.id, dst=node_id(NodeKind.SERVICE, component), kind=EdgeKind.IMPLICATES
                )
            )
    return GraphFragment().merge(GraphFragment(nodes=nodes + services, edges=edges))
