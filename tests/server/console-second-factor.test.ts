/**
 * The account manager console needs a second factor, whatever the practice's policy (issue 15, finding 8):
 * it issues bypass codes and temporary passwords. A session that signed in on a password alone gets 403
 * second_factor_required from every /admin route; an account manager with a factor on file is asked for it
 * even where the policy asks no code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, call } from '../support/self-service';
import { createUser, login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

const MANAGER_PHONE = '+12025550177';

async function signInWithText(username: string, extra: object = {}) {
  const started = await login(t, username);
  expect(started.body.status).toBe('challenge');
  const send = await t.send(started.body.challengeId, 'sms');
  expect(send.status).toBe(200);
  const verified = await t.verify(started.body.challengeId, t.lastSmsCode(), extra);
  expect(verified.status).toBe(200);
  t.clock.advance(31);
  return verified.body;
}

describe('a password-only session of an account manager', () => {
  it('gets 403 second_factor_required from every /admin route, and keeps My settings', async () => {
    await createUser(t, { username: 'manager', role: 'admin', phone: undefined, email: undefined });
    const passwordOnly = await login(t, 'manager', PASSWORD);
    expect(passwordOnly.body).toMatchObject({ status: 'authenticated', setupRecommended: true });
    const token = passwordOnly.body.sessionToken;
    const adminRoutes = t.server.app.routeInventory.filter(
      (route) => route.url.startsWith('/api/v1/admin/') && route.method !== 'HEAD',
    );
    expect(adminRoutes.length).toBeGreaterThan(15);
    for (const route of adminRoutes) {
      const path = route.url.replaceAll(/:[^/]+/g, 'x');
      const body = route.method === 'GET' ? undefined : {};
      const response = await call(t, route.method, path, body, bearer(token));
      expect([`${route.method} ${path}`, response.status, response.body?.error]).toEqual([
        `${route.method} ${path}`,
        403,
        'second_factor_required',
      ]);
    }
    expect((await call(t, 'GET', '/api/v1/me/profile', undefined, bearer(token))).status).toBe(200);
  });

  it('gets it too where the policy is off and the account manager has no factor to give', async () => {
    await t.server.services.cli.setPolicy({ mode: 'off' });
    await createUser(t, { username: 'manager', role: 'admin', phone: undefined, email: undefined });
    const token = (await login(t, 'manager', PASSWORD)).body.sessionToken;
    const policy = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(token));
    expect([policy.status, policy.body.error]).toEqual([403, 'second_factor_required']);
    expect(policy.body.message).toContain('My settings');
  });
});

describe('an account manager with a factor on file', () => {
  it('is asked for a code even where the policy asks none, and then opens the console', async () => {
    await t.server.services.cli.setPolicy({ mode: 'off' });
    await createUser(t, { username: 'manager', role: 'admin', phone: MANAGER_PHONE, email: undefined });
    const { sessionToken } = await signInWithText('manager');
    const policy = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(sessionToken));
    expect(policy.status).toBe(200);
  });

  it('leaves staff under a policy that is off signing in with the password alone', async () => {
    await t.server.services.cli.setPolicy({ mode: 'off' });
    expect((await login(t, 'ckiplock', PASSWORD)).body.status).toBe('authenticated');
  });

  it('opens the console from a trusted workstation, which a code made trusted', async () => {
    await createUser(t, { username: 'manager', role: 'admin', phone: MANAGER_PHONE, email: undefined });
    const { deviceToken } = await signInWithText('manager', { rememberDevice: true });
    const again = await login(t, 'manager', PASSWORD, { deviceToken });
    expect(again.body.status).toBe('authenticated');
    const policy = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(again.body.sessionToken));
    expect(policy.status).toBe(200);
  });
});
