/**
 * "Forgot your password?": User ID → masked targets → a code → a second proof when the user has two or more
 * factors → a new password; never past the second factor, one factor never takes an account that has two,
 * the same answers for unknown users, and every session and workstation signed out afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { totpCode } from '../support/self-service';
import { codeIn } from '../support/smtp-catcher';
import {
  createUser,
  EMAIL,
  eventually,
  login,
  PASSWORD,
  signInWithCode,
  startWithUser,
  type TestServer,
  wrongCode,
} from '../support/test-server';

const NEW_PASSWORD = 'newDesk2027';
const RESET = '/api/v1/auth/password-reset';
const SMS = { id: 'sms', channel: 'sms', masked: '••• - ••• - 3816' };
const MAILBOX = { id: 'email', channel: 'email', masked: 'cki•••wrshealth.com' };
const APP = { id: 'totp', channel: 'totp', masked: 'Authenticator app' };

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

const start = (username = 'ckiplock') => t.post(RESET, { username });
const sendTo = (id: string, targetId: string) => t.post(`${RESET}/${id}/send`, { targetId });
const verify = (id: string, code: string, targetId?: string) =>
  t.post(`${RESET}/${id}/verify`, { code, ...(targetId && { targetId }) });
const setPassword = (id: string, password: string) => t.post(`${RESET}/${id}/password`, { password });

/** Start, and prove the mailbox with the emailed code: the reset id, waiting for a second proof. */
async function mailboxProven(username = 'ckiplock'): Promise<{ id: string; body: Record<string, unknown> }> {
  // A notice still on its way (a password changed, a recovery code used) must not pass for the code's mail.
  await t.server.services.notices.settled();
  const id = (await start(username)).body.resetId as string;
  expect((await sendTo(id, 'email')).status).toBe(200);
  const first = await verify(id, t.lastMailCode());
  expect(first.status).toBe(200);
  return { id, body: first.body };
}

/** Start, text a code, verify it, then the emailed code: the reset id, ready for a new password. */
async function verifiedReset(): Promise<string> {
  const started = await start();
  const id = started.body.resetId as string;
  expect((await sendTo(id, 'sms')).status).toBe(200);
  expect((await verify(id, t.lastSmsCode())).body.status).toBe('second_factor_required');
  expect((await sendTo(id, 'email')).status).toBe(200);
  expect((await verify(id, t.lastMailCode())).body.status).toBe('verified');
  return id;
}

async function userRow(username = 'ckiplock') {
  return t.server.db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', username)
    .executeTakeFirstOrThrow();
}

/** Confirms an authenticator app for the user; answers its secret. The confirming code's step is used up. */
async function withApp(username = 'ckiplock'): Promise<string> {
  const { totp } = t.server.services;
  const user = await userRow(username);
  const { secret } = await totp.enroll(user, CLI_CONTEXT);
  await totp.confirm(user, await totpCode(t, secret), CLI_CONTEXT);
  t.clock.advance(30);
  return secret;
}

async function auditDetails(type: string): Promise<Array<Record<string, unknown>>> {
  const rows = await t.server.db
    .selectFrom('audit_events')
    .select('detail')
    .where('event_type', '=', type)
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.detail));
}

const policy = (selfServiceReset: 'two_factors' | 'one_factor' | 'off') =>
  t.server.services.cli.setPolicy({ selfServiceReset });

describe('Forgot your password?', () => {
  it('offers the masked targets of the verified contacts, and texts a password reset code', async () => {
    const started = await start();
    expect(started.status).toBe(200);
    expect(started.body.targets).toEqual([
      { id: 'sms', channel: 'sms', masked: '••• - ••• - 3816' },
      { id: 'email', channel: 'email', masked: 'cki•••wrshealth.com' },
    ]);
    const sent = await sendTo(started.body.resetId, 'sms');
    expect(sent.body).toMatchObject({ channel: 'sms', masked: '••• - ••• - 3816', resendAfter: 30 });
    expect(t.twilio.messages.at(-1)?.body).toMatch(/^Your WRSAuth password reset code is \d{6}\./);
  });

  it('sets a new password after the right code: the old one stops working, the new one signs in', async () => {
    const id = await verifiedReset();
    const changed = await setPassword(id, NEW_PASSWORD);
    expect(changed.status).toBe(204);
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(401);
    const fresh = await login(t, 'ckiplock', NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    // The second factor still stands in front of the new password.
    expect(fresh.body.status).toBe('challenge');
  });

  it('signs out every session and forgets every remembered workstation of the user', async () => {
    const signedIn = await signInWithCode(t, { rememberDevice: true });
    const { sessionToken, deviceToken } = signedIn.body;
    t.clock.advance(31); // past the resend cooldown of the phone
    const id = await verifiedReset();
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
    expect((await t.get('/api/v1/me', { authorization: `Bearer ${sessionToken}` })).status).toBe(401);
    const withDevice = await login(t, 'ckiplock', NEW_PASSWORD, { deviceToken });
    expect(withDevice.body.status).toBe('challenge');
    const events = await t.server.services.cli.auditTrail({ username: 'ckiplock' });
    const completed = events.find((e) => e.event_type === 'password_reset_completed');
    expect(JSON.parse(completed?.detail ?? '{}')).toMatchObject({ revokedSessions: 1, revokedDevices: 1 });
  });

  it('sends a notice to every contact afterwards, with no code in it', async () => {
    const id = await verifiedReset();
    const textsBefore = t.twilio.messages.length;
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
    const mails = await eventually(
      async () => t.smtp.mails,
      (all) => all.some((m) => m.raw.includes('Your WRSAuth password was changed')),
    );
    const notice = mails.find((m) => m.raw.includes('Your WRSAuth password was changed'));
    expect(notice?.to).toEqual([EMAIL]);
    expect(notice?.raw).not.toMatch(/\b\d{6}\b/);
    const texts = await eventually(
      async () => t.twilio.messages.slice(textsBefore),
      (added) => added.length > 0,
    );
    expect(texts[0]?.body).toContain('password was just changed');
  });

  it('refuses a new password before the code is verified, whatever the policy', async () => {
    await t.server.services.cli.setPolicy({ mode: 'off' });
    const started = await start();
    expect(started.body.targets).toHaveLength(2);
    const early = await setPassword(started.body.resetId, NEW_PASSWORD);
    expect(early.status).toBe(400);
    expect(early.body.error).toBe('bad_request');
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(200);
  });

  it('offers only the factors the practice allows, as sign-in does', async () => {
    await t.server.db.updateTable('practices').set({ allowed_factors: 'email,totp' }).execute();
    const started = await start();
    expect(started.body.targets.map((target: { id: string }) => target.id)).toEqual(['email']);
    const refused = await sendTo(started.body.resetId, 'sms');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_target');
    expect(t.twilio.messages).toHaveLength(0);
  });

  it('refuses a password that breaks the rule, and lets the user choose a better one on the same reset', async () => {
    const id = await verifiedReset();
    const weak = await setPassword(id, 'lettersonly');
    expect(weak.status).toBe(400);
    expect(weak.body.error).toBe('password_rule');
    expect(weak.body.message).toContain('8 or more characters with both letters and digits');
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
  });

  it('sets a password once per reset', async () => {
    const id = await verifiedReset();
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
    const again = await setPassword(id, 'anotherOne99');
    expect(again.status).toBe(410);
    expect((await login(t, 'ckiplock', NEW_PASSWORD)).status).toBe(200);
  });

  it('counts wrong codes: attempts left, then too_many_attempts after 5', async () => {
    const started = await start();
    const id = started.body.resetId;
    await sendTo(id, 'email');
    const right = codeIn(t.smtp.mails.at(-1)?.raw ?? '');
    const first = await verify(id, wrongCode(right));
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 4 });
    for (let i = 0; i < 4; i++) await verify(id, wrongCode(right));
    const spent = await verify(id, right);
    expect(spent.status).toBe(429);
    expect(spent.body.error).toBe('too_many_attempts');
  });

  it('speaks as a password reset, never of signing in: the code is named as mailed, and it says to start again', async () => {
    const id = (await start()).body.resetId;
    await sendTo(id, 'email');
    const right = t.lastMailCode();
    expect(t.smtp.mails.at(-1)?.raw).toContain('password reset code');
    const typo = await verify(id, '12345');
    expect(typo.body).toMatchObject({
      error: 'invalid_code',
      message: 'Enter the 6 digits of your password reset code.',
      attemptsRemaining: 5,
    });
    for (let i = 0; i < 5; i++) await verify(id, wrongCode(right));
    const refused = await verify(id, right);
    expect([refused.status, refused.body.message]).toEqual([
      429,
      'Too many wrong codes. Please start again.',
    ]);
    t.clock.advance(15 * 60);
    const over = await verify(id, right);
    expect([over.status, over.body.error]).toEqual([410, 'challenge_expired']);
    expect(over.body.message).not.toContain('sign-in');
  });

  it('stops checking codes for a User ID after 10 wrong ones in 15 minutes, across resets', async () => {
    for (let reset = 0; reset < 2; reset++) {
      const id = (await start()).body.resetId;
      for (let i = 0; i < 5; i++) expect((await verify(id, '000000')).status).toBe(400);
    }
    const id = (await start()).body.resetId;
    const refused = await verify(id, '000000');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
  });

  it('expires a reset after 15 minutes', async () => {
    const started = await start();
    t.clock.advance(15 * 60 + 1);
    const late = await sendTo(started.body.resetId, 'sms');
    expect(late.status).toBe(410);
    expect(late.body.error).toBe('challenge_expired');
  });

  it('cannot sign anyone in: a reset id is not a sign-in challenge', async () => {
    const started = await start();
    await sendTo(started.body.resetId, 'sms');
    const asSignIn = await t.verify(started.body.resetId, t.lastSmsCode());
    expect(asSignIn.status).toBe(410);
    expect(asSignIn.body.sessionToken).toBeUndefined();
  });

  it('never writes a code, password or full contact to the audit trail', async () => {
    const id = await verifiedReset();
    await setPassword(id, NEW_PASSWORD);
    const raw = JSON.stringify(await t.server.services.cli.auditTrail({ limit: 100 }));
    expect(raw).not.toContain(NEW_PASSWORD);
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain('2025553816');
  });
});

describe('two or more factors on file: proof from two different ones', () => {
  it('refuses the mailbox-only takeover: the right emailed code asks for another factor, and the password stays', async () => {
    const { id, body } = await mailboxProven();
    expect(body).toEqual({ status: 'second_factor_required', targets: [SMS] });
    const early = await setPassword(id, NEW_PASSWORD);
    expect(early.status).toBe(400);
    expect(early.body.error).toBe('bad_request');
    expect((await login(t, 'ckiplock', NEW_PASSWORD)).status).toBe(401);
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(200);
  });

  it('answers /password with 400 bad_request after the first proof only, whichever factor it was', async () => {
    const id = (await start()).body.resetId;
    await sendTo(id, 'sms');
    expect((await verify(id, t.lastSmsCode())).body.status).toBe('second_factor_required');
    const early = await setPassword(id, NEW_PASSWORD);
    expect(early).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it("lists the user's other factors only, with the authenticator app once it is confirmed", async () => {
    await withApp();
    const { body } = await mailboxProven();
    expect(body).toEqual({ status: 'second_factor_required', targets: [SMS, APP] });
  });

  it('accepts a code sent to another factor as the second proof, then the new password', async () => {
    const { id } = await mailboxProven();
    const sent = await sendTo(id, 'sms');
    expect(sent.body).toMatchObject({ channel: 'sms', masked: SMS.masked });
    const second = await verify(id, t.lastSmsCode());
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: 'verified', expiresAt: expect.any(String) });
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
    expect((await login(t, 'ckiplock', NEW_PASSWORD)).body.status).toBe('challenge');
    expect(await auditDetails('password_reset_completed')).toEqual([
      expect.objectContaining({ firstFactor: 'email', secondFactor: 'sms' }),
    ]);
  });

  it('answers 409 conflict to a send to the factor already proven, and sends nothing there', async () => {
    const { id } = await mailboxProven();
    t.clock.advance(31); // past the mailbox's resend cooldown, so only the rule can refuse
    const again = await sendTo(id, 'email');
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    expect(t.smtp.mails).toHaveLength(1);
  });

  it("never counts the first factor's code as the second proof", async () => {
    const id = (await start()).body.resetId;
    await sendTo(id, 'email');
    const mailed = t.lastMailCode();
    expect((await verify(id, mailed)).body.status).toBe('second_factor_required');
    const replayed = await verify(id, mailed);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_code');
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(400);
  });

  it("accepts the authenticator app's code as the second proof, and never the same code twice", async () => {
    const secret = await withApp();
    const { id } = await mailboxProven();
    const code = await totpCode(t, secret);
    expect((await verify(id, code, 'totp')).body.status).toBe('verified');
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);

    t.clock.advance(31); // the code is still within the app's step of drift, and the mailbox may get another
    const { id: next } = await mailboxProven();
    const replay = await verify(next, code, 'totp');
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_code');
  });

  it('does not take the app code as the first proof', async () => {
    const secret = await withApp();
    const id = (await start()).body.resetId;
    const refused = await verify(id, await totpCode(t, secret), 'totp');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_target');
  });

  it('accepts a recovery code as the second proof: used up, audited, and the user told', async () => {
    const user = await userRow();
    const { codes } = await t.server.services.recoveryCodes.generate(user, PASSWORD, CLI_CONTEXT);
    const code = codes[0] ?? '';
    // Making codes tells the user's contacts: let that notice arrive before the reset's code does.
    await t.server.services.notices.settled();
    const { id } = await mailboxProven();
    expect((await verify(id, code)).body.status).toBe('verified');
    expect(await t.server.services.recoveryCodes.status(user.id)).toMatchObject({ remaining: 9 });
    expect(await auditDetails('recovery_code_used')).toEqual([{ remaining: 9, use: 'password_reset' }]);
    await t.server.services.notices.settled();
    const told = t.smtp.mails.find((mail) => mail.raw.includes('A WRSAuth recovery code was used'));
    expect(told?.to).toEqual([EMAIL]);
    expect(told?.raw).not.toContain(code);

    t.clock.advance(31);
    const { id: next } = await mailboxProven();
    const again = await verify(next, code);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_code');
  });
});

describe('one factor on file: what the practice allows', () => {
  const ONE_PHONE = '+12025550199';
  beforeEach(async () => {
    await createUser(t, { username: 'onephone', phone: ONE_PHONE, email: undefined });
  });

  /** Start for the user with only a phone, text the code, and verify it. */
  async function phoneProven() {
    const id = (await start('onephone')).body.resetId as string;
    expect((await sendTo(id, 'sms')).status).toBe(200);
    const answer = await verify(id, t.lastSmsCode());
    expect(answer.status).toBe(200);
    return { id, answer: answer.body };
  }

  it('two_factors (the default): sends the user to the account manager after the first code, and the password stays', async () => {
    const { id, answer } = await phoneProven();
    expect(answer).toEqual({ status: 'account_manager_required' });
    const refused = await setPassword(id, NEW_PASSWORD);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'bad_request',
      message: 'Ask your account manager to reset your password.',
    });
    expect((await login(t, 'onephone', NEW_PASSWORD)).status).toBe(401);
    expect((await login(t, 'onephone', PASSWORD)).status).toBe(200);
    expect(await auditDetails('password_reset_refused')).toEqual([
      expect.objectContaining({ factor: 'sms', reason: 'one_factor' }),
    ]);
  });

  it('one_factor: one code is enough for a user with one factor', async () => {
    await policy('one_factor');
    const { id, answer } = await phoneProven();
    expect(answer).toEqual({ status: 'verified', expiresAt: expect.any(String) });
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(204);
    expect((await login(t, 'onephone', NEW_PASSWORD)).status).toBe(200);
  });

  it('one_factor still asks a user with two factors for two proofs', async () => {
    await policy('one_factor');
    const { body } = await mailboxProven();
    expect(body.status).toBe('second_factor_required');
  });

  it("off: a real user's start answers like an unknown User ID's, and no code goes out", async () => {
    await policy('off');
    const real = await start('ckiplock');
    const unknown = await start('nobody');
    expect(real.status).toBe(unknown.status);
    expect(Object.keys(real.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(real.body.targets.map((target: { id: string }) => target.id)).toEqual(['sms', 'email']);
    for (const targetId of ['sms', 'email']) {
      expect((await sendTo(real.body.resetId, targetId)).status).toBe(200);
    }
    await t.server.services.notices.settled();
    expect(t.twilio.messages).toHaveLength(0);
    expect(t.smtp.mails).toHaveLength(0);
    expect((await verify(real.body.resetId, '123456')).body.error).toBe('invalid_code');
    expect(await auditDetails('password_reset_requested')).toEqual([
      expect.objectContaining({ decoy: 'self_service_off' }),
      expect.objectContaining({ decoy: 'unknown_user' }),
    ]);
  });

  it('off since the reset began: the right first code sends the user to the account manager', async () => {
    const id = (await start()).body.resetId;
    await sendTo(id, 'email');
    await policy('off');
    expect((await verify(id, t.lastMailCode())).body).toEqual({ status: 'account_manager_required' });
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(400);
  });
});

describe('no enumeration', () => {
  it('answers an unknown User ID in the same shape, one target per allowed channel, the same every time', async () => {
    const real = await start('ckiplock');
    const unknown = await start('nobody');
    expect(unknown.status).toBe(real.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(real.body.targets).toEqual([SMS, MAILBOX]);
    expect(unknown.body.targets).toEqual([
      { id: 'sms', channel: 'sms', masked: expect.stringMatching(/^••• - ••• - \d{4}$/) },
      // Like the practice's own addresses: the User ID's first letters at the domain most users have.
      { id: 'email', channel: 'email', masked: 'nob•••wrshealth.com' },
    ]);
    const again = await start('NOBODY');
    expect(again.body.targets).toEqual(unknown.body.targets);
    expect((await start('someone-else')).body.targets[0].masked).not.toBe(unknown.body.targets[0].masked);
  });

  it("follows the practice's allowed factors: an email-only practice offers nobody a text target", async () => {
    await t.server.db.updateTable('practices').set({ allowed_factors: 'email' }).execute();
    const real = await start('ckiplock');
    const unknown = await start('nobody');
    expect(real.body.targets).toEqual([MAILBOX]);
    expect(unknown.body.targets).toEqual([{ id: 'email', channel: 'email', masked: 'nob•••wrshealth.com' }]);
    for (const id of [real.body.resetId, unknown.body.resetId]) {
      const text = await sendTo(id, 'sms');
      expect(text.status).toBe(400);
      expect(text.body.error).toBe('invalid_target');
    }
    expect(t.twilio.messages).toHaveLength(0);
  });

  it('offers a user who lacks a channel a decoy for it, so the targets tell nobody how many factors there are', async () => {
    await createUser(t, { username: 'onephone', phone: '+12025550199', email: undefined });
    const started = await start('onephone');
    expect(started.body.targets).toEqual([
      { id: 'sms', channel: 'sms', masked: '••• - ••• - 0199' },
      { id: 'email', channel: 'email', masked: 'one•••wrshealth.com' },
    ]);
    const mailed = await sendTo(started.body.resetId, 'email');
    expect(mailed.status).toBe(200);
    expect(Object.keys(mailed.body).sort()).toEqual(['channel', 'expiresAt', 'masked', 'resendAfter']);
    expect(t.smtp.mails).toHaveLength(0);
  });

  it('lets a decoy "send" and count attempts like a real reset, but sends nothing and no code matches', async () => {
    const id = (await start('nobody')).body.resetId;
    const sent = await sendTo(id, 'sms');
    expect(sent.status).toBe(200);
    expect(Object.keys(sent.body).sort()).toEqual(['channel', 'expiresAt', 'masked', 'resendAfter']);
    const soon = await sendTo(id, 'sms');
    expect(soon.status).toBe(429);
    // Its phone and mailbox cool down apart, as a real user's do.
    expect((await sendTo(id, 'email')).status).toBe(200);
    expect(t.twilio.messages).toHaveLength(0);
    expect(t.smtp.mails).toHaveLength(0);
    const guess = await verify(id, '123456');
    expect(guess.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 4 });
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(400);
  });

  it("gives a decoy's code the practice's lifetime, and code_expired after it, as a real reset", async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', codeTtlSeconds: 120 });
    const real = (await start('ckiplock')).body.resetId;
    const decoy = (await start('nobody')).body.resetId;
    const realSent = await sendTo(real, 'sms');
    const decoySent = await sendTo(decoy, 'sms');
    expect(decoySent.body.expiresAt).toBe(realSent.body.expiresAt);
    t.clock.advance(121);
    for (const id of [real, decoy]) {
      const late = await verify(id, '123456');
      expect(late.status).toBe(400);
      expect(late.body.error).toBe('code_expired');
    }
  });

  it('gives a user with no verified contact the decoy too: a reset never goes past the second factor', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    const started = await start('nocontact');
    expect(started.body.targets.map((target: { id: string }) => target.id)).toEqual(['sms', 'email']);
    await sendTo(started.body.resetId, 'sms');
    expect(t.twilio.messages).toHaveLength(0);
  });

  it('refuses a User ID holding a NUL character as bad input', async () => {
    const response = await start('ck\u0000iplock');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
  });
});

describe('the reset id in the records', () => {
  it('keeps only its first 8 characters in the audit trail and out of the logs, from start to new password', async () => {
    const id = await verifiedReset();
    await t.verify(id, '000000'); // a reset id is no sign-in challenge: refused, and recorded as nothing
    expect((await t.post(`${RESET}/${id}/password`, { password: NEW_PASSWORD })).status).toBe(204);
    const rows = await t.server.db.selectFrom('audit_events').select(['event_type', 'detail']).execute();
    const withReset = rows.filter((row) => row.detail.includes('"resetId"'));
    expect(withReset.map((row) => row.event_type)).toEqual(
      expect.arrayContaining(['password_reset_requested', 'code_sent', 'password_reset_completed']),
    );
    for (const row of withReset) expect(JSON.parse(row.detail).resetId).toBe(id.slice(0, 8));
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(t.logLines.join('\n')).not.toContain(id);
  });
});
