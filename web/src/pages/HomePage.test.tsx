import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Stats } from '../api/types';
import { mockApi, renderWithApp } from '../test/render';
import HomePage from './HomePage';

const STATS: Stats = {
  open_by_severity: { critical: 2, high: 1, medium: 0, low: 0 },
  incidents_total: 5,
  scanned_incidents: 5,
  scanned_runs: 4,
  active_debates: [
    {
      run_id: 'run_live',
      incident_id: 'inc_9',
      title: 'Search slow',
      status: 'running',
      created_at: '2026-03-14T14:00:00Z',
    },
  ],
  recent_verdicts: [
    {
      incident_id: 'inc_1',
      run_id: 'run_1',
      component: 'payment-service',
      fault_type: 'exception',
      confidence: 0.7,
      risk_level: 'high',
      rollback_recommended: true,
      responsible_team: 'payments-team',
      root_cause: 'leak',
      decided_at: '2026-03-14T14:10:00Z',
      title: 'Checkout failing',
      severity: 'critical',
    },
  ],
  time_to_verdict: { median_s: 95, samples: 3 },
  debate_duration: { median_s: 12, samples: 3 },
  pending_approvals: 1,
};

describe('HomePage', () => {
  it('shows open incidents by severity, debates under way, verdicts and time to verdict', async () => {
    mockApi({ 'GET /api/v1/stats': { json: STATS } });
    renderWithApp(<HomePage />);
    expect(await screen.findByTestId('open-critical')).toHaveTextContent('2');
    expect(screen.getByTestId('open-high')).toHaveTextContent('1');
    expect(screen.getByTestId('time-to-verdict')).toHaveTextContent('1m 35s');
    expect(
      within(screen.getByTestId('active-debates')).getByText('Search slow'),
    ).toBeInTheDocument();
    const recent = screen.getByTestId('recent-verdicts');
    expect(within(recent).getByText('payment-service')).toBeInTheDocument();
    expect(within(recent).getByText('Report').closest('a')).toHaveAttribute(
      'href',
      '/incidents/inc_1/report',
    );
  });

  it('shows empty states when nothing happened yet', async () => {
    mockApi({
      'GET /api/v1/stats': {
        json: {
          ...STATS,
          active_debates: [],
          recent_verdicts: [],
          time_to_verdict: { median_s: null, samples: 0 },
        },
      },
    });
    renderWithApp(<HomePage />);
    expect(await screen.findByText('No debate is running')).toBeInTheDocument();
    expect(screen.getByText('No verdict yet')).toBeInTheDocument();
    expect(screen.getByTestId('time-to-verdict')).toHaveTextContent('–');
  });

  it('shows a failure with a retry that recovers', async () => {
    let fail = true;
    mockApi({
      'GET /api/v1/stats': () =>
        fail ? { status: 503, json: { detail: 'store unavailable' } } : { json: STATS },
    });
    renderWithApp(<HomePage />);
    expect(await screen.findByTestId('error-state')).toHaveTextContent('503: store unavailable');
    expect(screen.getByTestId('page-home')).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByTestId('retry-button'));
    expect(await screen.findByTestId('open-critical')).toHaveTextContent('2');
  });

  it('keeps the last figures when a refresh fails', async () => {
    let fail = false;
    mockApi({
      'GET /api/v1/stats': () =>
        fail ? { status: 500, json: { detail: 'boom' } } : { json: STATS },
    });
    const { client } = renderWithApp(<HomePage />);
    expect(await screen.findByTestId('open-critical')).toHaveTextContent('2');
    fail = true;
    await client.refetchQueries({ queryKey: ['stats'] });
    expect(await screen.findByTestId('stale-banner')).toHaveTextContent('500: boom');
    expect(screen.getByTestId('open-critical')).toHaveTextContent('2');
  });
});
