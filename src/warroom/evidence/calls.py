"""Call-graph reachability, shared by the log and ranking analyses."""

from __future__ import annotations

from collections.abc import Mapping


def reachable(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Everything each caller reaches through calls (itself excluded; cycles tolerated)."""
    out: dict[str, set[str]] = {}
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            node = stack.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            stack.extend(graph.get(node, ()))
        out[start] = seen
    return out
