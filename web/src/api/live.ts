import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { lastSeq, mergeEvents } from '../lib/events';
import { api, apiOrigin, unwrap, validToken } from './client';
import { keys } from './queries';
import type { RunEvent } from './types';

export type LiveMode = 'loading' | 'connecting' | 'live' | 'reconnecting' | 'polling' | 'ended';

export interface LiveState {
  mode: LiveMode;
  /** The run's final status once the stream said it ended. */
  endStatus: string | null;
  /** The last connection problem, if any (shown, never fatal). */
  problem: string | null;
}

const PAGE = 1000;
/** After this many sockets in a row that failed to open, poll the history instead. */
const SOCKET_ATTEMPTS = 3;
const POLL_MS = 2000;

export const eventsKey = (runId: string) => ['run-events', runId] as const;

/** Every stored event of the run with ``seq > after`` (paged). */
export async function fetchEvents(runId: string, after = -1, signal?: AbortSignal) {
  let events: RunEvent[] = [];
  let cursor = after;
  let status = 'queued';
  for (;;) {
    const page = unwrap(
      await api.GET('/api/v1/debates/{run_id}/history', {
        params: { path: { run_id: runId }, query: { after: cursor, limit: PAGE } },
        signal,
      }),
    );
    events = mergeEvents(events, page.data);
    status = page.status;
    if (page.count < PAGE) break;
    cursor = page.next_after;
  }
  return { events, status };
}

function socketUrl(runId: string, after: number, token: string | null): string {
  const origin = apiOrigin().replace(/^http/, 'ws');
  const query = new URLSearchParams({ after: String(after) });
  if (token) query.set('api_key', token);
  return `${origin}/ws/debates/${encodeURIComponent(runId)}?${query.toString()}`;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** A run's events: the stored ones first (REST), then live ones over the WebSocket from the
 * last seq seen. A dropped socket reconnects from the last seq (nothing missed, nothing
 * twice); when sockets keep failing, the history is polled instead. Events live in the
 * query cache under ``eventsKey(runId)``. */
export function useRunEvents(runId: string | undefined): {
  events: RunEvent[];
  live: LiveState;
  error: Error | null;
  retry: () => void;
} {
  const client = useQueryClient();
  const [live, setLive] = useState<LiveState>({ mode: 'loading', endStatus: null, problem: null });
  const initial = useQuery({
    queryKey: eventsKey(runId ?? ''),
    enabled: Boolean(runId),
    staleTime: Infinity,
    queryFn: async ({ signal }) => (await fetchEvents(runId ?? '', -1, signal)).events,
  });
  const loaded = initial.isSuccess;

  useEffect(() => {
    if (!runId || !loaded) return undefined;
    let stopped = false;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;

    const current = () => client.getQueryData<RunEvent[]>(eventsKey(runId)) ?? [];
    const add = (incoming: RunEvent[]) =>
      client.setQueryData<RunEvent[]>(eventsKey(runId), mergeEvents(current(), incoming));
    const finish = (status: string) => {
      stopped = true;
      setLive({ mode: 'ended', endStatus: status, problem: null });
      void client.invalidateQueries({ queryKey: keys.debate(runId) });
      void client.invalidateQueries({ queryKey: ['report'] });
      void client.invalidateQueries({ queryKey: ['evidence'] });
      void client.invalidateQueries({ queryKey: ['incident-runs'] });
      void client.invalidateQueries({ queryKey: keys.stats });
    };

    const poll = async () => {
      if (stopped) return;
      try {
        const page = await fetchEvents(runId, lastSeq(current()));
        add(page.events);
        if (FINISHED.has(page.status)) {
          finish(page.status);
          return;
        }
        setLive((s) => ({ ...s, mode: 'polling' }));
      } catch (error) {
        setLive((s) => ({ ...s, mode: 'polling', problem: String(error) }));
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };

    const connect = async () => {
      if (stopped) return;
      const token = await validToken();
      if (stopped) return;
      let opened = false;
      let ended = false;
      const ws = new WebSocket(socketUrl(runId, lastSeq(current()), token));
      socket = ws;
      setLive((s) => ({ ...s, mode: failures ? 'reconnecting' : 'connecting' }));
      ws.onopen = () => {
        opened = true;
        failures = 0;
        setLive({ mode: 'live', endStatus: null, problem: null });
      };
      ws.onmessage = (message: MessageEvent) => {
        let data: { type?: string; event?: RunEvent; status?: string; detail?: string };
        try {
          data = JSON.parse(String(message.data)) as typeof data;
        } catch {
          return;
        }
        if (data.type === 'event' && data.event) add([data.event]);
        else if (data.type === 'end') {
          ended = true;
          finish(data.status ?? 'finished');
          ws.close();
        } else if (data.type === 'error') {
          setLive((s) => ({ ...s, problem: data.detail ?? 'stream refused' }));
        }
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        if (stopped || ended) return;
        failures = opened ? 1 : failures + 1;
        if (failures >= SOCKET_ATTEMPTS) {
          setLive((s) => ({ ...s, mode: 'polling' }));
          void poll();
          return;
        }
        setLive((s) => ({ ...s, mode: 'reconnecting' }));
        timer = setTimeout(() => void connect(), Math.min(1000 * 2 ** failures, 8000));
      };
    };

    void connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
  }, [client, runId, loaded]);

  return {
    events: initial.data ?? [],
    error: initial.error,
    retry: () => void initial.refetch(),
    live: initial.isError
      ? { mode: 'loading', endStatus: null, problem: String(initial.error) }
      : live,
  };
}
