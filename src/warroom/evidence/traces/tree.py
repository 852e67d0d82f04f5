"""Traces as trees: parent links, self time and the service-to-service edges they reveal.

Self time is a span's duration minus the union of its children's intervals (clipped to the
span), so overlapping or parallel children are not subtracted twice and a child that outlives
its parent cannot make self time negative. A childless span that wraps a concurrent sibling
call (async handlers) is charged only for the time that sibling does not cover.

A span whose children all run in *other* services is a client span: its self time is the time
between the caller sending and the callee answering, i.e. the network and queueing on that
edge. `TraceTree.edge_of` names that edge so the analysis can treat it apart from the
caller's own work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from warroom.ingest.records import Span


@dataclass(slots=True)
class TraceTree:
    """One trace: its spans, each span's children (indices) and self time in milliseconds."""

    trace_id: str
    spans: list[Span]
    children: list[list[int]]
    parent: list[int | None]
    self_ms: list[float] = field(default_factory=list)

    @property
    def roots(self) -> list[int]:
        return [i for i, p in enumerate(self.parent) if p is None]

    @property
    def root(self) -> int:
        """The earliest-starting root (orphans whose parent is missing count as roots)."""
        return min(self.roots, key=lambda i: self.spans[i].start)

    @property
    def start(self) -> float:
        return min(s.start for s in self.spans)

    def edge_of(self, index: int) -> tuple[str, str] | None:
        """``(caller, callee)`` when span ``index`` is a client span calling one other service."""
        kids = self.children[index]
        if not kids:
            return None
        own = self.spans[index].service
        callees = {self.spans[k].service for k in kids}
        if own in callees or len(callees) != 1:
            return None
        return own, next(iter(callees))

    def services_to(self, index: int) -> list[str]:
        """Services from the root down to span ``index``, consecutive repeats collapsed."""
        chain: list[str] = []
        at: int | None = index
        for _ in range(len(self.spans)):  # bounded: malformed parent links may form a cycle
            if at is None:
                break
            service = self.spans[at].service
            if not chain or chain[-1] != service:
                chain.append(service)
            at = self.parent[at]
        return chain[::-1]


def build_traces(spans: Iterable[Span]) -> list[TraceTree]:
    """Group spans by trace id, link parents and compute every span's self time."""
    grouped: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        grouped[span.trace_id].append(span)
    return [_tree(trace_id, members) for trace_id, members in grouped.items()]


def call_graph(trees: Iterable[TraceTree]) -> dict[str, set[str]]:
    """Caller service -> callee services, from parent-child spans that cross a service."""
    graph: dict[str, set[str]] = defaultdict(set)
    for tree in trees:
        for i, parent in enumerate(tree.parent):
            if parent is None:
                continue
            caller, callee = tree.spans[parent].service, tree.spans[i].service
            if caller != callee:
                graph[caller].add(callee)
    return dict(graph)


def self_time_ms(span: Span, children: Sequence[Span]) -> float:
    """Duration minus the union of the children's intervals clipped to the span."""
    start, end = span.start, span.start + span.duration_ms / 1000.0
    intervals = sorted(
        (max(start, c.start), min(end, c.start + c.duration_ms / 1000.0)) for c in children
    )
    covered = 0.0
    cur_start, cur_end = None, None
    for lo, hi in intervals:
        if hi <= lo:
            continue
        if cur_end is None or cur_start is None or lo > cur_end:
            if cur_end is not None and cur_start is not None:
                covered += cur_end - cur_start
            cur_start, cur_end = lo, hi
        else:
            cur_end = max(cur_end, hi)
    if cur_end is not None and cur_start is not None:
        covered += cur_end - cur_start
    return max(0.0, span.duration_ms - covered * 1000.0)


def _tree(trace_id: str, spans: list[Span]) -> TraceTree:
    spans.sort(key=lambda s: s.start)
    index = {s.span_id: i for i, s in enumerate(spans)}
    parent: list[int | None] = []
    children: list[list[int]] = [[] for _ in spans]
    for i, span in enumerate(spans):
        p = index.get(span.parent_id) if span.parent_id is not None else None
        if p == i:
            p = None
        parent.append(p)
        if p is not None:
            children[p].append(i)
    tree = TraceTree(trace_id=trace_id, spans=spans, children=children, parent=parent)
    tree.self_ms = [self_time_ms(s, _covering(tree, i)) for i, s in enumerate(spans)]
    return tree


def _covering(tree: TraceTree, index: int) -> list[Span]:
    """The spans whose time is not ``index``'s own: its children, or for a childless span
    the siblings with children of their own that run inside it.

    Reactive and async instrumentation often records a handler span with no children that
    lasts as long as a sibling client span doing the real call; without this its whole
    duration would look like its own work.
    """
    kids = tree.children[index]
    if kids:
        return [tree.spans[k] for k in kids]
    parent = tree.parent[index]
    if parent is None:
        return []
    span = tree.spans[index]
    end = span.start + span.duration_ms / 1000.0
    return [
        tree.spans[k]
        for k in tree.children[parent]
        if k != index and tree.children[k] and span.start <= tree.spans[k].start < end
    ]
