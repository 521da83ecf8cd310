/**
 * Behind a reverse proxy (WRSAUTH_TRUST_PROXY names it), the per-IP login limit counts the address the proxy
 * saw, never one the client wrote into X-Forwarded-For itself. The proxy here is this test on 127.0.0.1,
 * appending the "real" client address the way nginx's $proxy_add_x_forwarded_for does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, PASSWORD, startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
afterEach(() => t.close());

const REAL_CLIENT = '203.0.113.7';
const loginVia = (forwardedFor: string) =>
  t.post(
    '/api/v1/auth/login',
    { username: 'nobody', password: PASSWORD },
    { 'x-forwarded-for': forwardedFor },
  );

describe('per-IP limits behind a trusted proxy', () => {
  it('ignores addresses the client forged into X-Forwarded-For: the limit still hits the real client', async () => {
    t = await startTestServer({
      env: { WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '3', WRSAUTH_TRUST_PROXY: '127.0.0.1' },
    });
    await createUser(t);

    for (let i = 0; i < 3; i++) expect((await loginVia(`198.51.100.${i}, ${REAL_CLIENT}`)).status).toBe(401);
    const forged = await loginVia(`198.51.100.99, ${REAL_CLIENT}`);

    expect(forged.status).toBe(429);
    expect(forged.body.error).toBe('rate_limited');
  });

  it('counts each real client apart, so one busy client does not lock out the others', async () => {
    t = await startTestServer({
      env: { WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '3', WRSAUTH_TRUST_PROXY: '127.0.0.1' },
    });
    await createUser(t);

    for (let i = 0; i < 3; i++) await loginVia(REAL_CLIENT);
    expect((await loginVia(REAL_CLIENT)).status).toBe(429);
    expect((await loginVia('203.0.113.8')).status).toBe(401);
  });
});
