"""Trace evidence: call graph, self-time latency, error and latency propagation."""

from warroom.evidence.traces.propagation import TraceAnalysis, trace_evidence
from warroom.evidence.traces.tree import TraceTree, build_traces, call_graph, self_time_ms

__all__ = [
    "TraceAnalysis",
    "TraceTree",
    "build_traces",
    "call_graph",
    "self_time_ms",
    "trace_evidence",
]
