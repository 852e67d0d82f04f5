import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithApp } from '../test/render';
import { IntervenePanel } from './IntervenePanel';

const user = () => userEvent.setup({ pointerEventsCheck: 0, delay: null });

const panel = (
  <IntervenePanel
    runId="run_1"
    components={['payment-service', 'order-service']}
    evidenceIds={[]}
    finished={false}
  />
);

describe('IntervenePanel', () => {
  it('is not shown to viewers', () => {
    renderWithApp(panel, { role: 'viewer' });
    expect(screen.queryByTestId('intervene-panel')).not.toBeInTheDocument();
  });

  it('shows the four moves to responders and admins', () => {
    renderWithApp(panel, { role: 'admin' });
    for (const kind of ['claim', 'pin', 'veto', 'instruction']) {
      expect(screen.getByTestId(`intervene-${kind}`)).toBeInTheDocument();
    }
  });

  it('sends a veto with its component and says when it applies', async () => {
    const { calls } = mockApi({
      'POST /api/v1/debates/run_1/intervene': {
        status: 201,
        json: { intervention: { id: 1 }, applies: 'next_round' },
      },
    });
    renderWithApp(panel, { role: 'responder' });
    await user().click(screen.getByTestId('intervene-veto'));
    await user().click(await screen.findByTestId('intervene-submit'));
    expect(await screen.findByText('Name the component')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'order-service' } });
    fireEvent.change(screen.getByTestId('intervene-text'), { target: { value: 'ruled out' } });
    await user().click(screen.getByTestId('intervene-submit'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(JSON.parse(calls[0]!.body)).toEqual({
      kind: 'veto',
      component: 'order-service',
      text: 'ruled out',
      evidence_ids: [],
    });
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer token-0');
    expect(
      await screen.findByText('Sent: the debate takes it at its next round.'),
    ).toBeInTheDocument();
  });

  it('shows the server refusal and keeps the form open', async () => {
    mockApi({
      'POST /api/v1/debates/run_1/intervene': {
        status: 422,
        json: { detail: 'a claim needs text' },
      },
    });
    renderWithApp(panel, { role: 'responder' });
    await user().click(screen.getByTestId('intervene-instruction'));
    fireEvent.change(await screen.findByTestId('intervene-text'), {
      target: { value: 'look at the pool' },
    });
    await user().click(screen.getByTestId('intervene-submit'));
    expect(await screen.findByText('422: a claim needs text')).toBeInTheDocument();
    expect(screen.getByTestId('intervene-text')).toBeInTheDocument();
  });
});
