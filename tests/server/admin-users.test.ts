/**
 * /api/v1/admin/users and /admin/devices: the console's users (list, create, edit, deactivate, unlock,
 * reset 2FA), their trusted workstations, and revoking every workstation practice-wide.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call, staffSession, totpCode, userIdOf } from '../support/self-service';
import {
  auditEventsOf,
  createUser,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
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

const api = (method: string, path: string, body?: unknown, token = admin) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(token));

const userId = (username: string) => userIdOf(t, username);

const auditOf = (type: string) => auditEventsOf(t, type);

async function mainOffice(): Promise<string> {
  return (await api('GET', '/locations')).body.locations[0].id;
}

/** Signs ckiplock in with "Remember this workstation": the session and the workstation's token. */
async function rememberWorkstation(username = 'ckiplock') {
  const id = (await login(t, username)).body.challengeId;
  await t.send(id, 'sms');
  const response = await t.verify(id, t.lastSmsCode(), { rememberDevice: true, deviceName: 'Front Desk' });
  t.clock.advance(31);
  return { session: response.body.sessionToken as string, device: response.body.deviceToken as string };
}

describe('listing users', () => {
  it('lists every user with locations, factors on file and contacts masked, never in full', async () => {
    const response = await api('GET', '/users');
    expect(response.status).toBe(200);
    const casey = response.body.users.find((u: { username: string }) => u.username === 'ckiplock');
    expect(casey).toMatchObject({
      firstName: 'Casey',
      lastName: 'Kiplock',
      role: 'staff',
      active: true,
      lockedUntil: null,
      locations: [{ id: expect.any(String), name: 'Main Office' }],
      factors: { phone: true, email: true, authenticator: false },
      contacts: { phone: '••• - ••• - 3816', email: expect.stringContaining('•') },
      bypassCodeActive: false,
    });
    expect(JSON.stringify(response.body)).not.toContain(PHONE);
    expect(JSON.stringify(response.body)).not.toContain(EMAIL);
  });

  it('filters by q on the start of a User ID, first or last name, case-insensitively', async () => {
    await createUser(t, { username: 'jdoe', firstName: 'Jane', lastName: 'Doe' });
    const names = async (q: string) =>
      (await api('GET', `/users?q=${q}`)).body.users.map((u: { username: string }) => u.username);
    expect(await names('DOE')).toEqual(['jdoe']);
    expect(await names('jan')).toEqual(['jdoe']);
    // Both by last name (the harness names everyone Kiplock), then in User ID order.
    expect(await names('kip')).toEqual(['ckiplock', 'manager']);
    expect(await names('')).toHaveLength(3);
  });

  it('shows a confirmed authenticator app as a factor', async () => {
    const session = await staffSession(t);
    const { secret } = (
      await call(t, 'POST', '/api/v1/me/totp', { currentPassword: PASSWORD }, bearer(session))
    ).body;
    await call(t, 'POST', '/api/v1/me/totp/confirm', { code: await totpCode(t, secret) }, bearer(session));
    const response = await api('GET', `/users/${await userId('ckiplock')}`);
    expect(response.body.factors).toEqual({ phone: true, email: true, authenticator: true });
  });

  it('answers 404 for an unknown user', async () => {
    const response = await api('GET', '/users/no-such-user');
    expect(response).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});

describe('creating users', () => {
  it('creates a user with a temporary password who can then sign in; audited with the acting admin', async () => {
    const response = await api('POST', '/users', {
      username: 'newhire',
      password: 'Welcome2026',
      firstName: 'New',
      lastName: 'Hire',
      role: 'staff',
      locationIds: [await mainOffice()],
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      username: 'newhire',
      firstName: 'New',
      role: 'staff',
      active: true,
      locations: [{ name: 'Main Office' }],
      factors: { phone: false, email: false, authenticator: false },
      contacts: { phone: null, email: null },
    });
    // No contact under the optional policy: the password alone signs in, with setup recommended.
    expect((await login(t, 'newhire', 'Welcome2026')).body).toMatchObject({
      status: 'authenticated',
      setupRecommended: true,
    });
    const created = (await auditOf('user_created')).at(-1);
    expect(created).toMatchObject({ username: 'newhire', detail: { role: 'staff', by: 'manager' } });
    expect(JSON.stringify(await auditOf('user_created'))).not.toContain('Welcome2026');
  });

  it('answers 409 conflict for a taken User ID, whatever its case', async () => {
    const response = await api('POST', '/users', {
      username: 'CKIPLOCK',
      password: 'Welcome2026',
      locationIds: [await mainOffice()],
    });
    expect(response).toMatchObject({ status: 409, body: { error: 'conflict' } });
  });

  it('holds the temporary password to the rule: 8+ characters with letters and digits', async () => {
    const locationIds = [await mainOffice()];
    for (const password of ['short1a', 'lettersonly', '1234567890']) {
      const response = await api('POST', '/users', { username: 'newhire', password, locationIds });
      expect(response, password).toMatchObject({ status: 400, body: { error: 'password_rule' } });
    }
    expect((await api('GET', '/users?q=newhire')).body.users).toEqual([]);
  });

  it('needs at least one location, and only the practice’s own', async () => {
    const base = { username: 'newhire', password: 'Welcome2026' };
    expect((await api('POST', '/users', { ...base, locationIds: [] })).status).toBe(400);
    expect((await api('POST', '/users', { ...base, locationIds: ['nowhere'] })).status).toBe(400);
    expect((await api('POST', '/users', { ...base, locationIds: [await mainOffice()] })).status).toBe(201);
  });
});

describe('editing users', () => {
  it('changes names, role and locations, audited with who and why', async () => {
    const west = (await api('POST', '/locations', { name: 'West Clinic' })).body.id;
    const id = await userId('ckiplock');
    const response = await api('PATCH', `/users/${id}`, {
      firstName: 'Casey-Ann',
      role: 'admin',
      locationIds: [west],
      reason: 'Now runs the West clinic',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      firstName: 'Casey-Ann',
      lastName: 'Kiplock',
      role: 'admin',
      locations: [{ id: west, name: 'West Clinic' }],
    });
    expect(await auditOf('user_updated')).toEqual([
      {
        username: 'ckiplock',
        detail: {
          changed: 'firstName,role,locationIds',
          role: 'admin',
          active: true,
          by: 'manager',
          reason: 'Now runs the West clinic',
        },
      },
    ]);
  });

  it('refuses an empty change with 400', async () => {
    const response = await api('PATCH', `/users/${await userId('ckiplock')}`, { reason: 'nothing' });
    expect(response).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });
});

describe('deactivating users', () => {
  it('revokes sessions and workstations, and sign-in answers invalid_credentials as for a wrong password', async () => {
    const { session, device } = await rememberWorkstation();
    const id = await userId('ckiplock');
    const response = await api('PATCH', `/users/${id}`, { active: false, reason: 'Left the practice' });
    expect(response.status).toBe(200);
    expect(response.body.active).toBe(false);

    expect((await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(session))).status).toBe(401);
    const withDevice = await login(t, 'ckiplock', PASSWORD, { deviceToken: device });
    expect(withDevice).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    const wrongPassword = await login(t, 'ckiplock', 'wrongPass123');
    expect(withDevice.body).toEqual(wrongPassword.body);
    const revoked = await t.server.db
      .selectFrom('trusted_devices')
      .select('revoked_at')
      .where('user_id', '=', id)
      .execute();
    expect(revoked.every((row) => row.revoked_at !== null)).toBe(true);
    expect(await auditOf('user_deactivated')).toMatchObject([
      {
        username: 'ckiplock',
        detail: { revokedSessions: 1, revokedDevices: 1, by: 'manager', reason: 'Left the practice' },
      },
    ]);
  });

  it('lets a reactivated user sign in again, without the old workstation', async () => {
    const { device } = await rememberWorkstation();
    const id = await userId('ckiplock');
    await api('PATCH', `/users/${id}`, { active: false });
    await api('PATCH', `/users/${id}`, { active: true, reason: 'Came back' });
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken: device })).body.status).toBe('challenge');
    expect(await auditOf('user_reactivated')).toMatchObject([{ detail: { by: 'manager' } }]);
  });
});

describe('the last active account manager', () => {
  it('may not be deactivated or made staff (409), not even by themselves', async () => {
    const id = await userId('manager');
    expect(await api('PATCH', `/users/${id}`, { active: false })).toMatchObject({
      status: 409,
      body: { error: 'conflict' },
    });
    expect(await api('PATCH', `/users/${id}`, { role: 'staff' })).toMatchObject({ status: 409 });
    expect((await api('GET', `/users/${id}`)).body).toMatchObject({ role: 'admin', active: true });
  });

  it('an inactive admin does not count: the only active one stays protected', async () => {
    await createUser(t, { username: 'oldboss', role: 'admin', phone: undefined, email: undefined });
    await api('PATCH', `/users/${await userId('oldboss')}`, { active: false });
    expect((await api('PATCH', `/users/${await userId('manager')}`, { role: 'staff' })).status).toBe(409);
  });

  it('with a second active admin, one may step down; of two demoting each other at once, one succeeds', async () => {
    const second = await adminSession(t, 'deputy');
    const [a, b] = await Promise.all([
      api('PATCH', `/users/${await userId('deputy')}`, { role: 'staff' }),
      api('PATCH', `/users/${await userId('manager')}`, { role: 'staff' }, second),
    ]);
    // The loser is refused by the last-admin rule (409), or, once the winner has committed, by the guard
    // because it is staff now (403): never both demoted.
    expect([a.status, b.status].filter((status) => status === 200)).toHaveLength(1);
    expect([a.status, b.status].every((status) => [200, 403, 409].includes(status))).toBe(true);
    const admins = (await t.server.db
      .selectFrom('users')
      .select('username')
      .where('role', '=', 'admin')
      .where('active', '=', 1)
      .execute()) as { username: string }[];
    expect(admins).toHaveLength(1);
  });
});

describe('unlock and reset 2FA', () => {
  it('unlocks an account locked by wrong passwords; audited with the admin', async () => {
    for (let i = 0; i < 10; i++) await login(t, 'ckiplock', `wrong${i}pass`);
    expect((await login(t)).status).toBe(423);
    const id = await userId('ckiplock');
    expect((await api('GET', `/users/${id}`)).body.lockedUntil).not.toBeNull();
    const response = await api('POST', `/users/${id}/unlock`);
    expect(response).toMatchObject({ status: 200, body: { lockedUntil: null } });
    expect((await login(t)).body.status).toBe('challenge');
    expect(await auditOf('account_unlocked')).toMatchObject([{ detail: { by: 'manager' } }]);
  });

  it('reset-2fa needs a reason, then revokes workstations, removes the authenticator app and tells the user', async () => {
    const id = await userId('ckiplock');
    expect((await api('POST', `/users/${id}/reset-2fa`, {})).status).toBe(400);
    const { session, device } = await rememberWorkstation();
    const { secret } = (
      await call(t, 'POST', '/api/v1/me/totp', { currentPassword: PASSWORD }, bearer(session))
    ).body;
    await call(t, 'POST', '/api/v1/me/totp/confirm', { code: await totpCode(t, secret) }, bearer(session));
    const mails = t.smtp.mails.length;
    const texts = t.twilio.messages.length;

    const response = await api('POST', `/users/${id}/reset-2fa`, {
      reason: 'Lost phone',
      currentPassword: PASSWORD,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      revokedDevices: 1,
      removedAuthenticator: true,
      user: { factors: { authenticator: false } },
    });
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken: device })).body.targets).toEqual([
      { id: 'sms', channel: 'sms', masked: expect.any(String) },
      { id: 'email', channel: 'email', masked: expect.any(String) },
    ]);
    await t.server.services.notices.settled();
    expect(t.smtp.mails.slice(mails).map((m) => m.to)).toEqual([[EMAIL]]);
    expect(t.smtp.mails.at(-1)?.raw).toMatch(/two-factor sign-in was reset/);
    expect(t.twilio.messages.slice(texts).map((m) => m.to)).toEqual([PHONE]);
    expect(await auditOf('two_factor_reset')).toEqual([
      {
        username: 'ckiplock',
        detail: {
          revokedSessions: 1,
          revokedDevices: 1,
          removedAuthenticator: true,
          voidedRecoveryCodes: 0,
          by: 'manager',
          reason: 'Lost phone',
        },
      },
    ]);
  });
});

describe('trusted workstations', () => {
  it("lists a user's workstations and revokes one; a second revoke is 404", async () => {
    const { device } = await rememberWorkstation();
    const id = await userId('ckiplock');
    const list = await api('GET', `/users/${id}/devices`);
    expect(list.body.devices).toEqual([
      expect.objectContaining({ name: 'Front Desk', expiresAt: expect.any(String) }),
    ]);
    const deviceId = list.body.devices[0].id;
    expect((await api('DELETE', `/users/${id}/devices/${deviceId}`)).status).toBe(204);
    expect((await api('DELETE', `/users/${id}/devices/${deviceId}`)).status).toBe(404);
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken: device })).body.status).toBe('challenge');
    expect(await auditOf('trusted_device_revoked')).toMatchObject([
      { username: 'ckiplock', detail: { deviceId, by: 'manager' } },
    ]);
  });

  it("will not revoke another user's workstation through this user's path", async () => {
    await rememberWorkstation();
    const deviceId = (await api('GET', `/users/${await userId('ckiplock')}/devices`)).body.devices[0].id;
    expect((await api('DELETE', `/users/${await userId('manager')}/devices/${deviceId}`)).status).toBe(404);
  });

  it('revokes every workstation practice-wide with a reason: {revoked: n}, and each next sign-in asks for a code', async () => {
    await createUser(t, { username: 'other', phone: '+12025550188', email: 'other@wrshealth.com' });
    const first = await rememberWorkstation();
    const second = await rememberWorkstation('other');
    expect((await api('DELETE', '/devices', {})).status).toBe(400);
    const response = await api('DELETE', '/devices', {
      reason: 'Workstation stolen',
      currentPassword: PASSWORD,
    });
    expect(response).toMatchObject({ status: 200, body: { revoked: 2 } });
    expect((await login(t, 'ckiplock', PASSWORD, { deviceToken: first.device })).body.status).toBe(
      'challenge',
    );
    expect((await login(t, 'other', PASSWORD, { deviceToken: second.device })).body.status).toBe('challenge');
    expect(await auditOf('trusted_devices_revoked_everywhere')).toEqual([
      { username: 'manager', detail: { revoked: 2, by: 'manager', reason: 'Workstation stolen' } },
    ]);
  });
});
