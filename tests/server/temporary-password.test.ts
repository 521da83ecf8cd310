/**
 * A password an account manager sets in the console is temporary (OWASP ASVS: an initial secret expires and
 * must not become the long-term password). It signs in, through the second factor as usual, only to choose
 * the user's own password; after a week it no longer signs in at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMPORARY_PASSWORD_SECONDS } from '../../server/services/user-accounts';
import { adminSession, bearer, call, secondFactorSession, userIdOf } from '../support/self-service';
import {
  eventually,
  login,
  PASSWORD,
  signInWithCode,
  startWithUser,
  type TestServer,
} from '../support/test-server';

const TEMPORARY = 'Welcome2026';
const OWN = 'myOwnSecret42';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser();
  admin = await adminSession(t);
  const locations = await call(t, 'GET', '/api/v1/admin/locations', undefined, bearer(admin));
  const created = await call(
    t,
    'POST',
    '/api/v1/admin/users',
    { username: 'newhire', password: TEMPORARY, locationIds: [locations.body.locations[0].id] },
    bearer(admin),
  );
  expect(created.status).toBe(201);
});
afterEach(() => t.close());

/** Signs newhire in (no contact on file under the optional policy: the password alone). */
async function signIn(password = TEMPORARY) {
  return login(t, 'newhire', password);
}

const changePassword = (session: string, currentPassword: string, newPassword: string) =>
  call(t, 'POST', '/api/v1/me/password', { currentPassword, newPassword }, bearer(session));

describe('a temporary password from the console', () => {
  it('signs in with passwordChangeRequired, and the session reaches only the password change', async () => {
    const response = await signIn();
    expect(response.body).toMatchObject({ status: 'authenticated', passwordChangeRequired: true });
    const session = response.body.sessionToken as string;
    for (const path of ['/api/v1/me/profile', '/api/v1/me/devices', '/api/v1/me/setup']) {
      const refused = await call(t, 'GET', path, undefined, bearer(session));
      expect(refused, path).toMatchObject({ status: 403, body: { error: 'password_change_required' } });
    }
    // Who they are stays readable, so the client can greet them on the password screen.
    expect((await call(t, 'GET', '/api/v1/me', undefined, bearer(session))).status).toBe(200);
  });

  it('keeps a new account manager out of the console until they choose their own password, and then asks a second factor', async () => {
    const locations = await call(t, 'GET', '/api/v1/admin/locations', undefined, bearer(admin));
    const body = {
      username: 'newboss',
      password: TEMPORARY,
      role: 'admin',
      locationIds: [locations.body.locations[0].id],
    };
    expect((await call(t, 'POST', '/api/v1/admin/users', body, bearer(admin))).status).toBe(201);
    const session = (await login(t, 'newboss', TEMPORARY)).body.sessionToken as string;
    const refused = await call(t, 'GET', '/api/v1/admin/users', undefined, bearer(session));
    expect(refused).toMatchObject({ status: 403, body: { error: 'password_change_required' } });
    expect((await changePassword(session, TEMPORARY, OWN)).status).toBe(200);
    // Their password is their own now, but it is still the only factor this session passed.
    const passwordOnly = await call(t, 'GET', '/api/v1/admin/users', undefined, bearer(session));
    expect(passwordOnly).toMatchObject({ status: 403, body: { error: 'second_factor_required' } });
  });

  it('cannot become the user’s own password: the same password is refused', async () => {
    const session = (await signIn()).body.sessionToken as string;
    const response = await changePassword(session, TEMPORARY, TEMPORARY);
    expect(response).toMatchObject({ status: 400, body: { error: 'password_rule' } });
    expect((await signIn()).body.passwordChangeRequired).toBe(true);
  });

  it('once replaced, the session reaches everything and the next sign-in asks nothing more', async () => {
    const session = (await signIn()).body.sessionToken as string;
    expect((await changePassword(session, TEMPORARY, OWN)).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/me/profile', undefined, bearer(session))).status).toBe(200);
    const again = await signIn(OWN);
    expect(again.body.status).toBe('authenticated');
    expect(again.body).not.toHaveProperty('passwordChangeRequired');
    expect((await signIn(TEMPORARY)).status).toBe(401);
  });

  it('expires after a week: a right temporary password then answers 403 password_expired, audited', async () => {
    t.clock.advance(TEMPORARY_PASSWORD_SECONDS);
    const response = await signIn();
    expect(response).toMatchObject({ status: 403, body: { error: 'password_expired' } });
    expect(response.body.message).toContain('account manager');
    // A wrong password still learns nothing about the account.
    expect((await signIn('wrongPass99')).body.error).toBe('invalid_credentials');
    const failed = await t.server.db
      .selectFrom('audit_events')
      .select('detail')
      .where('event_type', '=', 'login_failed')
      .where('username', '=', 'newhire')
      .execute();
    expect(failed.map((row) => JSON.parse(row.detail).reason)).toContain('temporary_password_expired');
  });

  it('is replaced by a forgotten-password reset too', async () => {
    const db = t.server.db;
    await db
      .updateTable('users')
      .set({ phone: '+12025553817', email: 'newhire@wrshealth.com' })
      .where('username', '=', 'newhire')
      .execute();
    const reset = '/api/v1/auth/password-reset';
    const id = (await t.post(reset, { username: 'newhire' })).body.resetId as string;
    // Two factors on file: a code from each.
    expect((await t.post(`${reset}/${id}/send`, { targetId: 'sms' })).status).toBe(200);
    expect((await t.post(`${reset}/${id}/verify`, { code: t.lastSmsCode() })).status).toBe(200);
    expect((await t.post(`${reset}/${id}/send`, { targetId: 'email' })).status).toBe(200);
    expect((await t.post(`${reset}/${id}/verify`, { code: t.lastMailCode() })).body.status).toBe('verified');
    expect((await t.post(`${reset}/${id}/password`, { password: OWN })).status).toBe(204);
    const fresh = await signIn(OWN);
    expect(fresh.body.status).toBe('challenge');
    const row = await db
      .selectFrom('users')
      .select('temporary_password_until')
      .where('username', '=', 'newhire')
      .executeTakeFirstOrThrow();
    expect(row.temporary_password_until).toBeNull();
  });
});

describe('a new temporary password from the console', () => {
  const setTemporary = async (username: string, body: object) =>
    call(
      t,
      'POST',
      `/api/v1/admin/users/${await userIdOf(t, username)}/temporary-password`,
      { currentPassword: PASSWORD, ...body },
      bearer(admin),
    );

  it('lets a user whose temporary password expired in again, only to choose their own; audited', async () => {
    t.clock.advance(TEMPORARY_PASSWORD_SECONDS);
    expect((await signIn()).body.error).toBe('password_expired');
    admin = await secondFactorSession(t, 'manager'); // the earlier session went idle meanwhile
    const response = await setTemporary('newhire', { password: 'Again2026x', reason: 'First one expired' });
    expect(response.status).toBe(200);
    expect(response.body.temporaryPasswordUntil).toBe(
      new Date(t.clock.now().getTime() + TEMPORARY_PASSWORD_SECONDS * 1000).toISOString(),
    );
    expect((await signIn('Again2026x')).body).toMatchObject({ passwordChangeRequired: true });
    const audit = await t.server.db
      .selectFrom('audit_events')
      .select('detail')
      .where('event_type', '=', 'temporary_password_set')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail)).toMatchObject({ by: 'manager', reason: 'First one expired' });
    expect(audit.detail).not.toContain('Again2026x');
  });

  it('ends the user’s sessions and workstations, lifts a lock, and tells their contacts', async () => {
    const signedIn = await signInWithCode(t, { rememberDevice: true });
    const { sessionToken, deviceToken } = signedIn.body;
    await t.server.db
      .updateTable('users')
      .set({ failed_attempts: 10, locked_until: '2099-01-01T00:00:00.000Z' })
      .where('username', '=', 'ckiplock')
      .execute();
    const mails = t.smtp.mails.length;
    const response = await setTemporary('ckiplock', { password: 'Again2026x', reason: 'Forgot password' });
    expect(response.body).toMatchObject({ lockedUntil: null });
    expect((await call(t, 'GET', '/api/v1/me', undefined, bearer(sessionToken))).status).toBe(401);
    const withDevice = await login(t, 'ckiplock', 'Again2026x', { deviceToken });
    expect(withDevice.body.status).toBe('challenge');
    await eventually(
      async () => t.smtp.mails.slice(mails),
      (caught) =>
        caught.some((mail) =>
          /Subject: Your account manager set a temporary WRSAuth password/.test(mail.raw),
        ),
    );
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(401);
  });

  it('is not for the account manager’s own account: 409, pointing to My settings', async () => {
    const response = await setTemporary('manager', { password: 'Again2026x', reason: 'Trying it on me' });
    expect(response).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(response.body.message).toContain('My settings');
    expect((await call(t, 'GET', '/api/v1/admin/users', undefined, bearer(admin))).status).toBe(200);
  });

  it('holds it to the rule and needs a reason', async () => {
    const weak = await setTemporary('newhire', { password: 'short1', reason: 'Forgot password' });
    expect(weak).toMatchObject({ status: 400, body: { error: 'password_rule' } });
    expect((await setTemporary('newhire', { password: 'Again2026x' })).status).toBe(400);
    expect((await signIn()).body.status).toBe('authenticated');
  });
});

describe('passwords the user chose', () => {
  it('never ask for a change: the CLI’s users and the seed sign in as before', async () => {
    const response = await login(t);
    expect(response.body.status).toBe('challenge');
    const admin2 = await login(t, 'manager');
    expect(admin2.body).not.toHaveProperty('passwordChangeRequired');
  });
});
