/**
 * Text the database cannot store is bad input, not a server failure: PostgreSQL text holds no U+0000, so a
 * NUL character anywhere in a request must get 400 bad_request on both backends, never a 500.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call } from '../support/self-service';
import { challenge, login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

function expectBadRequest(response: { status: number; body: { error?: string } }) {
  expect(response.status).toBe(400);
  expect(response.body.error).toBe('bad_request');
}

describe('a NUL character in a request', () => {
  it('answers 400 bad_request for a User ID, a password or a device token holding one', async () => {
    expectBadRequest(await login(t, 'ckip\u0000lock', PASSWORD));
    expectBadRequest(await login(t, 'ckiplock', `${PASSWORD}\u0000`));
    expectBadRequest(await login(t, 'ckiplock', PASSWORD, { deviceToken: 'token\u0000' }));
    // The refusals cost the account nothing: the right password still gets its challenge.
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('answers 400 bad_request for a challenge id, a target or a workstation name holding one', async () => {
    expectBadRequest(await t.post('/api/v1/auth/challenges/abc%00def/send', { targetId: 'sms' }));
    expectBadRequest(await t.post('/api/v1/auth/challenges/abc%00def/verify', { code: '123456' }));
    const id = await challenge(t);
    expectBadRequest(await t.send(id, 'sms\u0000'));
    expect((await t.send(id, 'sms')).status).toBe(200);
    expectBadRequest(
      await t.verify(id, t.lastSmsCode(), { rememberDevice: true, deviceName: 'Front\u0000desk' }),
    );
    // Nor did the refusal spend an attempt: the right code still signs in.
    expect((await t.verify(id, t.lastSmsCode())).status).toBe(200);
  });

  it('answers 400 bad_request for one in a key, however deep the body nests', async () => {
    expectBadRequest(
      await t.post('/api/v1/auth/login', { username: 'ckiplock', password: PASSWORD, 'x\u0000': 1 }),
    );
    const deep = `${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`;
    const response = await t.post('/api/v1/auth/login', `{"username":"a","password":"b","x":${deep}}`);
    expect(response.status).toBe(400);
  });
});

describe('the route preamble every route module registers', () => {
  it('refuses a NUL in the query string on every route the route modules serve, as 400 bad_request', async () => {
    // Signed in as an account manager with a second factor, so every guard lets the request through to the
    // preamble's check, which runs before any validation or handler.
    const token = await adminSession(t);
    const undocumented = new Set(['GET /api/v1/openapi.json']);
    const routes = t.server.app.routeInventory.filter(
      (route) =>
        route.method !== 'HEAD' &&
        route.method !== 'OPTIONS' &&
        (route.url.startsWith('/api/v1/') || route.url.startsWith('/oidc-interaction/')) &&
        !undocumented.has(`${route.method} ${route.url}`),
    );
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const path = route.url.replaceAll(/:[^/]+/g, 'x');
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const response = await call(t, route.method, `${path}?note=a%00b`, body, bearer(token));
      expect([route.method, route.url, response.status, response.body.message]).toEqual([
        route.method,
        route.url,
        400,
        'The request contains a NUL character.',
      ]);
    }
  });
});
