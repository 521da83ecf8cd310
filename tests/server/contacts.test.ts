/**
 * Contact changes (My settings, and an account manager on a user's behalf), with real SMTP and the
 * Twilio-compatible endpoint: the code goes to the NEW contact, which takes effect only once verified and is
 * never a target before; the old contacts are told, masked; the current password, the cooldown, the attempts
 * and the expiry guard it; codes and contacts stay out of the database, the audit trail and the logs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call, staffSession } from '../support/self-service';
import {
  createUser,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
  startTestServer,
  startWithUser,
  type TestServer,
  wrongCode,
} from '../support/test-server';

const NEW_PHONE = '+12025550199';
const NEW_EMAIL = 'casey.kiplock@clinic.example';

let t: TestServer;
let session: string;
beforeEach(async () => {
  t = await startWithUser();
  session = await staffSession(t);
});
afterEach(() => t.close());

const startChange = (body: object, token = session) =>
  call(t, 'POST', '/api/v1/me/contacts', { currentPassword: PASSWORD, ...body }, bearer(token));
const verifyChange = (id: string, code: string, token = session) =>
  call(t, 'POST', `/api/v1/me/contacts/${id}/verify`, { code }, bearer(token));
const resend = (id: string, token = session) =>
  call(t, 'POST', `/api/v1/me/contacts/${id}/send`, undefined, bearer(token));
const profile = async (token = session) =>
  (await call(t, 'GET', '/api/v1/me/profile', undefined, bearer(token))).body;
const textsTo = (number: string) => t.twilio.messages.filter((m) => m.to === number);
const codeTextedTo = (number: string) => {
  const body = textsTo(number).at(-1)?.body ?? '';
  return /code is (\d{6})/.exec(body)?.[1] ?? '';
};
const auditOf = async (type: string) =>
  (
    await t.server.db.selectFrom('audit_events').select('detail').where('event_type', '=', type).execute()
  ).map((e) => JSON.parse(e.detail));

/** A user with only an email on file, signed in with the emailed code. */
async function emailOnlySession(username = 'emily'): Promise<string> {
  await createUser(t, { username, phone: undefined, email: `${username}@wrshealth.com` });
  const id = (await login(t, username)).body.challengeId;
  await t.send(id, 'email');
  const response = await t.verify(id, t.lastMailCode());
  t.clock.advance(31);
  return response.body.sessionToken;
}

describe('changing my cell phone', () => {
  it('sends the code to the NEW number only; the number takes effect only once verified, and then signs in', async () => {
    const textsBefore = t.twilio.messages.length;
    const started = await startChange({ channel: 'sms', value: '(202) 555-0199' });
    expect(started.status).toBe(200);
    expect(started.body).toEqual({
      status: 'code_sent',
      changeId: expect.any(String),
      channel: 'sms',
      masked: '••• - ••• - 0199',
      expiresAt: expect.any(String),
      resendAfter: 30,
      warnings: [],
    });
    const sent = t.twilio.messages.slice(textsBefore);
    expect(sent.map((m) => m.to)).toEqual([NEW_PHONE]);
    expect((await profile()).phone).toBe(PHONE);

    const verified = await verifyChange(started.body.changeId, codeTextedTo(NEW_PHONE));
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      status: 'applied',
      channel: 'sms',
      masked: '••• - ••• - 0199',
      setBy: 'user_code',
      warnings: [],
    });
    const after = await profile();
    expect([after.phone, after.phoneNational, after.phoneSetBy]).toEqual([
      NEW_PHONE,
      '(202) 555-0199',
      'user_code',
    ]);
    const signIn = await login(t);
    expect(signIn.body.targets).toContainEqual({
      id: 'sms',
      channel: 'sms',
      masked: '••• - ••• - 0199',
    });
    // Proven and used, the change's code no longer holds the number's cooldown: sign in with it at once.
    expect((await t.send(signIn.body.challengeId, 'sms')).status).toBe(200);
    expect((await t.verify(signIn.body.challengeId, codeTextedTo(NEW_PHONE))).status).toBe(200);
  });

  it('never makes a pending number a sign-in or password-reset target', async () => {
    const token = await emailOnlySession();
    const started = await startChange({ channel: 'sms', value: NEW_PHONE }, token);
    expect(started.status).toBe(200);
    const signIn = await login(t, 'emily');
    expect(signIn.body.targets.map((x: { channel: string }) => x.channel)).toEqual(['email']);
    const send = await t.send(signIn.body.challengeId, 'sms');
    expect([send.status, send.body.error]).toEqual([400, 'invalid_target']);
    const reset = await t.post('/api/v1/auth/password-reset', { username: 'emily' });
    // A reset offers a text target to everyone (a decoy where no phone is on file): it never reaches the
    // pending number.
    const resetText = await t.post(`/api/v1/auth/password-reset/${reset.body.resetId}/send`, {
      targetId: 'sms',
    });
    expect(resetText.status).toBe(200);
    expect(textsTo(NEW_PHONE)).toHaveLength(1);
  });

  it('tells the old contacts, masked, and never texts the full new number to anyone', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    await verifyChange(started.body.changeId, codeTextedTo(NEW_PHONE));
    await t.server.services.notices.settled();
    const notice = textsTo(PHONE).at(-1)?.body ?? '';
    expect(notice).toContain('cell phone on your WRSAuth account was changed to ••• - ••• - 0199');
    const mail = t.smtp.mails.find((m) => m.raw.includes('was changed'));
    expect(mail?.to).toEqual([EMAIL]);
    for (const text of [notice, mail?.raw ?? '']) {
      expect(text).not.toContain('555-0199');
      expect(text).not.toContain('2025550199');
    }
    expect(textsTo(NEW_PHONE)).toHaveLength(1); // only the code
  });

  it('asks for the current password: a wrong one sends nothing and counts as a failed attempt', async () => {
    const textsBefore = t.twilio.messages.length;
    const wrong = await startChange({ channel: 'sms', value: NEW_PHONE, currentPassword: 'notMine123' });
    expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_credentials']);
    expect(t.twilio.messages.length).toBe(textsBefore);
    const user = await t.server.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('username', '=', 'ckiplock')
      .executeTakeFirstOrThrow();
    expect(user.failed_attempts).toBe(1);
    expect(await auditOf('password_recheck_failed')).toHaveLength(1);
  });

  it('refuses a number libphonenumber-js rejects, and the number already on file, with clear answers', async () => {
    const bad = await startChange({ channel: 'sms', value: '555-12' });
    expect([bad.status, bad.body.error]).toEqual([400, 'bad_request']);
    expect(bad.body.message).toContain('not a valid cell phone number');
    const same = await startChange({ channel: 'sms', value: '202-555-3816' });
    expect([same.status, same.body.error]).toEqual([409, 'conflict']);
    const email = await startChange({ channel: 'email', value: 'not-an-address' });
    expect([email.status, email.body.error]).toEqual([400, 'bad_request']);
  });

  it('resends only after the 30 s cooldown per contact (429 rate_limited with Retry-After), and the older code stops working', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    const first = codeTextedTo(NEW_PHONE);
    const early = await resend(started.body.changeId);
    expect([early.status, early.body.error]).toEqual([429, 'rate_limited']);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance(31);
    const again = await resend(started.body.changeId);
    expect(again.status).toBe(200);
    expect(textsTo(NEW_PHONE)).toHaveLength(2);
    let second = codeTextedTo(NEW_PHONE);
    if (second === first) {
      // Two fair draws agree once in a million sends: draw once more after the cooldown. A generator that
      // repeats itself still fails below.
      t.clock.advance(31);
      expect((await resend(started.body.changeId)).status).toBe(200);
      second = codeTextedTo(NEW_PHONE);
    }
    expect(second).not.toBe(first);
    expect((await verifyChange(started.body.changeId, first)).body.error).toBe('invalid_code');
    expect((await verifyChange(started.body.changeId, second)).status).toBe(200);
  });

  it('allows 5 wrong codes, then refuses even the right one and keeps the old number', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    const right = codeTextedTo(NEW_PHONE);
    for (let left = 4; left >= 0; left--) {
      const wrong = await verifyChange(started.body.changeId, wrongCode(right));
      expect([wrong.status, wrong.body.attemptsRemaining]).toEqual([400, left]);
    }
    const late = await verifyChange(started.body.changeId, right);
    expect([late.status, late.body.error]).toEqual([429, 'too_many_attempts']);
    expect((await profile()).phone).toBe(PHONE);
  });

  it('speaks as a contact change, never of signing in: the code is named as texted, and it says to start again', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    const right = codeTextedTo(NEW_PHONE);
    expect(textsTo(NEW_PHONE).at(-1)?.body).toContain('confirmation code');
    const typo = await verifyChange(started.body.changeId, '12345');
    expect(typo.body).toMatchObject({
      error: 'invalid_code',
      message: 'Enter the 6 digits of your confirmation code.',
      attemptsRemaining: 5,
    });
    for (let i = 0; i < 4; i++) await verifyChange(started.body.changeId, wrongCode(right));
    const last = await verifyChange(started.body.changeId, wrongCode(right));
    expect(last.body.message).toBe('That code is not right, and no attempts are left. Please start again.');
    const refused = await verifyChange(started.body.changeId, right);
    expect([refused.status, refused.body.message]).toEqual([
      429,
      'Too many wrong codes. Please start again.',
    ]);
  });

  it('starts at most 10 changes per user an hour (each sends a code to a number not yet proven)', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await startChange({ channel: 'sms', value: NEW_PHONE })).status).toBe(200);
      t.clock.advance(31);
    }
    const eleventh = await startChange({ channel: 'sms', value: NEW_PHONE });
    expect([eleventh.status, eleventh.body.error]).toEqual([429, 'rate_limited']);
    expect(eleventh.body.message).toContain('Too many contact changes');
    expect(textsTo(NEW_PHONE)).toHaveLength(10);
  });

  it('expires within 10 minutes: the right code is refused afterwards', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    expect(Date.parse(started.body.expiresAt) - t.clock.now().getTime()).toBeLessThanOrEqual(600_000);
    t.clock.advance(601);
    const late = await verifyChange(started.body.changeId, codeTextedTo(NEW_PHONE));
    expect(late.status).toBe(410);
    expect((await profile()).phone).toBe(PHONE);
  });

  it('does not let another user finish my change (404), nor an account manager through /me', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    const other = await emailOnlySession('other');
    const response = await verifyChange(started.body.changeId, codeTextedTo(NEW_PHONE), other);
    expect(response.status).toBe(404);
    const admin = await adminSession(t);
    const viaAdmin = await call(
      t,
      'POST',
      `/api/v1/admin/users/${await profileId()}/contacts/${started.body.changeId}/verify`,
      { code: codeTextedTo(NEW_PHONE) },
      bearer(admin),
    );
    expect(viaAdmin.status).toBe(404);
    expect((await profile()).phone).toBe(PHONE);
  });

  it('keeps only an HMAC of the code and the new number sealed; neither is in the audit trail or the logs', async () => {
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    const code = codeTextedTo(NEW_PHONE);
    const rows = JSON.stringify(await t.server.db.selectFrom('contact_changes').selectAll().execute());
    expect(rows).not.toContain(code);
    expect(rows).not.toContain('2025550199');
    await verifyChange(started.body.changeId, code);
    const audit = JSON.stringify(await t.server.db.selectFrom('audit_events').select('detail').execute());
    const logs = t.logLines.join('\n');
    for (const text of [audit, logs]) {
      expect(text).not.toContain(`"${code}"`);
      expect(text).not.toContain('2025550199');
      expect(text).not.toContain(PASSWORD);
    }
    expect(await auditOf('contact_changed')).toEqual([
      expect.objectContaining({
        channel: 'sms',
        masked: '••• - ••• - 0199',
        setBy: 'user_code',
        replaced: true,
      }),
    ]);
  });
});

describe('changing my email', () => {
  it('mails the code to the NEW address; the old address is told once it is verified', async () => {
    const started = await startChange({ channel: 'email', value: NEW_EMAIL });
    expect(started.status).toBe(200);
    const codeMail = t.smtp.mails.at(-1);
    expect(codeMail?.to).toEqual([NEW_EMAIL]);
    const code = /code is (\d{6})/.exec(codeMail?.raw.replace(/=\r?\n/g, '') ?? '')?.[1] ?? '';
    expect((await profile()).email).toBe(EMAIL);
    expect((await verifyChange(started.body.changeId, code)).status).toBe(200);
    await t.server.services.notices.settled();
    const notice = t.smtp.mails.find((m) => m.to.includes(EMAIL) && m.raw.includes('was changed'));
    expect(notice?.raw).not.toContain(NEW_EMAIL);
    expect((await profile()).email).toBe(NEW_EMAIL);
  });
});

describe('removing a contact', () => {
  const remove = (channel: string, currentPassword = PASSWORD) =>
    call(t, 'DELETE', `/api/v1/me/contacts/${channel}`, { currentPassword }, bearer(session));

  it('removes one after the current password, and tells the contacts on file', async () => {
    expect((await remove('email', 'notMine123')).status).toBe(400);
    expect((await remove('email')).status).toBe(204);
    expect((await profile()).email).toBeNull();
    expect((await remove('email')).status).toBe(404);
    await t.server.services.notices.settled();
    expect(t.smtp.mails.some((m) => m.to.includes(EMAIL) && m.raw.includes('was removed'))).toBe(true);
  });

  it('refuses (409) to remove the last factor the practice allows while 2FA is required', async () => {
    await t.server.services.cli.setPolicy({ mode: 'required' });
    expect((await remove('email')).status).toBe(204);
    const last = await remove('sms');
    expect([last.status, last.body.error]).toEqual([409, 'conflict']);
    expect((await profile()).phone).toBe(PHONE);
  });
});

describe('an account manager sets a contact on a user’s behalf', () => {
  let admin: string;
  beforeEach(async () => {
    admin = await adminSession(t);
  });
  const setContact = (userId: string, body: object) =>
    call(t, 'POST', `/api/v1/admin/users/${userId}/contacts`, body, bearer(admin));

  it('method code: the code goes to the new contact, the user reads it out, the manager enters it; audited with who and why', async () => {
    const userId = await profileId();
    const started = await setContact(userId, {
      channel: 'sms',
      value: NEW_PHONE,
      method: 'code',
      reason: 'New work phone, by phone call',
    });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('code_sent');
    expect((await profile()).phone).toBe(PHONE);
    const viaMe = await verifyChange(started.body.changeId, codeTextedTo(NEW_PHONE));
    expect(viaMe.status).toBe(404);
    const verified = await call(
      t,
      'POST',
      `/api/v1/admin/users/${userId}/contacts/${started.body.changeId}/verify`,
      { code: codeTextedTo(NEW_PHONE) },
      bearer(admin),
    );
    expect(verified.status).toBe(200);
    expect(verified.body.setBy).toBe('admin_code');
    expect((await profile()).phoneSetBy).toBe('admin_code');
    expect(await auditOf('contact_change_started')).toEqual([
      expect.objectContaining({
        method: 'admin_code',
        by: 'manager',
        reason: 'New work phone, by phone call',
      }),
    ]);
    expect(await auditOf('contact_changed')).toEqual([expect.objectContaining({ by: 'manager' })]);
  });

  it('set_by_admin: on file at once, marked set by admin; the new and the old contact are notified; audited', async () => {
    const userId = await profileId();
    const applied = await setContact(userId, {
      channel: 'sms',
      value: NEW_PHONE,
      method: 'set_by_admin',
      reason: 'Lost phone, identity checked at the desk',
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({
      status: 'applied',
      channel: 'sms',
      masked: '••• - ••• - 0199',
      setBy: 'set_by_admin',
      warnings: [],
    });
    expect((await profile()).phoneSetBy).toBe('set_by_admin');
    await t.server.services.notices.settled();
    expect(textsTo(NEW_PHONE).at(-1)?.body).toContain('account manager set this cell phone');
    expect(textsTo(PHONE).at(-1)?.body).toContain('was changed to ••• - ••• - 0199');
    expect(await auditOf('contact_set_by_admin')).toEqual([
      expect.objectContaining({ by: 'manager', reason: 'Lost phone, identity checked at the desk' }),
    ]);
  });

  it('answers 404 for an unknown user and 400 for a missing reason', async () => {
    const unknown = await setContact('no-such-user', {
      channel: 'email',
      value: NEW_EMAIL,
      method: 'set_by_admin',
      reason: 'test',
    });
    expect(unknown.status).toBe(404);
    const noReason = await setContact(await profileId(), {
      channel: 'email',
      value: NEW_EMAIL,
      method: 'code',
    });
    expect([noReason.status, noReason.body.error]).toEqual([400, 'bad_request']);
  });
});

describe('Twilio Lookup on a new cell phone', () => {
  it('warns that a new number is a landline, and still sends the code', async () => {
    await t.close();
    t = await startTestServer({ env: { TWILIO_LOOKUP: 'on' } });
    await createUser(t);
    session = await staffSession(t);
    t.twilio.lineTypes.set(NEW_PHONE, 'landline');
    const started = await startChange({ channel: 'sms', value: NEW_PHONE });
    expect(started.status).toBe(200);
    expect(started.body.warnings).toEqual([expect.stringContaining('landline')]);
    expect(textsTo(NEW_PHONE)).toHaveLength(1);
  });
});

async function profileId(): Promise<string> {
  const row = await t.server.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'ckiplock')
    .executeTakeFirstOrThrow();
  return row.id;
}
