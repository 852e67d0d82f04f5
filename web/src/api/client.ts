import createClient from 'openapi-fetch';
import { useAuth, type Role, type Session } from '../state/auth';
import type { paths } from './schema';

/** An API answer that is not a success: the HTTP status and the server's ``detail``. */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

/** A token is renewed this long before it expires. */
export const REFRESH_MARGIN_MS = 30_000;

export function apiOrigin(): string {
  return window.location.origin;
}

/** The ``detail`` of an error body, whatever its shape. */
export function detailOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string') return detail;
    if (detail !== undefined) return JSON.stringify(detail);
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  return fallback;
}

export async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await response.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } catch {
    body = null;
  }
  return new ApiError(response.status, detailOf(body, `${response.status} ${response.statusText}`));
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  key_id: string;
  role: Role;
}

/** Exchange an API key for an access token (``POST /api/v1/auth/token``). */
export async function exchangeKey(apiKey: string): Promise<Session> {
  const response = await globalThis.fetch(`${apiOrigin()}/api/v1/auth/token`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  if (!response.ok) throw await errorOf(response);
  const body = (await response.json()) as TokenAnswer;
  return {
    apiKey,
    token: body.access_token,
    expiresAt: Date.now() + body.expires_in * 1000,
    role: body.role,
    keyId: body.key_id,
  };
}

let renewing: Promise<string | null> | null = null;

/** A usable access token: the stored one, or a fresh one from the stored key. Signs out when
 * the key itself is refused (revoked). Null when nobody is signed in. */
export async function validToken(force = false): Promise<string | null> {
  const session = useAuth.getState().session;
  if (!session) return null;
  if (!force && session.expiresAt - Date.now() > REFRESH_MARGIN_MS) return session.token;
  renewing ??= (async () => {
    try {
      const fresh = await exchangeKey(session.apiKey);
      useAuth.getState().refresh(fresh.token, fresh.expiresAt, fresh.role);
      return fresh.token;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        useAuth.getState().signOut(error.detail);
        return null;
      }
      return session.token;
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

function withToken(request: Request, token: string | null): Request {
  const headers = new Headers(request.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/** ``fetch`` with the session's token; a 401 renews the token once and retries. */
export async function authFetch(request: Request): Promise<Response> {
  const spare = request.clone();
  const first = await globalThis.fetch(withToken(request, await validToken()));
  if (first.status !== 401 || !useAuth.getState().session) return first;
  const token = await validToken(true);
  if (!token) return first;
  return globalThis.fetch(withToken(spare, token));
}

/** The typed client of the API (generated from its OpenAPI document). */
export const api = createClient<paths>({
  baseUrl: apiOrigin(),
  fetch: (request: Request) => authFetch(request),
});

/** The data of an openapi-fetch answer, or an ``ApiError``. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    if (result.response.ok && result.error === undefined) return undefined as T;
    throw new ApiError(
      result.response.status,
      detailOf(result.error, `${result.response.status} ${result.response.statusText}`),
    );
  }
  return result.data;
}

/** A GET outside the typed client (routes not in the OpenAPI document yet). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await authFetch(
    new Request(`${apiOrigin()}${path}`, { signal: signal ?? null }),
  );
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}
