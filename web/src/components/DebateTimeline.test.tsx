import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DEBATE } from '../test/fixtures';
import { renderWithApp } from '../test/render';
import { DebateTimeline } from './DebateTimeline';

describe('DebateTimeline', () => {
  it('shows each round with its agents, colours and confidence', () => {
    renderWithApp(<DebateTimeline events={DEBATE} onCite={() => undefined} />);
    const rounds = screen.getAllByTestId('round');
    expect(rounds.map((r) => r.getAttribute('data-round'))).toEqual(['-1', '0', '1', '2']);
    expect(within(rounds[1]!).getByText('Round 0 · proposals')).toBeInTheDocument();
    expect(within(rounds[3]!).getByText('Round 2 · ruling')).toBeInTheDocument();
    const log = screen.getAllByTestId('agent-LogAgent')[0]!;
    const critic = screen.getByTestId('agent-CriticAgent');
    expect(log.className).toContain('blue');
    expect(critic.className).toContain('red');
    expect(screen.getAllByTestId('confidence').map((c) => c.textContent)).toContain(
      'confidence 62%',
    );
    expect(
      screen.getByText('Read 3 files: 120 log lines, 4 metric series, 9 spans.'),
    ).toBeInTheDocument();
    expect(screen.getByText('fallback reasoner')).toBeInTheDocument();
  });

  it('strikes struck claims through and says why', () => {
    renderWithApp(<DebateTimeline events={DEBATE} onCite={() => undefined} />);
    const struck = screen.getAllByTestId('struck-claim');
    // Once inside the proposal, once as its own event.
    expect(struck).toHaveLength(2);
    for (const item of struck) {
      const text = within(item).getByText('the cache was slow');
      expect(text.tagName).toBe('DEL');
      expect(within(item).getByTestId('struck-reason')).toHaveTextContent(
        'struck: cites evidence that does not exist',
      );
    }
    // The claim that survived is not struck.
    expect(screen.getByText('payment-service errors started first').tagName).toBe('SPAN');
  });

  it('opens the evidence a citation names', async () => {
    const onCite = vi.fn();
    renderWithApp(<DebateTimeline events={DEBATE} onCite={onCite} />);
    const chip = screen
      .getAllByTestId('citation')
      .find((c) => c.getAttribute('data-evidence-id') === 'trace:err:order-service')!;
    await userEvent.click(chip);
    expect(onCite).toHaveBeenCalledWith('trace:err:order-service');
    chip.focus();
    await userEvent.keyboard('{Enter}');
    expect(onCite).toHaveBeenCalledTimes(2);
  });

  it('speaks Chinese when asked', () => {
    renderWithApp(<DebateTimeline events={DEBATE} onCite={() => undefined} />, { lang: 'zh' });
    expect(screen.getByText('第 0 轮 · 提出假设')).toBeInTheDocument();
    expect(screen.getAllByTestId('struck-reason')[0]).toHaveTextContent('驳回：引用了不存在的证据');
  });
});
