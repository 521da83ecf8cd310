/** Password sign-in: enumeration parity, lockout, the per-IP limit, policy modes and trusted workstations. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/secrets';
import {
  challenge,
  createUser,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
  signInWithCode,
  startTestServer,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

describe('password check', () => {
  it('answers a challenge listing every masked target for a user with contacts', async () => {
    const response = await login(t);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'challenge',
      challengeId: expect.any(String),
      targets: [
        { id: 'sms', channel: 'sms', masked: '••• - ••• - 3816' },
        { id: 'email', channel: 'email', masked: 'cki•••wrshealth.com' },
      ],
      expiresAt: new Date(t.clock.now().getTime() + 15 * 60_000).toISOString(),
      rememberDays: 30,
    });
  });

  it('never returns the full phone number or email before the second factor', async () => {
    const id = await challenge(t);
    const sent = await t.send(id, 'email');
    const wrong = await t.post(`/api/v1/auth/challenges/${id}/verify`, { code: '12345' });
    for (const body of [(await login(t)).body, sent.body, wrong.body]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(PHONE.slice(2, 8));
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain('ckiplock@');
    }
  });

  it('treats the User ID case-insensitively', async () => {
    expect((await login(t, 'CKipLock')).body.status).toBe('challenge');
  });

  it('gives an unknown user and a wrong password the same status and body', async () => {
    const unknown = await login(t, 'nobody', PASSWORD);
    const wrong = await login(t, 'ckiplock', 'wrongPassword1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body.error).toBe('invalid_credentials');
  });

  it('spends one argon2 computation on an unknown user, as on a known one (timing parity)', async () => {
    const hasher = t.server.services.hasher;
    const before = hasher.computations;
    await login(t, 'nobody', PASSWORD);
    const forUnknown = hasher.computations - before;
    await login(t, 'ckiplock', 'wrongPassword1');
    const forKnown = hasher.computations - before - forUnknown;
    expect(forUnknown).toBe(1);
    expect(forKnown).toBe(1);
  });

  it('rejects a missing password with 400 bad_request', async () => {
    const response = await t.post('/api/v1/auth/login', { username: 'ckiplock' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
    expect(response.body.message).toContain('password');
  });
});

describe('account lockout', () => {
  async function failTenTimes() {
    for (let i = 0; i < 10; i++) expect((await login(t, 'ckiplock', `wrong${i}pass`)).status).toBe(401);
  }

  it('locks after 10 consecutive failures: the right password then gets 423 with retryAfter', async () => {
    await failTenTimes();
    const locked = await login(t);
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ error: 'account_locked', retryAfter: 900 });
    expect(locked.headers.get('retry-after')).toBe('900');
  });

  it('ends the lock after 15 minutes', async () => {
    await failTenTimes();
    t.clock.advance(14 * 60);
    expect((await login(t)).status).toBe(423);
    t.clock.advance(61);
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('starts a fresh count after a lock runs out, so one more failure does not lock again', async () => {
    await failTenTimes();
    t.clock.advance(15 * 60 + 1);
    expect((await login(t, 'ckiplock', 'wrongAgain1')).status).toBe(401);
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('refuses codes on a challenge whose account got locked meanwhile', async () => {
    const id = await challenge(t);
    await failTenTimes();
    const send = await t.send(id, 'sms');
    expect(send.status).toBe(423);
    expect(send.body.error).toBe('account_locked');
    // The only text is the lock's notice: no code went out.
    expect(t.twilio.messages.map((message) => message.body)).toEqual([
      expect.stringContaining('Your WRSAuth account was locked'),
    ]);
  });

  it('ends the lock early on unlock', async () => {
    await failTenTimes();
    await t.server.services.cli.unlock('ckiplock');
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('counts wrong codes together with wrong passwords', async () => {
    for (let i = 0; i < 5; i++) await login(t, 'ckiplock', `wrong${i}pass`);
    const id = await challenge(t);
    await t.send(id, 'sms');
    const right = t.lastSmsCode();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await t.post(`/api/v1/auth/challenges/${id}/verify`, { code: wrong });
    expect((await login(t)).status).toBe(423);
  });

  it('clears the count on a successful sign-in', async () => {
    for (let i = 0; i < 9; i++) await login(t, 'ckiplock', `wrong${i}pass`);
    expect((await signInWithCode(t)).status).toBe(200);
    for (let i = 0; i < 9; i++) await login(t, 'ckiplock', `wrong${i}pass`);
    expect((await login(t)).body.status).toBe('challenge');
  });
});

describe('per-IP login limit', () => {
  it('answers 429 rate_limited past WRSAUTH_LOGIN_LIMIT_PER_MINUTE, until the minute is over', async () => {
    await t.close();
    t = await startTestServer({ env: { WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '3' } });
    await createUser(t);
    for (let i = 0; i < 3; i++) expect((await login(t, 'nobody', 'x')).status).toBe(401);
    const limited = await login(t);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBe(limited.body.retryAfter);
    t.clock.advance(60);
    expect((await login(t)).status).toBe(200);
  });
});

describe('practice policy', () => {
  it('off: a correct password alone signs in', async () => {
    await t.server.services.cli.setPolicy({ mode: 'off' });
    const response = await login(t);
    expect(response.body.status).toBe('authenticated');
    expect(response.body.setupRecommended).toBeUndefined();
  });

  it('optional: a user with no contacts gets in, with setupRecommended', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    const response = await login(t, 'nocontact');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'authenticated', setupRecommended: true });
  });

  it('optional: a user with a contact is asked for a code', async () => {
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('required: a user with no contacts gets 403 enrollment_required naming the account manager', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    await t.server.services.cli.setPolicy({ mode: 'required' });
    const response = await login(t, 'nocontact');
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('enrollment_required');
    expect(response.body.message).toMatch(/account manager/);
  });

  it('optional with --enforce-after turns required on that date, without a restart', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    t.clock.set('2026-08-31T23:59:00.000Z');
    await t.server.services.cli.setPolicy({ mode: 'optional', enforceAfter: '2026-09-01' });
    expect((await login(t, 'nocontact')).body.setupRecommended).toBe(true);
    t.clock.advance(120);
    expect((await login(t, 'nocontact')).status).toBe(403);
  });

  it('the enforce-after date begins at midnight in the practice’s time zone, not at midnight UTC', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    await t.server.services.cli.setPolicy({
      mode: 'optional',
      enforceAfter: '2026-09-01',
      timeZone: 'America/New_York',
    });
    // Midnight UTC has passed, but it is still August 31 in New York (UTC-4): not required yet.
    t.clock.set('2026-09-01T03:59:00.000Z');
    expect((await login(t, 'nocontact')).body.setupRecommended).toBe(true);
    t.clock.set('2026-09-01T04:00:00.000Z');
    expect((await login(t, 'nocontact')).status).toBe(403);
  });

  it('a deactivated user cannot sign in, with the same answer as a wrong password', async () => {
    await t.server.db.updateTable('users').set({ active: 0 }).execute();
    const response = await login(t);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_credentials');
  });
});

describe('the policy the client applies', () => {
  const setIdleLock = (minutes: number) =>
    t.server.db.updateTable('practices').set({ idle_lock_minutes: minutes }).execute();

  it("tells the client how many days a remembered workstation lasts, from set-policy's remember-days", async () => {
    expect((await login(t)).body.rememberDays).toBe(30);
    await t.server.services.cli.setPolicy({ mode: 'optional', rememberDays: 7 });
    expect((await login(t)).body.rememberDays).toBe(7);
  });

  it('offers no remembering when remember-days is 0', async () => {
    await t.server.services.cli.setPolicy({ mode: 'required', rememberDays: 0 });
    const response = await login(t);
    expect(response.body.status).toBe('challenge');
    expect(response.body).not.toHaveProperty('rememberDays');
  });

  it("puts the practice's idle lock minutes on every authenticated answer", async () => {
    await setIdleLock(5);
    const verified = await signInWithCode(t, { rememberDevice: true });
    expect(verified.body).toMatchObject({ status: 'authenticated', idleLockMinutes: 5 });
    const trusted = await login(t, 'ckiplock', PASSWORD, { deviceToken: verified.body.deviceToken });
    expect(trusted.body).toMatchObject({ status: 'authenticated', idleLockMinutes: 5 });
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    const setup = await login(t, 'nocontact');
    expect(setup.body).toMatchObject({ setupRecommended: true, idleLockMinutes: 5 });
    await t.server.services.cli.setPolicy({ mode: 'off' });
    await setIdleLock(20);
    expect((await login(t)).body).toMatchObject({ status: 'authenticated', idleLockMinutes: 20 });
  });

  it('sends 15 idle lock minutes by default, and never fewer than 1', async () => {
    expect((await signInWithCode(t)).body.idleLockMinutes).toBe(15);
    await setIdleLock(0);
    t.clock.advance(31); // past the resend cooldown on the same phone
    expect((await signInWithCode(t)).body.idleLockMinutes).toBe(1);
  });
});

describe('trusted workstation', () => {
  it('remembers the workstation: the device token signs the same user in without a code', async () => {
    const verified = await signInWithCode(t, { rememberDevice: true, deviceName: 'Front desk 1' });
    const deviceToken = verified.body.deviceToken;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const response = await login(t, 'ckiplock', PASSWORD, { deviceToken });
    expect(response.body.status).toBe('authenticated');
  });

  it('binds the device token to its user: another user still gets a challenge', async () => {
    await createUser(t, { username: 'other', phone: '+12025550111', email: 'other@wrshealth.com' });
    const { deviceToken } = (await signInWithCode(t, { rememberDevice: true })).body;
    expect((await login(t, 'other', PASSWORD, { deviceToken })).body.status).toBe('challenge');
  });

  it('still needs the password with a device token', async () => {
    const { deviceToken } = (await signInWithCode(t, { rememberDevice: true })).body;
    expect((await login(t, 'ckiplock', 'wrongPassword1', { deviceToken })).status).toBe(401);
  });

  it('expires device tokens after remember-days', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', rememberDays: 7 });
    const { deviceToken } = (await signInWithCode(t, { rememberDevice: true })).body;
    t.clock.advance(7 * 86_400 - 60);
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken })).body.status).toBe('authenticated');
    t.clock.advance(120);
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken })).body.status).toBe('challenge');
  });

  it('reset-2fa revokes the device tokens', async () => {
    const { deviceToken } = (await signInWithCode(t, { rememberDevice: true })).body;
    const result = await t.server.services.cli.resetTwoFactor('ckiplock');
    expect(result.revokedDevices).toBe(1);
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken })).body.status).toBe('challenge');
  });

  it('stores only a hash of session and device tokens', async () => {
    const { sessionToken, deviceToken } = (await signInWithCode(t, { rememberDevice: true })).body;
    const db = t.server.db;
    const dump = JSON.stringify([
      await db.selectFrom('sessions').selectAll().execute(),
      await db.selectFrom('trusted_devices').selectAll().execute(),
    ]);
    expect(dump).toContain(hashToken(sessionToken));
    expect(dump).not.toContain(sessionToken);
    expect(dump).not.toContain(deviceToken);
  });
});

describe('hashing overload', () => {
  it('answers 503 server_busy at once past the hashing queue, and serves the logins it admitted', async () => {
    await t.close();
    t = await startTestServer({ env: { WRSAUTH_HASH_CONCURRENCY: '1', WRSAUTH_HASH_QUEUE: '2' } });
    await createUser(t);
    const responses = await Promise.all(Array.from({ length: 12 }, () => login(t)));
    const busy = responses.filter((r) => r.status === 503);
    const served = responses.filter((r) => r.status === 200);
    expect(busy.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(3);
    expect(busy.length + served.length).toBe(12);
    expect(busy[0]?.body).toEqual({
      error: 'server_busy',
      message: 'The server is busy. Please try again in a moment.',
      retryAfter: 1,
    });
    expect(busy[0]?.headers.get('retry-after')).toBe('1');
    // Refused before the route: still JSON, and still never kept by a cache.
    expect(busy[0]?.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(busy[0]?.headers.get('cache-control')).toBe('no-store');
  });
});
