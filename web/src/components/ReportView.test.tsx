import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { REPORT } from '../test/fixtures';
import { mockApi, renderWithApp } from '../test/render';
import { ReportView } from './ReportView';

describe('ReportView', () => {
  it('shows the verdict, its evidence chain, alternatives and struck claims', async () => {
    const onCite = vi.fn();
    renderWithApp(<ReportView report={REPORT} onCite={onCite} />);
    expect(screen.getByTestId('verdict-component')).toHaveTextContent('payment-service');
    expect(screen.getByTestId('root-cause')).toHaveTextContent('payment-service: code exception');
    expect(screen.getByText('recommended')).toBeInTheDocument();
    const alternatives = screen.getByTestId('alternatives');
    expect(within(alternatives).getByText('order-service')).toBeInTheDocument();
    expect(within(alternatives).getByText('only a caller')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('report-struck')).getByText('the cache was slow').tagName,
    ).toBe('DEL');
    await userEvent.click(within(screen.getByTestId('evidence-chain')).getByTestId('citation'));
    expect(onCite).toHaveBeenCalledWith('log:err:payment-service');
  });

  it.each(['md', 'html', 'json', 'pdf'] as const)(
    'exports %s through the API and saves the file',
    async (format) => {
      const { calls } = mockApi({
        'POST /api/v1/reports/inc_1/export': {
          text: 'document',
          headers: {
            'content-type': 'text/plain',
            'Content-Disposition': `attachment; filename="report-inc_1.${format}"`,
          },
        },
      });
      const created = vi.fn(() => 'blob:report');
      vi.stubGlobal(
        'URL',
        Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }),
      );
      const click = vi
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(() => undefined);
      renderWithApp(<ReportView report={REPORT} onCite={() => undefined} />);
      await userEvent.click(screen.getByTestId(`export-${format}`));
      await waitFor(() => expect(click).toHaveBeenCalled());
      expect(calls).toHaveLength(1);
      expect(JSON.parse(calls[0]!.body)).toEqual({ format, lang: 'en' });
      expect(created).toHaveBeenCalled();
      expect(await screen.findByText(`Saved report-inc_1.${format}`)).toBeInTheDocument();
    },
  );

  it('says why an export failed', async () => {
    mockApi({
      'POST /api/v1/reports/inc_1/export': { status: 404, json: { detail: 'no report yet' } },
    });
    renderWithApp(<ReportView report={REPORT} onCite={() => undefined} />);
    await userEvent.click(screen.getByTestId('export-pdf'));
    expect(await screen.findByText('404: no report yet')).toBeInTheDocument();
  });
});
