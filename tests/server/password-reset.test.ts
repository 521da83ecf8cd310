/**
 * "Forgot your password?": User ID → masked targets → a code → a new password; never past the second factor,
 * the same answers for unknown users, and every session and workstation signed out afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

const start = (username = 'ckiplock') => t.post(RESET, { username });
const sendTo = (id: string, targetId: string) => t.post(`${RESET}/${id}/send`, { targetId });
const verify = (id: string, code: string) => t.post(`${RESET}/${id}/verify`, { code });
const setPassword = (id: string, password: string) => t.post(`${RESET}/${id}/password`, { password });

/** Start, text a code, and verify it: the reset id, ready for a new password. */
async function verifiedReset(): Promise<string> {
  const started = await start();
  const id = started.body.resetId as string;
  expect((await sendTo(id, 'sms')).status).toBe(200);
  expect((await verify(id, t.lastSmsCode())).status).toBe(200);
  return id;
}

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
    const events = await t.server.services.admin.auditTrail({ username: 'ckiplock' });
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
    await t.server.services.admin.setPolicy({ mode: 'off' });
    const started = await start();
    expect(started.body.targets).toHaveLength(2);
    const early = await setPassword(started.body.resetId, NEW_PASSWORD);
    expect(early.status).toBe(400);
    expect(early.body.error).toBe('bad_request');
    expect((await login(t, 'ckiplock', PASSWORD)).status).toBe(200);
  });

  it('offers only the factors the practice allows, as sign-in does', async () => {
    await t.server.services.db.updateTable('practices').set({ allowed_factors: 'email,totp' }).execute();
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
    const raw = JSON.stringify(await t.server.services.admin.auditTrail({ limit: 100 }));
    expect(raw).not.toContain(NEW_PASSWORD);
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain('2025553816');
  });
});

describe('no enumeration', () => {
  it('answers an unknown User ID in the same shape, with the same decoy target every time', async () => {
    const real = await start('ckiplock');
    const unknown = await start('nobody');
    expect(unknown.status).toBe(real.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(unknown.body.targets).toEqual([
      { id: 'sms', channel: 'sms', masked: expect.stringMatching(/^••• - ••• - \d{4}$/) },
    ]);
    const again = await start('NOBODY');
    expect(again.body.targets).toEqual(unknown.body.targets);
    expect((await start('someone-else')).body.targets[0].masked).not.toBe(unknown.body.targets[0].masked);
  });

  it('lets a decoy "send" and count attempts like a real reset, but sends nothing and no code matches', async () => {
    const id = (await start('nobody')).body.resetId;
    const sent = await sendTo(id, 'sms');
    expect(sent.status).toBe(200);
    expect(Object.keys(sent.body).sort()).toEqual(['channel', 'expiresAt', 'masked', 'resendAfter']);
    const soon = await sendTo(id, 'sms');
    expect(soon.status).toBe(429);
    expect(t.twilio.messages).toHaveLength(0);
    expect(t.smtp.mails).toHaveLength(0);
    const guess = await verify(id, '123456');
    expect(guess.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 4 });
    expect((await setPassword(id, NEW_PASSWORD)).status).toBe(400);
  });

  it('gives a user with no verified contact the decoy too: a reset never goes past the second factor', async () => {
    await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
    const started = await start('nocontact');
    expect(started.body.targets).toHaveLength(1);
    await sendTo(started.body.resetId, 'sms');
    expect(t.twilio.messages).toHaveLength(0);
  });

  it('refuses a User ID holding a NUL character as bad input', async () => {
    const response = await start('ck\u0000iplock');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
  });
});
