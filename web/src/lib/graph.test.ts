import { describe, expect, it } from 'vitest';
import type { FusionGraph } from '../api/types';
import { REPORT } from '../test/fixtures';
import { pathOf, runtimeGraph, toElements } from './graph';

const graph: FusionGraph = {
  nodes: [
    { id: 'service:payment-service', kind: 'service', name: 'payment-service' },
    { id: 'class:com.shop.PaymentServiceImpl', kind: 'class', name: 'PaymentServiceImpl' },
    { id: 'table:payments', kind: 'table', name: 'payments' },
    { id: 'team:payments-team', kind: 'team', name: 'payments-team' },
  ],
  edges: [
    {
      src: 'class:com.shop.PaymentServiceImpl',
      dst: 'service:payment-service',
      kind: 'belongs_to',
    },
    { src: 'class:com.shop.PaymentServiceImpl', dst: 'table:payments', kind: 'writes' },
    { src: 'team:payments-team', dst: 'service:payment-service', kind: 'owns' },
    { src: 'class:gone', dst: 'table:payments', kind: 'reads' },
  ],
  path: ['service:payment-service', 'class:com.shop.PaymentServiceImpl', 'table:payments'],
};

describe('pathOf', () => {
  it('finds the edges between consecutive path nodes, in either direction', () => {
    const { nodes, edges } = pathOf(graph);
    expect([...nodes]).toHaveLength(3);
    expect([...edges].sort()).toEqual([
      'class:com.shop.PaymentServiceImpl|belongs_to|service:payment-service',
      'class:com.shop.PaymentServiceImpl|writes|table:payments',
    ]);
  });

  it('reads a GraphPath with nodes and edges as well', () => {
    const { nodes, edges } = pathOf({
      ...graph,
      path: { nodes: [graph.nodes[2]!, 'team:payments-team'], edges: [graph.edges[2]!] },
    });
    expect([...nodes]).toEqual(['table:payments', 'team:payments-team']);
    expect([...edges]).toEqual(['team:payments-team|owns|service:payment-service']);
  });

  it('is empty without a path', () => {
    expect(pathOf({ ...graph, path: null }).nodes.size).toBe(0);
  });
});

describe('toElements', () => {
  it('marks the path, drops edges to missing nodes and filters by kind', () => {
    const all = toElements(graph);
    expect(all.filter((e) => e.group === 'nodes')).toHaveLength(4);
    expect(all.filter((e) => e.group === 'edges')).toHaveLength(3);
    expect(all.filter((e) => e.classes === 'on-path')).toHaveLength(5);
    const onlyTeams = toElements(graph, new Set(['team']));
    // Path nodes stay whatever the filter says.
    expect(onlyTeams.filter((e) => e.group === 'nodes').map((e) => e.data.id)).toHaveLength(4);
    const onlyClasses = toElements({ ...graph, path: null }, new Set(['class']));
    expect(onlyClasses.map((e) => e.data.id)).toEqual(['class:com.shop.PaymentServiceImpl']);
  });
});

describe('runtimeGraph', () => {
  it('draws the services of a report, calls from its traces, the path to the verdict', () => {
    const derived = runtimeGraph(REPORT);
    expect(derived.nodes.map((n) => n.name).sort()).toEqual([
      'order-service',
      'payment-service',
      'web-gateway',
    ]);
    expect(derived.edges).toEqual([
      { src: 'service:web-gateway', dst: 'service:order-service', kind: 'calls' },
    ]);
    expect(derived.path).toEqual(['service:payment-service']);
  });
});
