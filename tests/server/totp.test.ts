/**
 * The authenticator app (TOTP, RFC 6238) on a fixed clock: enrollment with a local QR code and a confirming
 * code, the "Authenticator app" target at sign-in with no send step, one step of drift, no replay, and the
 * same attempt counting as sent codes. The secret is never stored or logged in plain text.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, call, staffSession, totpCode } from '../support/self-service';
import {
  challenge,
  login,
  PASSWORD,
  startWithUser,
  type TestServer,
  wrongCode,
} from '../support/test-server';

let t: TestServer;
let session: string;
beforeEach(async () => {
  t = await startWithUser();
  session = await staffSession(t);
});
afterEach(() => t.close());

const enroll = (currentPassword = PASSWORD) =>
  call(t, 'POST', '/api/v1/me/totp', { currentPassword }, bearer(session));
const removeApp = (currentPassword = PASSWORD) =>
  call(t, 'DELETE', '/api/v1/me/totp', { currentPassword }, bearer(session));
const confirm = (code: string) => call(t, 'POST', '/api/v1/me/totp/confirm', { code }, bearer(session));

/** Enrolls and confirms the app; answers its secret. The confirming code's step is then used up. */
async function enrolled(): Promise<string> {
  const { secret } = (await enroll()).body;
  expect((await confirm(await totpCode(t, secret))).status).toBe(200);
  t.clock.advance(30);
  return secret;
}

const verifyTotp = (id: string, code: string) => t.verify(id, code, { targetId: 'totp' });

describe('enrolling an authenticator app', () => {
  it('answers an otpauth URI, the base32 secret and a locally made PNG QR code that reads as that URI', async () => {
    const response = await enroll();
    expect(response.status).toBe(200);
    const { otpauthUri, secret, qrCodeDataUrl, status } = response.body;
    expect(status).toBe('pending');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('WRSAuth');
    expect(decodeURIComponent(uri.pathname)).toContain('ckiplock');
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    // What a phone's camera reads from the picture is the otpauth URI itself.
    const png = PNG.sync.read(Buffer.from(qrCodeDataUrl.split(',')[1], 'base64'));
    const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(read?.data).toBe(otpauthUri);
  });

  it('stores the secret sealed under the server key, never in plain text, and never logs it', async () => {
    const { secret } = (await enroll()).body;
    await confirm(await totpCode(t, secret));
    const rows = await t.server.db.selectFrom('totp_factors').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows[0]?.secret_sealed).toMatch(/^v2\.[0-9a-f]{8}\./);
    const events = await t.server.db.selectFrom('audit_events').select('detail').execute();
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(t.logLines.join('\n')).not.toContain(secret);
  });

  it('is pending, and not offered at sign-in, until confirmed with a code from the app', async () => {
    const { secret } = (await enroll()).body;
    expect((await call(t, 'GET', '/api/v1/me/totp', undefined, bearer(session))).body).toEqual({
      status: 'pending',
      confirmedAt: null,
    });
    expect((await login(t)).body.targets.map((x: { id: string }) => x.id)).toEqual(['sms', 'email']);
    const wrong = await confirm(wrongCode(await totpCode(t, secret)));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_code');
    const right = await confirm(await totpCode(t, secret));
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ status: 'confirmed', confirmedAt: t.clock.now().toISOString() });
  });

  it('refuses a second enrollment while one is confirmed with 409 conflict', async () => {
    await enrolled();
    const again = await enroll();
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
  });

  it('asks for the current password: a wrong one is refused, counted as a failed attempt, and enrolls nothing', async () => {
    const wrong = await enroll('notMyPassword1');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_credentials');
    expect(wrong.body.secret).toBeUndefined();
    expect(await t.server.db.selectFrom('totp_factors').selectAll().execute()).toHaveLength(0);
    const row = await t.server.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('username', '=', 'ckiplock')
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBe(1);
    const missing = await call(t, 'POST', '/api/v1/me/totp', {}, bearer(session));
    expect(missing.status).toBe(400);
  });

  it('answers 404 to confirm without an enrollment', async () => {
    const response = await confirm('123456');
    expect(response.status).toBe(404);
  });
});

describe('signing in with the authenticator app', () => {
  it('lists the target "Authenticator app" once confirmed', async () => {
    await enrolled();
    const response = await login(t);
    expect(response.body.targets).toContainEqual({
      id: 'totp',
      channel: 'totp',
      masked: 'Authenticator app',
    });
  });

  it('accepts the app code at verify with targetId totp, with no send step', async () => {
    const secret = await enrolled();
    const id = await challenge(t);
    const response = await verifyTotp(id, await totpCode(t, secret));
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('authenticated');
    expect(t.twilio.messages).toHaveLength(1); // only the text of the first sign-in
    const events = await t.server.db
      .selectFrom('audit_events')
      .select('detail')
      .where('event_type', '=', 'login_succeeded')
      .execute();
    expect(events.at(-1)?.detail).toContain('"method":"totp"');
  });

  it('refuses to send anything to the authenticator target', async () => {
    await enrolled();
    const response = await t.send(await challenge(t), 'totp');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_target');
  });

  it('accepts a code one step old (phone clock drift) but not two steps old', async () => {
    const secret = await enrolled();
    t.clock.advance(120);
    const stale = await verifyTotp(await challenge(t), await totpCode(t, secret, -2));
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_code');
    const drifted = await verifyTotp(await challenge(t), await totpCode(t, secret, -1));
    expect(drifted.status).toBe(200);
  });

  it('refuses a code used once when it is replayed within its window', async () => {
    const secret = await enrolled();
    const code = await totpCode(t, secret);
    expect((await verifyTotp(await challenge(t), code)).status).toBe(200);
    t.clock.advance(5);
    const replay = await verifyTotp(await challenge(t), code);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 4 });
    t.clock.advance(30);
    expect((await verifyTotp(await challenge(t), await totpCode(t, secret))).status).toBe(200);
  });

  it('refuses the confirming code at sign-in: it counts as used', async () => {
    const { secret } = (await enroll()).body;
    const code = await totpCode(t, secret);
    await confirm(code);
    const response = await verifyTotp(await challenge(t), code);
    expect(response.status).toBe(400);
  });

  it('lets exactly one of two parallel sign-ins use one code', async () => {
    const secret = await enrolled();
    const code = await totpCode(t, secret);
    const [a, b] = [await challenge(t), await challenge(t)];
    const answers = await Promise.all([verifyTotp(a, code), verifyTotp(b, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('counts wrong app codes like wrong sent codes: 5 wrong, then 429 even for the right one', async () => {
    const secret = await enrolled();
    const id = await challenge(t);
    const right = await totpCode(t, secret);
    for (let left = 4; left >= 0; left--) {
      const response = await verifyTotp(id, wrongCode(right));
      expect(response.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: left });
    }
    const late = await verifyTotp(id, right);
    expect(late.status).toBe(429);
    expect(late.body.error).toBe('too_many_attempts');
  });

  it('locks the account after 10 failures in a row, app codes included', async () => {
    const secret = await enrolled();
    for (let round = 0; round < 2; round++) {
      const id = await challenge(t);
      for (let i = 0; i < 5; i++) await verifyTotp(id, wrongCode(await totpCode(t, secret)));
    }
    const locked = await login(t);
    expect(locked.status).toBe(423);
    expect(locked.body.error).toBe('account_locked');
  });

  it('offers the app to a user with no phone or email under a required policy', async () => {
    const secret = await enrolled();
    await t.server.db.updateTable('users').set({ phone: null, email: null }).execute();
    await t.server.services.cli.setPolicy({ mode: 'required' });
    const response = await login(t);
    expect(response.body.targets).toEqual([{ id: 'totp', channel: 'totp', masked: 'Authenticator app' }]);
    expect((await verifyTotp(response.body.challengeId, await totpCode(t, secret))).status).toBe(200);
  });
});

describe('removing the authenticator app', () => {
  it("is removed by an account manager's 2FA reset, so a lost phone can be replaced", async () => {
    const secret = await enrolled();
    await t.server.services.cli.resetTwoFactor('ckiplock');
    const response = await login(t);
    expect(response.body.targets.map((x: { id: string }) => x.id)).toEqual(['sms', 'email']);
    expect((await verifyTotp(response.body.challengeId, await totpCode(t, secret))).status).toBe(400);
    // The reset also ended the user's sessions: they sign in again to set up the new app.
    expect((await enroll()).status).toBe(401);
    session = await staffSession(t);
    expect((await enroll()).status).toBe(200);
  });

  it('needs the current password, then takes the target off the sign-in and its codes stop working; audited', async () => {
    const secret = await enrolled();
    const refused = await removeApp('notMyPassword1');
    expect([refused.status, refused.body.error]).toEqual([400, 'invalid_credentials']);
    expect((await call(t, 'GET', '/api/v1/me/totp', undefined, bearer(session))).body.status).toBe(
      'confirmed',
    );
    const removed = await removeApp();
    expect(removed.status).toBe(204);
    const response = await login(t);
    expect(response.body.targets.map((x: { id: string }) => x.id)).toEqual(['sms', 'email']);
    expect((await verifyTotp(response.body.challengeId, await totpCode(t, secret))).status).toBe(400);
    const types = await t.server.db.selectFrom('audit_events').select('event_type').execute();
    expect(types.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['totp_enrollment_started', 'totp_enrolled', 'totp_removed']),
    );
    expect((await removeApp()).status).toBe(404);
  });
});
