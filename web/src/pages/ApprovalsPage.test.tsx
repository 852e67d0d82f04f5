import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Approval } from '../api/types';
import { mockApi, renderWithApp } from '../test/render';
import ApprovalsPage from './ApprovalsPage';

const PENDING: Approval = {
  id: 'apr_1',
  run_id: 'run_1',
  action: 'rollback deployment/payment-service',
  payload: { risk: 'write', args: { revision: 41 } },
  status: 'pending',
  requested_at: '2026-03-14T14:10:00Z',
};

describe('ApprovalsPage', () => {
  it('approves a pending action with a reason', async () => {
    const { calls } = mockApi({
      'GET /api/v1/approvals': { json: { data: [PENDING], count: 1 } },
      'POST /api/v1/approvals/apr_1/approve': { json: { ...PENDING, status: 'approved' } },
    });
    renderWithApp(<ApprovalsPage />, { role: 'responder' });
    expect(await screen.findByText('rollback deployment/payment-service')).toBeInTheDocument();
    expect(screen.getByText('write')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('approve-apr_1'));
    await userEvent.click(await screen.findByTestId('decision-submit'));
    expect(await screen.findByText('Say why')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    fireEvent.change(screen.getByTestId('decision-reason'), {
      target: { value: 'tested on staging' },
    });
    await userEvent.click(screen.getByTestId('decision-submit'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/v1/approvals/apr_1/approve');
    expect(JSON.parse(post.body)).toEqual({ reason: 'tested on staging' });
    expect(await screen.findByText('Approved: the action may run.')).toBeInTheDocument();
  });

  it('lets viewers look but not decide', async () => {
    mockApi({ 'GET /api/v1/approvals': { json: { data: [PENDING], count: 1 } } });
    renderWithApp(<ApprovalsPage />, { role: 'viewer' });
    expect(await screen.findByText('rollback deployment/payment-service')).toBeInTheDocument();
    expect(screen.queryByTestId('approve-apr_1')).not.toBeInTheDocument();
    expect(
      screen.getByText('Viewers see requests; responders and admins approve or deny them.'),
    ).toBeInTheDocument();
  });

  it('says when nothing waits', async () => {
    mockApi({ 'GET /api/v1/approvals': { json: { data: [], count: 0 } } });
    renderWithApp(<ApprovalsPage />);
    expect(await screen.findByText('Nothing waits for approval')).toBeInTheDocument();
  });
});
