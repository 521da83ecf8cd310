/**
 * My settings on the server: the profile (User ID read-only, names, date of birth, sex, contacts in national
 * format), the password change (the seed's rule, the current password counted like a sign-in, other
 * sessions and workstations signed out, a notice), and the data of the "2FA becomes mandatory" banner.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, call, staffSession } from '../support/self-service';
import { createUser, EMAIL, login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let session: string;
beforeEach(async () => {
  t = await startWithUser();
  session = await staffSession(t);
});
afterEach(() => t.close());

const me = (method: string, path: string, body?: unknown, token = session) =>
  call(t, method, `/api/v1/me${path}`, body, bearer(token));

const fullProfile = {
  firstName: 'Casey',
  middleName: 'J.',
  lastName: 'Kiplock',
  namePrefix: 'Dr.',
  nameSuffix: 'MD',
  dateOfBirth: '1984-03-09',
  sex: 'female',
};

const auditOf = async (type: string) =>
  (
    await t.server.db.selectFrom('audit_events').select('detail').where('event_type', '=', type).execute()
  ).map((e) => e.detail);

describe('my profile', () => {
  it('shows the User ID, names, and the cell phone in E.164 and national format, with how each contact was set', async () => {
    const response = await me('GET', '/profile');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      username: 'ckiplock',
      firstName: 'Casey',
      middleName: null,
      lastName: 'Kiplock',
      namePrefix: null,
      nameSuffix: null,
      dateOfBirth: null,
      sex: null,
      phone: '+12025553816',
      phoneNational: '(202) 555-3816',
      phoneSetBy: 'on_file',
      email: EMAIL,
      emailSetBy: 'on_file',
      resourceType: null,
      startDate: null,
      endDate: null,
    });
  });

  it('saves names, prefix, degree, date of birth and sex; the User ID cannot be changed here', async () => {
    const saved = await me('PUT', '/profile', { ...fullProfile, username: 'someoneelse' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...fullProfile, username: 'ckiplock' });
    expect((await me('GET', '/profile')).body).toMatchObject({ ...fullProfile, username: 'ckiplock' });
    const cleared = await me('PUT', '/profile', { ...fullProfile, middleName: '  ', sex: null });
    expect([cleared.body.middleName, cleared.body.sex]).toEqual([null, null]);
  });

  it('answers a clear 400 for a bad date of birth, a missing name or an unknown sex, and saves nothing', async () => {
    for (const bad of [
      { dateOfBirth: '03/09/1984' },
      { dateOfBirth: '1984-02-30' },
      { dateOfBirth: '2099-01-01' },
      { dateOfBirth: '1850-01-01' },
      { firstName: '   ' },
      { sex: 'robot' },
      { lastName: 'x'.repeat(101) },
    ]) {
      const response = await me('PUT', '/profile', { ...fullProfile, ...bad });
      expect([JSON.stringify(bad), response.status, response.body.error]).toEqual([
        JSON.stringify(bad),
        400,
        'bad_request',
      ]);
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect((await me('GET', '/profile')).body.dateOfBirth).toBeNull();
  });

  it('audits which fields changed, never their values (a date of birth is health-record data)', async () => {
    await me('PUT', '/profile', fullProfile);
    const details = await auditOf('profile_updated');
    expect(details).toHaveLength(1);
    expect(details[0]).toContain('date_of_birth');
    expect(details[0]).not.toContain('1984-03-09');
  });
});

describe('changing my password', () => {
  const change = (currentPassword: string, newPassword: string, token = session) =>
    me('POST', '/password', { currentPassword, newPassword }, token);

  it('holds to the rule: 8 or more characters, letters and digits (case-sensitive)', async () => {
    for (const weak of ['short1A', 'lettersonly', '1234567890']) {
      const response = await change(PASSWORD, weak);
      expect([weak, response.status, response.body.error]).toEqual([weak, 400, 'password_rule']);
    }
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('refuses a wrong current password (400 invalid_credentials) and counts it as a failed attempt', async () => {
    const response = await change('FRONTDESK2026', 'brandNew2027');
    expect([response.status, response.body.error]).toEqual([400, 'invalid_credentials']);
    const row = await t.server.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('username', '=', 'ckiplock')
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBe(1);
    expect((await login(t, 'ckiplock', 'brandNew2027')).status).toBe(401);
  });

  it('locks the account after 10 wrong current passwords in a row, as at sign-in', async () => {
    for (let i = 0; i < 10; i++) await change('wrongPass1', 'brandNew2027');
    const locked = await change(PASSWORD, 'brandNew2027');
    expect([locked.status, locked.body.error]).toEqual([423, 'account_locked']);
    expect(await auditOf('account_locked')).toHaveLength(1);
  });

  it('keeps this session, signs out my other sessions and trusted workstations, audits and notifies', async () => {
    const id = (await login(t)).body.challengeId;
    await t.send(id, 'sms');
    const other = await t.verify(id, t.lastSmsCode(), { rememberDevice: true, deviceName: 'Desk 2' });
    t.clock.advance(31);
    const response = await change(PASSWORD, 'brandNew2027');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revokedSessions: 1, revokedDevices: 1 });
    expect((await me('GET', '/profile')).status).toBe(200);
    expect((await me('GET', '/profile', undefined, other.body.sessionToken)).status).toBe(401);
    const again = await login(t, 'ckiplock', 'brandNew2027', { deviceToken: other.body.deviceToken });
    expect(again.body.status).toBe('challenge');
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(401);
    expect(await auditOf('password_changed')).toHaveLength(1);
    await t.server.services.notices.settled();
    const notice = t.smtp.mails.find((m) => m.raw.includes('password was just changed'));
    expect(notice?.to).toEqual([EMAIL]);
    const everything = JSON.stringify(await t.server.db.selectFrom('audit_events').selectAll().execute());
    expect(everything).not.toContain('brandNew2027');
    expect(t.logLines.join('\n')).not.toContain('brandNew2027');
  });
});

describe('the mandate banner (/me/setup)', () => {
  /** A user with no contact, signed in with the password alone under an optional policy. */
  async function noContactSession(): Promise<string> {
    await createUser(t, { username: 'newbie', phone: undefined, email: undefined });
    return (await login(t, 'newbie')).body.sessionToken;
  }
  const setup = async (token: string) => (await me('GET', '/setup', undefined, token)).body;

  it('names the date while the policy is optional with a future enforce-after date and I have no contact', async () => {
    const token = await noContactSession();
    await t.server.services.cli.setPolicy({ mode: 'optional', enforceAfter: '2026-09-01' });
    expect(await setup(token)).toEqual({
      effectiveMode: 'optional',
      mode: 'optional',
      enforceAfter: '2026-09-01',
      hasVerifiedContact: false,
      hasAuthenticator: false,
      mandateDate: '2026-09-01',
      reminder: 'mandate_date',
    });
  });

  it('reminds without a date while optional with no enforce-after date', async () => {
    const token = await noContactSession();
    const status = await setup(token);
    expect([status.mandateDate, status.reminder]).toEqual([null, 'no_date']);
  });

  it('names the date of a required policy that starts later', async () => {
    const token = await noContactSession();
    await t.server.services.cli.setPolicy({ mode: 'required', enforceAfter: '2026-09-01' });
    const status = await setup(token);
    expect([status.mandateDate, status.reminder]).toEqual(['2026-09-01', 'mandate_date']);
  });

  it('shows nothing once I have a verified contact, or when the policy is off', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', enforceAfter: '2026-09-01' });
    const withContact = await setup(session);
    expect([withContact.hasVerifiedContact, withContact.mandateDate, withContact.reminder]).toEqual([
      true,
      null,
      'none',
    ]);
    const token = await noContactSession();
    await t.server.services.cli.setPolicy({ mode: 'off' });
    expect((await setup(token)).reminder).toBe('none');
  });
});
