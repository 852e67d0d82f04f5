import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { FusionGraph } from '../api/types';
import { REPORT } from '../test/fixtures';
import { mockApi, renderWithApp } from '../test/render';
import GraphPage from './GraphPage';

// Cytoscape needs a real layout engine; the elements it would draw are what matter here.
vi.mock('../components/GraphCanvas', () => ({
  default: ({ elements }: { elements: { data: { id: string }; classes: string }[] }) => (
    <ul data-testid="graph-canvas">
      {elements.map((e) => (
        <li key={e.data.id} className={e.classes}>
          {e.data.id}
        </li>
      ))}
    </ul>
  ),
}));

const FUSED: FusionGraph = {
  nodes: [
    { id: 'service:payment-service', kind: 'service', name: 'payment-service' },
    { id: 'class:com.shop.PaymentServiceImpl', kind: 'class', name: 'PaymentServiceImpl' },
  ],
  edges: [
    {
      src: 'class:com.shop.PaymentServiceImpl',
      dst: 'service:payment-service',
      kind: 'belongs_to',
    },
  ],
  path: {
    nodes: [
      { id: 'service:payment-service', kind: 'service', name: 'payment-service' },
      { id: 'class:com.shop.PaymentServiceImpl', kind: 'class', name: 'PaymentServiceImpl' },
    ],
    edges: [
      {
        src: 'class:com.shop.PaymentServiceImpl',
        dst: 'service:payment-service',
        kind: 'belongs_to',
      },
    ],
  },
  links: [
    {
      evidence_id: 'log:exc:payment-service:1',
      frame: 'PaymentServiceImpl.charge(PaymentServiceImpl.java:87)',
      file: 'src/main/java/com/shop/PaymentServiceImpl.java',
      line: 87,
      owners: ['team:payments-team'],
    },
  ],
  commits: [
    { sha: 'abcdef1234567890', summary: 'move connection out of try', author: 'dev@shop.example' },
  ],
  similar_cases: [],
  placements: [],
};

const route = { route: '/incidents/inc_1/graph', path: '/incidents/:incidentId/graph' };

describe('GraphPage', () => {
  it('draws the fused graph with the suspect path and what fusion found', async () => {
    mockApi({ 'GET /api/v1/assets/fusion/inc_1': { json: FUSED } });
    renderWithApp(<GraphPage />, route);
    const canvas = await screen.findByTestId('graph-canvas');
    expect(
      within(canvas)
        .getAllByRole('listitem')
        .filter((li) => li.className === 'on-path'),
    ).toHaveLength(3);
    expect(
      within(screen.getByTestId('graph-path')).getByText('PaymentServiceImpl'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('graph-links')).toHaveTextContent('PaymentServiceImpl.java:87');
    expect(screen.getByTestId('graph-commits')).toHaveTextContent('move connection out of try');
    expect(screen.queryByTestId('graph-empty')).not.toBeInTheDocument();
  });

  it('falls back to the services of the report when there is no fused graph', async () => {
    mockApi({
      'GET /api/v1/assets/fusion/inc_1': { status: 404, json: { detail: 'no fusion' } },
      'GET /api/v1/reports/inc_1': { json: REPORT },
    });
    renderWithApp(<GraphPage />, route);
    expect(await screen.findByTestId('graph-derived')).toBeInTheDocument();
    expect(screen.getByTestId('graph-empty')).toBeInTheDocument();
    expect(await screen.findByTestId('graph-canvas')).toHaveTextContent('service:payment-service');
  });

  it('says what to upload when there is neither a graph nor a report', async () => {
    mockApi({
      'GET /api/v1/assets/fusion/inc_1': {
        json: { ...FUSED, nodes: [], edges: [], path: null, links: [], commits: [] },
      },
      'GET /api/v1/reports/inc_1': { status: 404, json: { detail: 'no report yet' } },
    });
    renderWithApp(<GraphPage />, route);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'No fused asset graph for this incident',
    );
  });
});
