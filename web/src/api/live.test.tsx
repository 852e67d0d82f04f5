import { renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEBATE } from '../test/fixtures';
import { mockApi, signInAs } from '../test/render';
import { FakeSocket } from '../test/socket';
import { useRunEvents } from './live';

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

beforeEach(() => {
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  signInAs('viewer');
});

afterEach(() => {
  vi.useRealTimers();
});

const stored = DEBATE.slice(0, 4);

describe('useRunEvents', () => {
  it('loads the stored events, then follows live from the last seq with the token', async () => {
    const { calls } = mockApi({
      'GET /api/v1/debates/run_1/history': {
        json: { data: stored, count: 4, next_after: 3, status: 'running' },
      },
    });
    const { result } = renderHook(() => useRunEvents('run_1'), { wrapper });
    await waitFor(() => expect(FakeSocket.made).toHaveLength(1));
    const socket = FakeSocket.made[0]!;
    expect(calls[0]!.search).toBe('?after=-1&limit=1000');
    expect(socket.after).toBe(3);
    expect(new URL(socket.url).pathname).toBe('/ws/debates/run_1');
    expect(new URL(socket.url).searchParams.get('api_key')).toBe('token-0');
    socket.open();
    expect(result.current.live.mode).toBe('live');
    socket.send({ type: 'event', event: DEBATE[4] });
    socket.send({ type: 'event', event: DEBATE[3] }); // a repeat is ignored
    socket.send({ type: 'heartbeat' });
    await waitFor(() => expect(result.current.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]));
    socket.send({ type: 'end', status: 'succeeded' });
    expect(result.current.live).toEqual({ mode: 'ended', endStatus: 'succeeded', problem: null });
  });

  it('reconnects after a drop from the last seq it saw: nothing missed, nothing twice', async () => {
    mockApi({
      'GET /api/v1/debates/run_1/history': {
        json: { data: stored, count: 4, next_after: 3, status: 'running' },
      },
    });
    const { result } = renderHook(() => useRunEvents('run_1'), { wrapper });
    await waitFor(() => expect(FakeSocket.made).toHaveLength(1));
    const first = FakeSocket.made[0]!;
    first.open();
    first.send({ type: 'event', event: DEBATE[4] });
    first.send({ type: 'event', event: DEBATE[5] });
    first.drop();
    expect(result.current.live.mode).toBe('reconnecting');
    await waitFor(() => expect(FakeSocket.made).toHaveLength(2), { timeout: 5000 });
    const second = FakeSocket.made[1]!;
    expect(second.after).toBe(5);
    second.open();
    second.send({ type: 'event', event: DEBATE[5] });
    second.send({ type: 'event', event: DEBATE[6] });
    await waitFor(() =>
      expect(result.current.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]),
    );
  });

  it('falls back to polling the history when sockets keep failing', async () => {
    let polled = 0;
    const { calls } = mockApi({
      'GET /api/v1/debates/run_1/history': (call) => {
        const after = Number(new URLSearchParams(call.search).get('after'));
        if (after < 0)
          return { json: { data: stored, count: 4, next_after: 3, status: 'running' } };
        polled += 1;
        const rest = DEBATE.filter((e) => e.seq > after);
        return { json: { data: rest, count: rest.length, next_after: 9, status: 'succeeded' } };
      },
    });
    const { result } = renderHook(() => useRunEvents('run_1'), { wrapper });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await waitFor(() => expect(FakeSocket.made).toHaveLength(attempt), { timeout: 6000 });
      FakeSocket.made[attempt - 1]!.drop(); // never opened
    }
    await waitFor(() => expect(result.current.live.mode).toBe('ended'), { timeout: 5000 });
    expect(polled).toBe(1);
    expect(calls.at(-1)!.search).toBe('?after=3&limit=1000');
    expect(result.current.events).toHaveLength(DEBATE.length);
  }, 20000);

  it('reports a failed first load instead of showing nothing', async () => {
    mockApi({
      'GET /api/v1/debates/run_1/history': { status: 404, json: { detail: 'no debate run_1' } },
    });
    const { result } = renderHook(() => useRunEvents('run_1'), { wrapper });
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(String(result.current.error)).toContain('no debate run_1');
    expect(FakeSocket.made).toHaveLength(0);
  });
});
