import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, renderWithApp } from '../test/render';
import NewIncidentPage from './NewIncidentPage';

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

const app = (
  <Routes>
    <Route path="/incidents/new" element={<NewIncidentPage />} />
    <Route path="*" element={<Where />} />
  </Routes>
);

describe('NewIncidentPage', () => {
  it('opens an incident from pasted logs and goes to asset collection', async () => {
    const { calls } = mockApi({
      'POST /api/v1/incidents': { status: 201, json: { id: 'inc_new' } },
      'POST /api/v1/assets/runtime': { status: 201, json: { data: [], count: 1 } },
      'GET /api/v1/webhooks/alerts': { json: { data: [], count: 0 } },
    });
    const append = vi.spyOn(FormData.prototype, 'append');
    renderWithApp(app, { route: '/incidents/new' });
    fireEvent.change(screen.getByTestId('incident-title'), {
      target: { value: 'Checkout failing' },
    });
    fireEvent.change(screen.getByTestId('incident-alert-time'), {
      target: { value: '2026-03-14 14:07:00' },
    });
    fireEvent.change(screen.getByTestId('incident-service'), { target: { value: 'web-gateway' } });
    await userEvent.click(screen.getByTestId('tab-paste'));
    fireEvent.change(await screen.findByTestId('incident-paste'), {
      target: {
        value:
          'java.lang.IllegalStateException: pool exhausted\n  at com.shop.Pay.charge(Pay.java:87)',
      },
    });
    await userEvent.click(screen.getByTestId('incident-submit'));
    expect(await screen.findByTestId('where')).toHaveTextContent('/incidents/inc_new?step=assets');
    const created = calls.find((c) => c.path === '/api/v1/incidents')!;
    expect(JSON.parse(created.body)).toEqual({
      title: 'Checkout failing',
      severity: 'high',
      alert_time: '2026-03-14T14:07:00.000Z',
      window: '30m',
      description: '',
      metadata: { alert: { labels: { service: 'web-gateway' }, source: 'ui' } },
    });
    const upload = calls.find((c) => c.path === '/api/v1/assets/runtime')!;
    expect(upload.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = Object.fromEntries(append.mock.calls.map(([name, value]) => [name, value]));
    expect(form.incident_id).toBe('inc_new');
    expect(form.investigate).toBe('false');
    const pasted = form.files as File;
    expect(pasted.name).toBe('pasted.log');
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(pasted);
    });
    expect(text).toContain('pool exhausted');
  });

  it('refuses an alert time it cannot read before calling the server', async () => {
    const { calls } = mockApi({ 'GET /api/v1/webhooks/alerts': { json: { data: [], count: 0 } } });
    renderWithApp(app, { route: '/incidents/new' });
    fireEvent.change(screen.getByTestId('incident-title'), { target: { value: 'x' } });
    fireEvent.change(screen.getByTestId('incident-alert-time'), {
      target: { value: 'last tuesday' },
    });
    await userEvent.click(screen.getByTestId('incident-submit'));
    await waitFor(() =>
      expect(
        screen.getAllByText('Expected a time like 2026-03-14 14:07:00').length,
      ).toBeGreaterThan(0),
    );
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('lists incidents opened by webhook to pick from', async () => {
    mockApi({
      'GET /api/v1/webhooks/alerts': {
        json: {
          data: [
            {
              id: 'alt_1',
              fingerprint: 'f',
              name: 'HighErrorRate',
              status: 'firing',
              severity: 'critical',
              service: 'web-gateway',
              group_key: 'g',
              source: 'alertmanager',
              labels: {},
              annotations: {},
              summary: '5xx above 5%',
              starts_at: '2026-03-14T14:07:00Z',
              ends_at: null,
              first_seen: '2026-03-14T14:07:00Z',
              last_seen: '2026-03-14T14:09:00Z',
              count: 3,
              incident_id: 'inc_hook',
            },
          ],
          count: 1,
        },
      },
    });
    renderWithApp(app, { route: '/incidents/new' });
    await userEvent.click(screen.getByTestId('tab-webhook'));
    await userEvent.click(await screen.findByTestId('webhook-incident-inc_hook'));
    expect(await screen.findByTestId('where')).toHaveTextContent('/incidents/inc_hook?step=assets');
  });

  it('tells viewers they cannot open incidents', () => {
    mockApi({ 'GET /api/v1/webhooks/alerts': { json: { data: [], count: 0 } } });
    renderWithApp(app, { route: '/incidents/new', role: 'viewer' });
    expect(screen.getByText('Viewers cannot open incidents')).toBeInTheDocument();
    expect(screen.queryByTestId('incident-submit')).not.toBeInTheDocument();
  });
});
