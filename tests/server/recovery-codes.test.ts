/**
 * /api/v1/me/recovery-codes: 10 single-use codes, shown once, stored as HMACs, replaced when regenerated;
 * accepted at verify, each use audited and told to the user's contacts by text and email.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, call, staffSession } from '../support/self-service';
import { challenge, EMAIL, PHONE, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let session: string;
beforeEach(async () => {
  t = await startWithUser();
  session = await staffSession(t);
});
afterEach(() => t.close());

const generate = () => call(t, 'POST', '/api/v1/me/recovery-codes', undefined, bearer(session));
const status = () => call(t, 'GET', '/api/v1/me/recovery-codes', undefined, bearer(session));

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
    const rows = JSON.stringify(
      await t.server.services.db.selectFrom('recovery_codes').selectAll().execute(),
    );
    const events = JSON.stringify(
      await t.server.services.db.selectFrom('audit_events').selectAll().execute(),
    );
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
    const used = await t.server.services.db
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
    await t.server.services.admin.createUser({
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
    const generated = await t.server.services.db
      .selectFrom('audit_events')
      .select('event_type')
      .where('event_type', '=', 'recovery_codes_generated')
      .execute();
    expect(generated).toHaveLength(2);
  });
});
