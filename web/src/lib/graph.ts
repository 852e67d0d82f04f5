import type { FusionGraph, GraphEdge, GraphNode, Report } from '../api/types';

/** A colour per node kind of the knowledge graph (``warroom.domain.graph.NodeKind``). */
export const KIND_COLORS: Record<string, string> = {
  service: '#1d39c4',
  endpoint: '#d46b08',
  class: '#1677ff',
  method: '#69b1ff',
  file: '#8c8c8c',
  commit: '#531dab',
  person: '#c41d7f',
  team: '#eb2f96',
  table: '#389e0d',
  aggregate: '#08979c',
  entity: '#36cfc9',
  context: '#006d75',
  case: '#ad8b00',
  incident: '#000000',
  repository: '#595959',
};

export function kindColor(kind: string): string {
  return KIND_COLORS[kind] ?? '#bfbfbf';
}

export const edgeId = (edge: GraphEdge): string => `${edge.src}|${edge.kind}|${edge.dst}`;

/** The node ids and edge ids of the graph's suspect path, whatever shape ``path`` has. */
export function pathOf(graph: FusionGraph): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  const path = graph.path;
  if (!path) return { nodes, edges };
  const ids = Array.isArray(path)
    ? path.filter((p): p is string => typeof p === 'string')
    : path.nodes.map((n) => (typeof n === 'string' ? n : n.id));
  ids.forEach((id) => nodes.add(id));
  if (!Array.isArray(path) && path.edges) {
    path.edges.forEach((e) => edges.add(edgeId(e)));
  } else {
    // Consecutive path nodes: the edges between them, in either direction.
    const pairs = new Set(ids.slice(1).map((id, i) => `${ids[i]}\u0000${id}`));
    for (const edge of graph.edges) {
      if (pairs.has(`${edge.src}\u0000${edge.dst}`) || pairs.has(`${edge.dst}\u0000${edge.src}`)) {
        edges.add(edgeId(edge));
      }
    }
  }
  return { nodes, edges };
}

export interface Element {
  group: 'nodes' | 'edges';
  data: Record<string, string>;
  classes: string;
}

/** Cytoscape elements of the graph; nodes and edges on the path get the class ``on-path``,
 * edges whose ends are missing are left out. Only kinds in ``kinds`` (all when empty). */
export function toElements(graph: FusionGraph, kinds: Set<string> = new Set()): Element[] {
  const { nodes: onNodes, edges: onEdges } = pathOf(graph);
  const shown = graph.nodes.filter(
    (n) => kinds.size === 0 || kinds.has(n.kind) || onNodes.has(n.id),
  );
  const ids = new Set(shown.map((n) => n.id));
  const nodes: Element[] = shown.map((n) => ({
    group: 'nodes',
    data: { id: n.id, label: n.name || n.id, kind: n.kind, color: kindColor(n.kind) },
    classes: onNodes.has(n.id) ? 'on-path' : '',
  }));
  const edges: Element[] = graph.edges
    .filter((e) => ids.has(e.src) && ids.has(e.dst))
    .map((e) => ({
      group: 'edges',
      data: { id: edgeId(e), source: e.src, target: e.dst, kind: e.kind },
      classes: onEdges.has(edgeId(e)) ? 'on-path' : '',
    }));
  return [...nodes, ...edges];
}

/** A services-only graph from a report, for when no fused graph exists: the failing trace
 * paths become ``calls`` edges, and the path runs to the verdict's component. */
export function runtimeGraph(report: Report): FusionGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const service = (name: string) => {
    const id = `service:${name}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'service', name });
    return id;
  };
  report.suspects.forEach((s) => service(s.component));
  let path: string[] = [];
  for (const item of report.evidence) {
    // Callers on a failing path are listed as related entities of the evidence.
    if (item.kind.startsWith('trace_') || item.kind === 'log_error_rate') {
      for (const caller of item.related_entities) {
        const edge: GraphEdge = { src: service(caller), dst: service(item.entity), kind: 'calls' };
        edges.set(edgeId(edge), edge);
      }
    }
    const hops = Array.isArray(item.data.path)
      ? item.data.path.filter((h): h is string => typeof h === 'string')
      : [];
    if (hops.length === 0) continue;
    const chain = hops.includes(item.entity) ? hops : [...hops, item.entity];
    chain.slice(1).forEach((callee, i) => {
      const edge: GraphEdge = {
        src: service(chain[i] ?? callee),
        dst: service(callee),
        kind: 'calls',
      };
      edges.set(edgeId(edge), edge);
    });
    const at = chain.indexOf(report.verdict.component);
    if (at >= 0 && at + 1 > path.length) path = chain.slice(0, at + 1).map(service);
  }
  if (path.length === 0) path = [service(report.verdict.component)];
  return { nodes: [...nodes.values()], edges: [...edges.values()], path };
}
