/**
 * The seed's account fields (issue 15, finding 7): a resource type, and start and end dates read in the
 * practice's time zone. Sign-in outside the dates answers as a wrong password does; once the end date has
 * passed, the user's sessions, trusted workstations, bypass codes and recovery codes end, on the next
 * request and by the sweep, without a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminSession,
  bearer,
  call,
  secondFactorSession,
  staffSession,
  userIdOf,
} from '../support/self-service';
import {
  auditEventsOf,
  createUser,
  eventually,
  login,
  PASSWORD,
  startTestServer,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser(); // ckiplock: staff with phone and email; the clock is 2026-06-01T12:00Z
  admin = await adminSession(t);
});
afterEach(() => t.close());

const api = (method: string, path: string, body?: unknown, token = admin) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(token));

async function setDates(fields: object, username = 'ckiplock') {
  const response = await api('PATCH', `/users/${await userIdOf(t, username)}`, fields);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function setTimeZone(timeZone: string) {
  const policy = (await api('GET', '/policy')).body;
  const { effectiveMode: _e, updatedAt: _u, ...rest } = policy;
  const response = await api('PUT', '/policy', {
    ...rest,
    timeZone,
    reason: 'Practice is in New York',
    currentPassword: PASSWORD,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

const profile = (token: string) => call(t, 'GET', '/api/v1/me/profile', undefined, bearer(token));

async function mainOffice(): Promise<string> {
  return (await api('GET', '/locations')).body.locations[0].id;
}

/** What a user holds that signs in: live sessions, live workstations, unused bypass and recovery codes. */
async function holdings(username = 'ckiplock') {
  const { db } = t.server;
  const userId = await userIdOf(t, username);
  const count = async (table: 'sessions' | 'trusted_devices' | 'bypass_codes' | 'recovery_codes') => {
    let query = db.selectFrom(table).select(db.fn.countAll<string | number>().as('n'));
    query = query.where('user_id', '=', userId);
    if (table === 'sessions' || table === 'trusted_devices') query = query.where('revoked_at', 'is', null);
    else query = query.where('used_at', 'is', null);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  return {
    sessions: await count('sessions'),
    devices: await count('trusted_devices'),
    bypassCodes: await count('bypass_codes'),
    recoveryCodes: await count('recovery_codes'),
  };
}

/** ckiplock with a session, a remembered workstation, recovery codes and a live bypass code. */
async function fullyEquipped() {
  const id = (await login(t)).body.challengeId;
  await t.send(id, 'sms');
  const signedIn = await t.verify(id, t.lastSmsCode(), { rememberDevice: true, deviceName: 'Front Desk' });
  t.clock.advance(31);
  const session = signedIn.body.sessionToken as string;
  const codes = await call(
    t,
    'POST',
    '/api/v1/me/recovery-codes',
    { currentPassword: PASSWORD },
    bearer(session),
  );
  expect(codes.status).toBe(200);
  await t.server.services.cli.recover('ckiplock', 'Lost phone, photo ID checked');
  expect(await holdings()).toEqual({ sessions: 1, devices: 1, bypassCodes: 1, recoveryCodes: 10 });
  return { session, deviceToken: signedIn.body.deviceToken as string };
}

describe('the account fields on the admin user API', () => {
  it('creates a user with a resource type, start date and end date, and shows them', async () => {
    const created = await api('POST', '/users', {
      username: 'newhire',
      password: 'Welcome2026',
      locationIds: [await mainOffice()],
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-06-01',
      endDate: '2026-12-31',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-06-01',
      endDate: '2026-12-31',
    });
    const read = await api('GET', `/users/${created.body.id}`);
    expect(read.body).toMatchObject({
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-06-01',
      endDate: '2026-12-31',
    });
    const listed = (await api('GET', '/users?q=ckiplock')).body.users[0];
    expect(listed).toMatchObject({ resourceType: null, startDate: null, endDate: null });
  });

  it('edits the three fields on an existing user with PATCH, and null clears them', async () => {
    const set = await setDates({
      resourceType: 'Healthcare Provider',
      startDate: '2026-01-01',
      endDate: '2026-09-30',
    });
    expect(set).toMatchObject({
      resourceType: 'Healthcare Provider',
      startDate: '2026-01-01',
      endDate: '2026-09-30',
    });
    const cleared = await setDates({ resourceType: null, startDate: null, endDate: null });
    expect(cleared).toMatchObject({ resourceType: null, startDate: null, endDate: null });
    const updated = (await auditEventsOf(t, 'user_updated')).at(0);
    expect(updated?.detail).toMatchObject({
      changed: 'resourceType,startDate,endDate',
      startDate: '2026-01-01',
      endDate: '2026-09-30',
      by: 'manager',
    });
  });

  it('refuses an impossible date with 400 and a message naming the field, on create and on edit', async () => {
    const locationIds = [await mainOffice()];
    const create = await api('POST', '/users', {
      username: 'newhire',
      password: 'Welcome2026',
      locationIds,
      startDate: '2026-02-30',
    });
    expect(create).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(create.body.message).toMatch(/startDate: the start date must be a real date as YYYY-MM-DD/);
    const edit = await api('PATCH', `/users/${await userIdOf(t, 'ckiplock')}`, { endDate: '2026-13-01' });
    expect(edit).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(edit.body.message).toMatch(/endDate: the end date must be a real date as YYYY-MM-DD/);
    expect((await api('GET', '/users?q=newhire')).body.users).toEqual([]);
  });

  it('refuses an end date before the start date, given together or against the one on file', async () => {
    const together = await api('POST', '/users', {
      username: 'newhire',
      password: 'Welcome2026',
      locationIds: [await mainOffice()],
      startDate: '2026-07-01',
      endDate: '2026-06-30',
    });
    expect(together).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(together.body.message).toMatch(/end date is before the start date/);

    await setDates({ startDate: '2026-07-01' });
    const id = await userIdOf(t, 'ckiplock');
    const alone = await api('PATCH', `/users/${id}`, { endDate: '2026-06-30' });
    expect(alone).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(alone.body.message).toMatch(/end date is before the start date/);
    expect((await api('GET', `/users/${id}`)).body).toMatchObject({ startDate: '2026-07-01', endDate: null });
  });
});

describe('the practice time zone', () => {
  it('is UTC by default and takes an IANA name from the console, audited', async () => {
    expect((await api('GET', '/policy')).body.timeZone).toBe('UTC');
    await setTimeZone('America/New_York');
    expect((await api('GET', '/policy')).body.timeZone).toBe('America/New_York');
    const changed = (await auditEventsOf(t, 'policy_changed')).at(-1);
    expect(changed?.detail).toMatchObject({ time_zone: 'America/New_York', by: 'manager' });
  });

  it.each([
    ['a made-up name', 'Mars/Olympus_Mons'],
    ['an offset rather than a zone', '+05:00'],
    ['an empty name', ''],
  ])('refuses %s with 400 and a clear message, never a 500', async (_case, timeZone) => {
    const policy = (await api('GET', '/policy')).body;
    const { effectiveMode: _e, updatedAt: _u, ...rest } = policy;
    const response = await api('PUT', '/policy', {
      ...rest,
      timeZone,
      reason: 'Wrong zone',
      currentPassword: PASSWORD,
    });
    expect(response).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(response.body.message).toMatch(/timeZone: Choose a time zone by its IANA name/);
    expect((await api('GET', '/policy')).body.timeZone).toBe('UTC');
  });
});

describe("the console's users: where today falls against their dates", () => {
  it('says not_started before the start date and ended after the end date, read in the practice time zone', async () => {
    await createUser(t, { username: 'newhire', phone: '+12025550101', email: undefined });
    await createUser(t, { username: 'leaver', phone: '+12025550102', email: undefined });
    await setDates({ startDate: '2026-06-02' }, 'newhire');
    await setDates({ endDate: '2026-05-31' }, 'leaver');
    const status = async () =>
      Object.fromEntries(
        (await api('GET', '/users')).body.users.map((u: { username: string; accessByDates: string }) => [
          u.username,
          u.accessByDates,
        ]),
      );
    expect(await status()).toMatchObject({ ckiplock: 'current', newhire: 'not_started', leaver: 'ended' });
    // 2026-06-01T12:00Z is already 2 June in Auckland: the new hire has started there.
    await setTimeZone('Pacific/Auckland');
    expect(await status()).toMatchObject({ newhire: 'current', leaver: 'ended' });
    expect((await api('GET', `/users/${await userIdOf(t, 'newhire')}`)).body.accessByDates).toBe('current');
  });
});

describe('sign-in outside the account dates answers exactly as a wrong password does', () => {
  it('before the start date: the same 401 and body as a wrong password, one hash, audited apart', async () => {
    await setDates({ startDate: '2026-06-02' });
    const hasher = t.server.services.hasher;
    const before = hasher.computations;
    const early = await login(t, 'ckiplock', PASSWORD);
    expect(hasher.computations - before).toBe(1);
    const wrong = await login(t, 'ckiplock', 'notThePassword1');
    expect(early.status).toBe(401);
    expect(early.body).toEqual(wrong.body);
    expect(early.body).toMatchObject({ error: 'invalid_credentials' });
    const failed = await auditEventsOf(t, 'login_failed');
    expect(failed.map((event) => event.detail.reason)).toEqual(['outside_account_dates', 'wrong_password']);

    t.clock.set('2026-06-02T00:00:00.000Z');
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('after the end date: refused, and counted toward the lock exactly as wrong passwords are', async () => {
    await setDates({ startDate: '2026-01-01', endDate: '2026-05-31' });
    for (let i = 0; i < 9; i++) expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(401);
    // The tenth failure locks, whether the password was right or not: no count tells them apart.
    const tenth = await login(t, 'ckiplock', PASSWORD);
    expect(tenth.status).toBe(401);
    expect((await login(t, 'ckiplock', PASSWORD)).body).toMatchObject({ error: 'account_locked' });
  });

  it('reads the end date in the practice time zone, and lets the user work their whole last day', async () => {
    await setTimeZone('America/New_York');
    await setDates({ endDate: '2026-06-01' });
    // 23:30 on June 1 in New York: June 2 in UTC, still the last day at the practice.
    t.clock.set('2026-06-02T03:30:00.000Z');
    expect((await login(t)).body.status).toBe('challenge');
    // Midnight in New York: the day after the end date.
    t.clock.set('2026-06-02T04:00:00.000Z');
    expect((await login(t)).body).toMatchObject({ error: 'invalid_credentials' });
  });

  it('refuses a trusted workstation’s token after the end date as it refuses the password', async () => {
    const { deviceToken } = await fullyEquipped();
    await setDates({ endDate: '2026-06-01' });
    t.clock.set('2026-06-02T00:00:01.000Z');
    const response = await login(t, 'ckiplock', PASSWORD, { deviceToken });
    expect(response).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
  });

  it('closes a sign-in challenge opened on the last day once the day is over', async () => {
    await setDates({ endDate: '2026-06-01' });
    t.clock.set('2026-06-01T23:59:00.000Z');
    const id = (await login(t)).body.challengeId;
    await t.send(id, 'sms');
    t.clock.set('2026-06-02T00:00:30.000Z');
    expect(await t.verify(id, t.lastSmsCode())).toMatchObject({
      status: 410,
      body: { error: 'challenge_expired' },
    });
  });
});

describe('a forgotten password outside the account dates', () => {
  it('gets a decoy reset, as a deactivated user does: the same shape, and nothing is sent', async () => {
    await setDates({ endDate: '2026-05-31' });
    const started = await t.post('/api/v1/auth/password-reset', { username: 'ckiplock' });
    expect(started.status).toBe(200);
    expect(started.body.targets.map((target: { id: string }) => target.id)).toEqual(['sms', 'email']);
    const texts = t.twilio.messages.length;
    const sent = await t.post(`/api/v1/auth/password-reset/${started.body.resetId}/send`, {
      targetId: 'sms',
    });
    expect(sent.status).toBe(200);
    expect(t.twilio.messages).toHaveLength(texts);
    const requested = (await auditEventsOf(t, 'password_reset_requested')).at(-1);
    expect(requested?.detail).toMatchObject({ decoy: 'outside_account_dates' });
  });
});

describe('when the end date passes', () => {
  it('refuses the user’s session on the next request, as an ended session, before any sweep', async () => {
    // Ten minutes before midnight on the last day, so the session is neither idle nor old at midnight.
    t.clock.set('2026-06-01T23:50:00.000Z');
    admin = await secondFactorSession(t, 'manager');
    const session = await staffSession(t);
    await setDates({ endDate: '2026-06-01' });
    // The end date is the last day: the session works through it.
    expect((await profile(session)).status).toBe(200);
    t.clock.set('2026-06-02T00:00:00.000Z');
    expect(await profile(session)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    // Refused by the per-request check: the sweep (which would revoke it) has not run.
    expect((await holdings()).sessions).toBe(1);
  });

  it('the sweep ends sessions, workstations, bypass and recovery codes, audited once per user', async () => {
    await fullyEquipped();
    await setDates({ endDate: '2026-06-01' });
    expect(await t.server.services.accountEnds.sweep()).toBe(0);
    t.clock.set('2026-06-02T00:00:00.000Z');
    expect(await t.server.services.accountEnds.sweep()).toBe(1);
    expect(await holdings()).toEqual({ sessions: 0, devices: 0, bypassCodes: 0, recoveryCodes: 0 });
    expect(await t.server.services.accountEnds.sweep()).toBe(0);
    const ended = await auditEventsOf(t, 'account_ended');
    expect(ended).toEqual([
      {
        username: 'ckiplock',
        detail: {
          endDate: '2026-06-01',
          revokedSessions: 1,
          revokedDevices: 1,
          voidedBypassCodes: 1,
          voidedRecoveryCodes: 10,
          by: '(sweep)',
        },
      },
    ]);
  });

  it('ends each user once when several sweeps (several instances) run at the same time', async () => {
    await fullyEquipped();
    await createUser(t, { username: 'jdoe', phone: '+12025550111', email: 'jdoe@wrshealth.com' });
    await setDates({ endDate: '2026-06-01' });
    await setDates({ endDate: '2026-06-01' }, 'jdoe');
    t.clock.set('2026-06-02T00:00:00.000Z');
    const counts = await Promise.all([1, 2, 3, 4].map(() => t.server.services.accountEnds.sweep()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    const ended = await auditEventsOf(t, 'account_ended');
    expect(ended.map((event) => event.username).sort()).toEqual(['ckiplock', 'jdoe']);
  });

  it('an end date set in the past takes effect at once: everything ends in the same request', async () => {
    const { session } = await fullyEquipped();
    await setDates({ endDate: '2026-05-31' });
    expect(await holdings()).toEqual({ sessions: 0, devices: 0, bypassCodes: 0, recoveryCodes: 0 });
    expect(await profile(session)).toMatchObject({ status: 401 });
    expect(await auditEventsOf(t, 'account_ended')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ endDate: '2026-05-31', by: 'manager' }) }),
    ]);
  });

  it('a workstation trusted before the end stays revoked when the account gets a new end date', async () => {
    const { deviceToken } = await fullyEquipped();
    await setDates({ endDate: '2026-05-31' });
    await setDates({ endDate: null });
    const response = await login(t, 'ckiplock', PASSWORD, { deviceToken });
    expect(response.body.status).toBe('challenge');
  });
});

describe('the sweep runs on its own in a running server', () => {
  it('ends a user whose end date passed with no request and no restart', async () => {
    await t.close();
    t = await startTestServer({ sweepEveryMs: 20 });
    await createUser(t);
    admin = await adminSession(t);
    const session = await staffSession(t);
    await setDates({ endDate: '2026-06-01' });
    t.clock.set('2026-06-02T00:00:01.000Z');
    const ended = await eventually(
      () => auditEventsOf(t, 'account_ended'),
      (events) => events.length > 0,
    );
    expect(ended).toHaveLength(1);
    expect((await holdings()).sessions).toBe(0);
    expect(await profile(session)).toMatchObject({ status: 401 });
  });
});

describe('My settings shows the account fields, read-only', () => {
  it('answers them on /me/profile and ignores them in a profile update', async () => {
    await setDates({
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-01-05',
      endDate: '2026-12-31',
    });
    const session = await staffSession(t);
    const mine = (await profile(session)).body;
    expect(mine).toMatchObject({
      resourceType: 'Non-Healthcare Provider',
      startDate: '2026-01-05',
      endDate: '2026-12-31',
    });
    const {
      phoneNational: _p,
      phoneSetBy: _ps,
      emailSetBy: _es,
      username: _u,
      phone: _ph,
      email: _e,
      ...names
    } = mine;
    const put = await call(
      t,
      'PUT',
      '/api/v1/me/profile',
      { ...names, resourceType: 'Owner', endDate: '2099-12-31' },
      bearer(session),
    );
    expect(put.status).toBe(200);
    expect((await profile(session)).body).toMatchObject({
      resourceType: 'Non-Healthcare Provider',
      endDate: '2026-12-31',
    });
  });
});
