import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { vi } from 'vitest';
import { Themed } from '../App';
import { useAuth, type Role } from '../state/auth';
import { usePrefs, type Lang } from '../state/prefs';

export function signInAs(role: Role | null): void {
  useAuth.setState({
    session: role
      ? {
          apiKey: 'wr_test_key',
          token: 'token-0',
          expiresAt: Date.now() + 3_600_000,
          role,
          keyId: 'key_test',
        }
      : null,
    notice: null,
  });
}

/** Render inside the app's providers: a fresh query client (no retries), the theme, a router
 * at ``route`` (matching ``path``), a session of ``role`` and the language ``lang``. */
export function renderWithApp(
  ui: ReactElement,
  {
    route = '/',
    path = '*',
    role = 'responder',
    lang = 'en',
  }: { route?: string; path?: string; role?: Role | null; lang?: Lang } = {},
): RenderResult & { client: QueryClient } {
  signInAs(role);
  usePrefs.setState({ lang, largeType: false });
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const result = render(
    <QueryClientProvider client={client}>
      <Themed>
        <MemoryRouter
          initialEntries={[route]}
          future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
        >
          <Routes>
            <Route path={path} element={ui} />
          </Routes>
        </MemoryRouter>
      </Themed>
    </QueryClientProvider>,
  );
  return { ...result, client };
}

export interface Call {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  /** The body as text; multipart bodies are not read (jsdom's FormData cannot be streamed by
   * Node's fetch): spy on ``FormData.prototype.append`` to see what a form holds. */
  body: string;
}

type Answer = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> };
type Handler = Answer | ((call: Call) => Answer | Promise<Answer>);

/** A fake ``fetch``: ``routes`` maps ``"METHOD /path"`` to an answer; every call is recorded.
 * Unknown routes answer 404 with a JSON detail, like the API. */
export function mockApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const call: Call = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: request.headers,
      body: !request.body
        ? ''
        : (request.headers.get('content-type') ?? '').startsWith('multipart/form-data') ||
            !request.headers.get('content-type')
          ? '[form]'
          : await request.clone().text(),
    };
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    const answer: Answer = !handler
      ? { status: 404, json: { detail: `no route ${call.method} ${call.path}` } }
      : typeof handler === 'function'
        ? await handler(call)
        : handler;
    const status = answer.status ?? 200;
    const body = answer.text ?? (answer.json === undefined ? null : JSON.stringify(answer.json));
    return new Response(status === 204 ? null : body, {
      status,
      headers: { 'content-type': 'application/json', ...(answer.headers ?? {}) },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
