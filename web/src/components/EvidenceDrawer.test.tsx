import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { REPORT } from '../test/fixtures';
import { mockApi, renderWithApp } from '../test/render';
import { EvidenceDrawer } from './EvidenceDrawer';

// ECharts needs a canvas; the option it would draw is what matters here.
vi.mock('./charts/EChart', () => ({
  default: ({ option, testId }: { option: unknown; testId?: string }) => (
    <pre data-testid={testId}>{JSON.stringify(option)}</pre>
  ),
}));

function open(id: string, extra: Partial<Parameters<typeof EvidenceDrawer>[0]> = {}) {
  const onOpen = vi.fn();
  renderWithApp(
    <EvidenceDrawer
      incidentId="inc_1"
      evidenceId={id}
      known={REPORT.evidence}
      runFinished
      onClose={() => undefined}
      onOpen={onOpen}
      {...extra}
    />,
  );
  return onOpen;
}

describe('EvidenceDrawer', () => {
  it('shows log evidence: templates, counts over time, example and source lines', async () => {
    open('log:err:payment-service');
    expect(await screen.findByTestId('evidence-summary')).toHaveTextContent('error share 46%');
    expect(screen.getByText('Charge failed for order=<*>')).toBeInTheDocument();
    expect(screen.getByTestId('evidence-example')).toHaveTextContent(
      'Charge failed for order=ord-1',
    );
    expect(screen.getByTestId('evidence-source')).toHaveTextContent(
      'payment-service.log · lines 642, 663',
    );
    const chart = await screen.findByTestId('evidence-counts-chart');
    expect(chart.textContent).toContain('"type":"bar"');
  });

  it('draws a metric with the anomaly marked', async () => {
    open('metric:payment-service:latency');
    const chart = await screen.findByTestId('evidence-metric-chart');
    const option = JSON.parse(chart.textContent ?? '{}') as {
      series: { markArea: { data: unknown[][] } }[];
    };
    expect(option.series[0]!.markArea.data[0]![0]).toEqual({
      xAxis: Date.parse('2026-03-14T14:05:45Z'),
      name: 'anomaly',
    });
  });

  it('shows the failing trace path with the failing service marked', async () => {
    open('trace:err:order-service');
    const path = await screen.findByTestId('trace-path');
    expect(
      within(path)
        .getAllByTestId('trace-hop')
        .map((h) => h.textContent),
    ).toEqual(['web-gateway']);
    expect(within(path).getByTestId('trace-failing')).toHaveTextContent('order-service');
  });

  it('fetches evidence the page does not have, and says when it is not stored', async () => {
    const { calls } = mockApi({
      'GET /api/v1/incidents/inc_1/evidence': { json: { data: [], count: 0 } },
    });
    open('log:tmpl:x', { known: undefined, runFinished: false });
    expect(await screen.findByTestId('evidence-missing')).toHaveTextContent(
      'Evidence is stored when the debate finishes',
    );
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/incidents/inc_1/evidence']);
  });

  it('shows a failed lookup with a retry instead of an empty drawer', async () => {
    mockApi({
      'GET /api/v1/incidents/inc_1/evidence': { status: 500, json: { detail: 'database away' } },
    });
    open('log:tmpl:x', { known: undefined });
    // A server error is retried twice (1 s, then 2 s) before it is shown.
    expect(await screen.findByTestId('error-state', {}, { timeout: 8000 })).toHaveTextContent(
      '500: database away',
    );
    expect(screen.getByTestId('retry-button')).toBeInTheDocument();
  });

  it('opens the evidence a ranking is based on', async () => {
    const rank = {
      ...REPORT.evidence[0]!,
      id: 'rank:payment-service',
      kind: 'suspect_rank' as const,
      data: { reasons: ['errors first'], evidence_ids: ['log:err:payment-service'] },
    };
    const onOpen = open('rank:payment-service', { known: [rank] });
    await userEvent.click(await screen.findByTestId('citation'));
    expect(onOpen).toHaveBeenCalledWith('log:err:payment-service');
  });
});
