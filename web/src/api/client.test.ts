import { describe, expect, it } from 'vitest';
import { useAuth } from '../state/auth';
import { mockApi, signInAs } from '../test/render';
import { api, exchangeKey, unwrap, validToken } from './client';

const TOKEN = { access_token: 'token-new', expires_in: 900, key_id: 'key_test', role: 'responder' };

describe('exchangeKey', () => {
  it('trades the key for a token and its role', async () => {
    const { calls } = mockApi({ 'POST /api/v1/auth/token': { json: TOKEN } });
    const session = await exchangeKey('wr_abc');
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer wr_abc');
    expect(session).toMatchObject({ apiKey: 'wr_abc', token: 'token-new', role: 'responder' });
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 800_000);
  });

  it('fails with the server detail', async () => {
    mockApi({
      'POST /api/v1/auth/token': { status: 401, json: { detail: 'the API key is not valid' } },
    });
    await expect(exchangeKey('wr_bad')).rejects.toMatchObject({
      status: 401,
      detail: 'the API key is not valid',
    });
  });
});

describe('the typed client', () => {
  it('renews a token about to expire before the request', async () => {
    signInAs('responder');
    useAuth.setState((s) => ({ session: { ...s.session!, expiresAt: Date.now() + 1000 } }));
    const { calls } = mockApi({
      'POST /api/v1/auth/token': { json: TOKEN },
      'GET /api/v1/stats': { json: { pending_approvals: 0 } },
    });
    await api.GET('/api/v1/stats');
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/token', '/api/v1/stats']);
    expect(calls[1]!.headers.get('Authorization')).toBe('Bearer token-new');
    expect(useAuth.getState().session?.token).toBe('token-new');
  });

  it('retries once with a fresh token after a 401 (a restarted server)', async () => {
    signInAs('responder');
    let first = true;
    const { calls } = mockApi({
      'POST /api/v1/auth/token': { json: TOKEN },
      'GET /api/v1/stats': () => {
        if (first) {
          first = false;
          return { status: 401, json: { detail: 'token not signed by this app' } };
        }
        return { json: { pending_approvals: 3 } };
      },
    });
    const result = await api.GET('/api/v1/stats');
    expect(unwrap(result)).toEqual({ pending_approvals: 3 });
    expect(calls.map((c) => c.headers.get('Authorization'))).toEqual([
      'Bearer token-0',
      'Bearer wr_test_key',
      'Bearer token-new',
    ]);
  });

  it('signs out when the key itself is refused', async () => {
    signInAs('responder');
    mockApi({
      'POST /api/v1/auth/token': { status: 401, json: { detail: 'key revoked' } },
      'GET /api/v1/stats': { status: 401, json: { detail: 'key revoked' } },
    });
    const result = await api.GET('/api/v1/stats');
    expect(() => unwrap(result)).toThrow('key revoked');
    expect(useAuth.getState().session).toBeNull();
    expect(useAuth.getState().notice).toBe('key revoked');
    expect(await validToken()).toBeNull();
  });
});
