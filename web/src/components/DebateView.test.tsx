import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEBATE } from '../test/fixtures';
import { mockApi, renderWithApp } from '../test/render';
import { FakeSocket } from '../test/socket';
import { DebateView } from './DebateView';

const RUNNING = {
  id: 'run_1',
  incident_id: 'inc_1',
  kind: 'investigation',
  status: 'running',
  created_at: '2026-03-14T14:07:00Z',
  started_at: '2026-03-14T14:07:01Z',
  event_count: 4,
};

beforeEach(() => {
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
});

function serve() {
  return mockApi({
    'GET /api/v1/debates/run_1': { json: RUNNING },
    'GET /api/v1/debates/run_1/history': {
      json: { data: DEBATE.slice(0, 5), count: 5, next_after: 4, status: 'running' },
    },
  });
}

describe('DebateView', () => {
  it('shows a running debate live, with cancel and intervene for responders', async () => {
    serve();
    renderWithApp(<DebateView runId="run_1" />, { role: 'responder' });
    expect(await screen.findByTestId('debate-timeline')).toBeInTheDocument();
    await vi.waitFor(() => expect(FakeSocket.made).toHaveLength(1));
    FakeSocket.made[0]!.open();
    expect(await screen.findByTestId('live-mode')).toHaveTextContent('Live');
    expect(screen.getByTestId('debate-cancel')).toBeInTheDocument();
    expect(screen.getByTestId('intervene-panel')).toBeInTheDocument();
    FakeSocket.made[0]!.send({ type: 'event', event: DEBATE[8] });
    expect(await screen.findByTestId('event-verdict')).toHaveTextContent('payment-service');
  });

  it('lets viewers watch without cancel or intervene', async () => {
    serve();
    renderWithApp(<DebateView runId="run_1" />, { role: 'viewer' });
    expect(await screen.findByTestId('debate-timeline')).toBeInTheDocument();
    expect(screen.queryByTestId('debate-cancel')).not.toBeInTheDocument();
    expect(screen.queryByTestId('intervene-panel')).not.toBeInTheDocument();
  });

  it('shows an unknown debate as an error, not a blank page', async () => {
    mockApi({
      'GET /api/v1/debates/run_x': {
        status: 404,
        json: { detail: "no debate or run with id 'run_x'" },
      },
      'GET /api/v1/debates/run_x/history': { status: 404, json: { detail: 'no debate' } },
    });
    renderWithApp(<DebateView runId="run_x" />);
    expect(await screen.findByTestId('error-state')).toHaveTextContent(
      "404: no debate or run with id 'run_x'",
    );
  });
});
