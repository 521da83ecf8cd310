/**
 * /api/v1/me/recovery-codes: 10 single-use codes, made only after the current password (a missing or wrong
 * one counted like a failed sign-in), told to the user's contacts, shown once, stored as HMACs, replaced
 * when regenerated; accepted at verify, each use audited and told to the user's contacts by text and email;
 * voided by every recovery action (reset 2FA, a password reset, a temporary password, deactivation).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { adminSession, bearer, call, staffSession, userIdOf } from '../support/self-service';
import {
  auditEventsOf,
  challenge,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
let session: string;
beforeEach(async () => {
  t = await startWithUser();
  session = await staffSession(t);
});
afterEach(() => t.close());

const post = (body?: unknown, token = session) =>
  call(t, 'POST', '/api/v1/me/recovery-codes', body, bearer(token));
const generate = () => post({ currentPassword: PASSWORD });
const status = () => call(t, 'GET', '/api/v1/me/recovery-codes', undefined, bearer(session));

/** Makes codes and waits for the notice to the contacts, so a later text's code is read, not the notice. */
async function madeCodes(token = session): Promise<string[]> {
  const response = await post({ currentPassword: PASSWORD }, token);
  expect(response.status).toBe(200);
  await t.server.services.notices.settled();
  return response.body.codes;
}

async function failedAttempts(): Promise<number> {
  const row = await t.server.db
    .selectFrom('users')
    .select('failed_attempts')
    .where('username', '=', 'ckiplock')
    .executeTakeFirstOrThrow();
  return row.failed_attempts;
}

const auditOf = (type: string) => auditEventsOf(t, type);

/** The stored codes (HMACs) of a user, used or not. */
async function storedCodesOf(username: string) {
  return t.server.db
    .selectFrom('recovery_codes')
    .select('id')
    .where('user_id', '=', await userIdOf(t, username))
    .execute();
}

describe('generating recovery codes asks for the current password', () => {
  it('refuses the old POST with no password (no body, or an empty one) with 400 invalid_credentials, making no codes', async () => {
    for (const body of [undefined, {}, { currentPassword: '' }]) {
      const refused = await post(body);
      expect([refused.status, refused.body.error]).toEqual([400, 'invalid_credentials']);
      expect(refused.body.codes).toBeUndefined();
    }
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    expect((await status()).body).toEqual({ remaining: 0, generatedAt: null });
  });

  it('refuses a wrong password with 400 invalid_credentials, counts a failed attempt and keeps the codes made before', async () => {
    const [kept] = await madeCodes();
    const wrong = await post({ currentPassword: 'FRONTDESK2026' });
    expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_credentials']);
    expect(wrong.body.codes).toBeUndefined();
    expect(await failedAttempts()).toBe(1);
    expect(await auditOf('password_recheck_failed')).toMatchObject([{ detail: { failedAttempts: 1 } }]);
    expect((await status()).body.remaining).toBe(10);
    expect((await t.verify(await challenge(t), kept ?? '')).status).toBe(200);
  });

  it('counts wrong and missing passwords toward the lock like failed sign-ins: the tenth in a row locks the account', async () => {
    for (let i = 0; i < 4; i++) expect((await login(t, 'ckiplock', 'wrongPass1')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await post({ currentPassword: 'wrongPass1' })).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await post({})).status).toBe(400);
    expect(await failedAttempts()).toBe(9);
    expect((await post(undefined)).status).toBe(400);
    const signIn = await login(t);
    expect([signIn.status, signIn.body.error]).toEqual([423, 'account_locked']);
    const locked = await post({ currentPassword: PASSWORD });
    expect([locked.status, locked.body.error]).toEqual([423, 'account_locked']);
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    expect(await auditOf('account_locked')).toHaveLength(1);
  });

  it("tells the user's phone and email that codes were made, with no code in the notice", async () => {
    const [mails, texts] = [t.smtp.mails.length, t.twilio.messages.length];
    const codes = await madeCodes();
    const sentTexts = t.twilio.messages.slice(texts);
    const sentMails = t.smtp.mails.slice(mails);
    expect(sentTexts.map((m) => m.to)).toEqual([PHONE]);
    expect(sentMails.map((m) => m.to)).toEqual([[EMAIL]]);
    expect(sentTexts[0]?.body).toMatch(/^New recovery codes were just made for your WRSAuth account/);
    expect(sentMails[0]?.raw).toMatch(/New WRSAuth recovery codes were made/);
    for (const code of codes) {
      for (const form of [code, code.replace('-', '')]) {
        expect(sentTexts[0]?.body).not.toContain(form);
        expect(sentMails[0]?.raw).not.toContain(form);
      }
    }
    const outbox = await t.server.db
      .selectFrom('outbox')
      .select(['channel', 'masked_target', 'status'])
      .where('challenge_id', 'is', null)
      .orderBy('channel')
      .execute();
    expect(outbox).toEqual([
      { channel: 'email', masked_target: 'cki•••wrshealth.com', status: 'sent' },
      { channel: 'sms', masked_target: '••• - ••• - 3816', status: 'sent' },
    ]);
  });
});

describe('generating recovery codes', () => {
  it('makes 10 distinct codes, shown once; afterwards only the count is shown', async () => {
    const response = await generate();
    expect(response.status).toBe(200);
    const codes: string[] = response.body.codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);
    const later = await status();
    expect(later.body).toEqual({ remaining: 10, generatedAt: t.clock.now().toISOString() });
    expect(JSON.stringify(later.body)).not.toContain(codes[0]);
  });

  it('stores only HMACs: no code, with or without its dash, is in the database or the log', async () => {
    const codes: string[] = (await generate()).body.codes;
    const rows = JSON.stringify(await t.server.db.selectFrom('recovery_codes').selectAll().execute());
    const events = JSON.stringify(await t.server.db.selectFrom('audit_events').selectAll().execute());
    for (const code of codes) {
      for (const form of [code, code.replace('-', '')]) {
        expect(rows).not.toContain(form);
        expect(events).not.toContain(form);
        expect(t.logLines.join('\n')).not.toContain(form);
      }
    }
  });

  it('answers remaining 0 before any are made', async () => {
    expect((await status()).body).toEqual({ remaining: 0, generatedAt: null });
  });
});

describe('signing in with a recovery code', () => {
  it('accepts a recovery code at verify instead of a sent code, typed in lower case without the dash', async () => {
    const [code] = (await generate()).body.codes as string[];
    const id = await challenge(t);
    const response = await t.verify(id, code?.replace('-', '').toLowerCase() ?? '');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('authenticated');
    expect((await status()).body.remaining).toBe(9);
  });

  it('audits each use with the codes left, and tells the user by text and by email', async () => {
    const [code] = (await generate()).body.codes as string[];
    expect((await t.verify(await challenge(t), code ?? '')).status).toBe(200);
    const used = await t.server.db
      .selectFrom('audit_events')
      .select(['detail', 'username'])
      .where('event_type', '=', 'recovery_code_used')
      .execute();
    expect(used).toEqual([{ detail: JSON.stringify({ remaining: 9 }), username: 'ckiplock' }]);
    await t.server.services.notices.settled();
    const text = t.twilio.messages.at(-1);
    expect(text?.to).toBe(PHONE);
    expect(text?.body).toMatch(/recovery code was just used/);
    expect(text?.body).not.toContain(code);
    const mail = t.smtp.mails.at(-1);
    expect(mail?.to).toEqual([EMAIL]);
    expect(mail?.raw).toMatch(/recovery code was just used/);
  });

  it('refuses a recovery code the second time, and the refusal costs an attempt', async () => {
    const [code] = (await generate()).body.codes as string[];
    expect((await t.verify(await challenge(t), code ?? '')).status).toBe(200);
    const again = await t.verify(await challenge(t), code ?? '');
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 4 });
  });

  it("refuses another user's recovery code, which its owner can still use", async () => {
    const [code] = (await generate()).body.codes as string[];
    await t.server.services.cli.createUser({
      username: 'other',
      password: 'frontDesk2026',
      phone: '+12025550188',
    });
    const response = await t.post('/api/v1/auth/login', { username: 'other', password: 'frontDesk2026' });
    const refused = await t.verify(response.body.challengeId, code ?? '');
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    const owner = await t.verify(await challenge(t), code ?? '');
    expect(owner).toMatchObject({ status: 200, body: { status: 'authenticated' } });
  });

  it('lets exactly one of two parallel sign-ins use one code', async () => {
    const [code] = (await generate()).body.codes as string[];
    const [a, b] = [await challenge(t), await challenge(t)];
    const answers = await Promise.all([t.verify(a, code ?? ''), t.verify(b, code ?? '')]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await status()).body.remaining).toBe(9);
  });

  it('regenerating replaces the codes: an old one stops working, a new one works; audited', async () => {
    const [old] = (await generate()).body.codes as string[];
    t.clock.advance(60);
    const [fresh] = (await generate()).body.codes as string[];
    expect((await status()).body).toEqual({ remaining: 10, generatedAt: t.clock.now().toISOString() });
    expect((await t.verify(await challenge(t), old ?? '')).status).toBe(400);
    expect((await t.verify(await challenge(t), fresh ?? '')).status).toBe(200);
    const generated = await t.server.db
      .selectFrom('audit_events')
      .select('event_type')
      .where('event_type', '=', 'recovery_codes_generated')
      .execute();
    expect(generated).toHaveLength(2);
  });
});

describe('every recovery action voids the codes made before', () => {
  let manager: string;
  beforeEach(async () => {
    manager = await adminSession(t);
  });
  const asManager = (method: string, path: string, body?: unknown) =>
    call(t, method, `/api/v1/admin${path}`, body, bearer(manager));

  /** None of `codes` signs in any more (with `password`, the user's password by then), and none is stored. */
  async function expectVoided(codes: string[], password = PASSWORD) {
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    for (const code of codes.slice(0, 2)) {
      const id = (await login(t, 'ckiplock', password)).body.challengeId;
      expect(await t.verify(id, code)).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    }
  }

  it('reset 2FA voids them: a code made before no longer signs in; the audit holds the count, never a code', async () => {
    const codes = await madeCodes();
    const id = await userIdOf(t, 'ckiplock');
    expect(
      (await asManager('POST', `/users/${id}/reset-2fa`, { reason: 'Lost phone', currentPassword: PASSWORD }))
        .status,
    ).toBe(200);
    await expectVoided(codes);
    const [event] = await auditOf('two_factor_reset');
    expect(event?.detail).toMatchObject({ voidedRecoveryCodes: 10, by: 'manager', reason: 'Lost phone' });
    for (const code of codes) expect(JSON.stringify(event)).not.toContain(code);
  });

  it("reset 2FA ends the user's open sessions: GET /api/v1/me with an old token answers 401", async () => {
    expect((await t.get('/api/v1/me', bearer(session))).status).toBe(200);
    const id = await userIdOf(t, 'ckiplock');
    expect(
      (await asManager('POST', `/users/${id}/reset-2fa`, { reason: 'Lost phone', currentPassword: PASSWORD }))
        .status,
    ).toBe(200);
    expect((await t.get('/api/v1/me', bearer(session))).status).toBe(401);
    expect((await status()).status).toBe(401);
    const [event] = await auditOf('two_factor_reset');
    expect(event?.detail).toMatchObject({ revokedSessions: 1 });
    await t.server.services.notices.settled();
    expect(t.smtp.mails.at(-1)?.raw).toMatch(/sessions and remembered workstations were signed out/);
  });

  it("voids only that user's codes: another user's still sign in", async () => {
    await t.server.services.cli.createUser({
      username: 'other',
      password: PASSWORD,
      phone: '+12025550188',
    });
    const [othersCode] = await madeCodes(await staffSession(t, 'other'));
    await madeCodes();
    const id = await userIdOf(t, 'ckiplock');
    expect(
      (await asManager('POST', `/users/${id}/reset-2fa`, { reason: 'Lost phone', currentPassword: PASSWORD }))
        .status,
    ).toBe(200);
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    expect(await storedCodesOf('other')).toHaveLength(10);
    const otherSignIn = (await login(t, 'other')).body.challengeId;
    expect((await t.verify(otherSignIn, othersCode ?? '')).status).toBe(200);
  });

  it('a password reset voids them', async () => {
    const codes = await madeCodes();
    // The notice of the codes just made must not pass for a reset code.
    await t.server.services.notices.settled();
    const reset = '/api/v1/auth/password-reset';
    const resetId = (await t.post(reset, { username: 'ckiplock' })).body.resetId;
    // Phone and email on file: the reset needs both.
    expect((await t.post(`${reset}/${resetId}/send`, { targetId: 'sms' })).status).toBe(200);
    const first = await t.post(`${reset}/${resetId}/verify`, { code: t.lastSmsCode() });
    expect(first.body.status).toBe('second_factor_required');
    expect((await t.post(`${reset}/${resetId}/send`, { targetId: 'email' })).status).toBe(200);
    const second = await t.post(`${reset}/${resetId}/verify`, { code: t.lastMailCode() });
    expect(second.body.status).toBe('verified');
    expect((await t.post(`${reset}/${resetId}/password`, { password: 'newDesk2027' })).status).toBe(204);
    await expectVoided(codes, 'newDesk2027');
    const [event] = await auditOf('password_reset_completed');
    expect(event?.detail).toMatchObject({ voidedRecoveryCodes: 10, revokedSessions: 1 });
  });

  it('a temporary password from the console voids them', async () => {
    const codes = await madeCodes();
    const id = await userIdOf(t, 'ckiplock');
    const body = { password: 'Again2026x', reason: 'Forgot password', currentPassword: PASSWORD };
    expect((await asManager('POST', `/users/${id}/temporary-password`, body)).status).toBe(200);
    await expectVoided(codes, 'Again2026x');
    const [event] = await auditOf('temporary_password_set');
    expect(event?.detail).toMatchObject({ voidedRecoveryCodes: 10, by: 'manager' });
  });

  it('deactivation voids them, and reactivating does not bring them back', async () => {
    const codes = await madeCodes();
    const id = await userIdOf(t, 'ckiplock');
    const off = await asManager('PATCH', `/users/${id}`, { active: false, reason: 'Left the practice' });
    expect(off.status).toBe(200);
    const on = await asManager('PATCH', `/users/${id}`, { active: true, reason: 'Came back' });
    expect(on.status).toBe(200);
    await expectVoided(codes);
    const [event] = await auditOf('user_deactivated');
    expect(event?.detail).toMatchObject({ voidedRecoveryCodes: 10, by: 'manager' });
  });

  it("the CLI's reset-2fa, deactivate and temporary-password void them too", async () => {
    const { cli, userAccounts } = t.server.services;
    await madeCodes();
    await cli.resetTwoFactor('ckiplock', 'Lost phone');
    expect(await storedCodesOf('ckiplock')).toEqual([]);

    session = await staffSession(t);
    await madeCodes();
    await cli.deactivate('ckiplock', 'Left the practice');
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    await userAccounts.update('cli', await userIdOf(t, 'ckiplock'), { active: true }, CLI_CONTEXT);

    session = await staffSession(t);
    await madeCodes();
    await cli.setTemporaryPassword('ckiplock', 'Again2026x', 'Forgot password');
    expect(await storedCodesOf('ckiplock')).toEqual([]);
    const events = await auditOf('temporary_password_set');
    expect(events.map((e) => e.detail.voidedRecoveryCodes)).toEqual([10]);
  });
});
