/**
 * DELETE /api/v1/admin/sessions: "sign everyone out" after a theft or a breach. Every live session ends but
 * the calling account manager's, the count and the reason are audited, the ended sessions are refused at
 * once, and the applications signed in through them lose their single sign-on too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CookieBrowser } from '../support/oidc-browser';
import { OidcSignIns } from '../support/oidc-sign-in';
import {
  adminSession,
  bearer,
  call,
  secondFactorSession,
  staffSession,
  userIdOf,
} from '../support/self-service';
import {
  auditEventsAbout,
  auditEventsOf,
  createUser,
  PASSWORD,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser(); // ckiplock: staff with phone and email
  admin = await adminSession(t); // manager: admin, no contacts
});
afterEach(() => t.close());

const signOutEveryone = (body: unknown, token = admin) =>
  call(t, 'DELETE', '/api/v1/admin/sessions', body, bearer(token));

const meStatus = async (token: string) =>
  (await call(t, 'GET', '/api/v1/me/profile', undefined, bearer(token))).status;

describe('DELETE /api/v1/admin/sessions', () => {
  it('is for an account manager only: 401 without a session, 403 for staff; nobody is signed out', async () => {
    const staff = await staffSession(t);
    expect((await call(t, 'DELETE', '/api/v1/admin/sessions', { reason: 'Stolen' })).status).toBe(401);
    const refused = await signOutEveryone({ reason: 'Stolen laptop', currentPassword: PASSWORD }, staff);
    expect(refused.status).toBe(403);
    expect(await meStatus(staff)).toBe(200);
    expect(await auditEventsOf(t, 'sessions_revoked_everywhere')).toEqual([]);
  });

  it('asks for a reason: 400 bad_request without one, and nobody is signed out', async () => {
    const staff = await staffSession(t);
    const response = await signOutEveryone({ currentPassword: PASSWORD });
    expect(response).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await meStatus(staff)).toBe(200);
  });

  it("ends every live session but the caller's own, answers the count, and the ended ones are refused at once", async () => {
    await createUser(t, { username: 'other', phone: '+12025550188', email: 'other@wrshealth.com' });
    const staffA = await staffSession(t);
    const staffB = await staffSession(t, 'ckiplock');
    const other = await staffSession(t, 'other');
    const secondManagerSession = await secondFactorSession(t, 'manager');
    const response = await signOutEveryone({ reason: 'Laptop stolen', currentPassword: PASSWORD });
    expect(response).toMatchObject({ status: 200, body: { revoked: 4, ownSessionKept: true } });
    for (const ended of [staffA, staffB, other, secondManagerSession]) {
      expect(await meStatus(ended)).toBe(401);
    }
    expect(await meStatus(admin), 'the caller goes on working').toBe(200);
    // A second time there is nobody left to sign out but the caller, who is still kept.
    const again = await signOutEveryone({ reason: 'Laptop stolen', currentPassword: PASSWORD });
    expect(again.body).toEqual({ revoked: 0, ownSessionKept: true });
  });

  it('audits who, why and how many, without the password', async () => {
    await staffSession(t);
    await signOutEveryone({ reason: 'Breach at the front desk', currentPassword: PASSWORD });
    const events = await auditEventsAbout(t, 'sessions_revoked_everywhere', await userIdOf(t, 'manager'));
    expect(events).toEqual([
      {
        username: 'manager',
        detail: { revoked: 1, by: 'manager', reason: 'Breach at the front desk', keptOwnSession: true },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('leaves sessions already over out of the count', async () => {
    const staff = await staffSession(t);
    await call(t, 'POST', '/api/v1/auth/logout', undefined, bearer(staff));
    const response = await signOutEveryone({ reason: 'Laptop stolen', currentPassword: PASSWORD });
    expect(response.body.revoked).toBe(0);
  });

  it('ends the single sign-on of the applications behind the ended sessions: prompt=none answers login_required', async () => {
    const flow = new OidcSignIns(t);
    const app = await flow.register('Practice app');
    await flow.newUser('ssouser');
    const browser = new CookieBrowser(t.url);
    const request = await flow.authorize(browser, app);
    const token = await flow.signIn('ssouser');
    const location = await flow.locationId('Main Office');
    await request.redeem(await flow.completeAndReturn(browser, request.uid as string, token, location));
    const silent = async () => {
      const again = await flow.authorize(browser, app, { prompt: 'none' });
      return again.landed.searchParams.get('error') ?? (again.landed.searchParams.has('code') ? 'code' : '?');
    };
    expect(await silent(), 'single sign-on works before').toBe('code');
    await signOutEveryone({ reason: 'Laptop stolen', currentPassword: PASSWORD });
    await t.server.services.oidcLogout.sweep();
    expect(await silent()).toBe('login_required');
  });
});
