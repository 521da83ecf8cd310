/**
 * No code, password, token or full contact in logs or the audit trail, with real providers and with the dev
 * outbox alike: the dev outbox file is the one place a code is ever written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeIn } from '../support/smtp-catcher';
import {
  challenge,
  createUser,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
  startTestServer,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

async function walkEveryStep() {
  const secrets: string[] = [PASSWORD, PHONE, EMAIL, 'wrongPassword9'];
  await login(t, 'ckiplock', 'wrongPassword9');
  const id = await challenge(t);
  await t.send(id, 'sms');
  secrets.push(t.lastSmsCode());
  t.clock.advance(31);
  await t.send(id, 'email');
  const code = t.lastMailCode();
  secrets.push(code);
  await t.post(`/api/v1/auth/challenges/${id}/verify`, { code: code === '000000' ? '111111' : '000000' });
  const verified = await t.post(`/api/v1/auth/challenges/${id}/verify`, { code, rememberDevice: true });
  // The walk must reach the tokens: an undefined one would make `not.toContain` below pass for nothing.
  expect(verified.status).toBe(200);
  const { sessionToken, deviceToken } = verified.body;
  expect(sessionToken).toEqual(expect.any(String));
  expect(deviceToken).toEqual(expect.any(String));
  secrets.push(sessionToken, deviceToken);
  await login(t, 'ckiplock', PASSWORD, { deviceToken });
  await t.get('/api/v1/me', { authorization: `Bearer ${sessionToken}` });
  await t.post('/api/v1/auth/logout', undefined, { authorization: `Bearer ${sessionToken}` });
  for (const secret of secrets) expect(secret, 'every secret of the walk is a real value').toMatch(/\S{6,}/);
  return secrets;
}

describe('secrets stay out of records', () => {
  it('writes no code, password, token or full contact to the logs with real providers', async () => {
    const secrets = await walkEveryStep();
    const logs = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(logs).not.toContain('DEV');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('redacts secrets passed to the logger by key, wherever they sit', () => {
    const log = t.server.app.log;
    log.info(
      {
        password: 'hunter22a',
        nested: { code: '123456', deviceToken: 'tok' },
        phone: PHONE,
        message: { to: EMAIL, text: 'Your WRSAuth verification code is 654321.' },
      },
      'probe',
    );
    const line = t.logLines.find((l) => l.includes('"probe"')) ?? '';
    expect(line).toContain('[redacted]');
    for (const secret of ['hunter22a', '123456', '"tok"', PHONE, EMAIL, '654321']) {
      expect(line).not.toContain(secret);
    }
  });

  it("redacts a secret-named key in an audit event's detail on its log line, not in the trail", async () => {
    // The audit line has its own logger (logger.ts auditLogger): its redaction must still cover the detail.
    await t.server.services.audit.transaction((tx) =>
      t.server.services.audit.record(
        { ip: '127.0.0.1', userAgent: null },
        { type: 'audit_exported', detail: { code: '482913', to: '2026-12-31', rows: 3 } },
        tx,
      ),
    );
    const line = t.logLines.find((l) => l.includes('"audit":"audit_exported"')) ?? '';
    expect(JSON.parse(line).detail).toEqual({ code: '[redacted]', to: '[redacted]', rows: 3 });
    const [event] = await t.server.services.cli.auditTrail({ type: 'audit_exported', limit: 1 });
    expect(JSON.parse(event?.detail ?? '')).toEqual({ code: '482913', to: '2026-12-31', rows: 3 });
  });

  it('keeps no code, password, token or full contact in the audit trail', async () => {
    const secrets = await walkEveryStep();
    const events = await t.server.services.cli.auditTrail({ limit: 1000 });
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining([
        'login_failed',
        'challenge_created',
        'code_sent',
        'code_invalid',
        'login_succeeded',
      ]),
    );
    const trail = JSON.stringify(events);
    for (const secret of secrets) expect(trail).not.toContain(secret);
  });

  it('keeps the audit trail append-only: the database refuses UPDATE and DELETE', async () => {
    await login(t, 'nobody', 'whatever1');
    const db = t.server.db;
    await expect(db.updateTable('audit_events').set({ event_type: 'tampered' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
  });

  it('records time, user, IP, user agent, event type and detail for each event', async () => {
    await t.post(
      '/api/v1/auth/login',
      { username: 'ckiplock', password: 'nope1234' },
      { 'user-agent': 'FrontDesk/1.0' },
    );
    const [event] = await t.server.services.cli.auditTrail({ username: 'ckiplock', limit: 1 });
    expect(event).toMatchObject({
      event_type: 'login_failed',
      username: 'ckiplock',
      ip: '127.0.0.1',
      user_agent: 'FrontDesk/1.0',
      at: t.clock.now().toISOString(),
    });
    expect(JSON.parse(event?.detail ?? '')).toEqual({ reason: 'wrong_password' });
  });
});

describe('dev outbox (WRSAUTH_DEV_OUTBOX=1, no provider)', () => {
  const outboxEntries = async (dataDir: string) => {
    const fs = await import('node:fs');
    return fs
      .readFileSync(`${dataDir}/dev-outbox.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { channel: string; to: string; text: string });
  };

  it('puts the code and the full contact in the dev outbox file (mode 0600), and the code verifies', async () => {
    await t.close();
    t = await startTestServer({ withProviders: false });
    await createUser(t);
    const id = await challenge(t);
    await t.send(id, 'sms');
    const fs = await import('node:fs');
    const [entry, ...more] = await outboxEntries(t.dataDir);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ channel: 'sms', to: PHONE });
    expect(fs.statSync(`${t.dataDir}/dev-outbox.jsonl`).mode & 0o777).toBe(0o600);
    expect(
      (await t.post(`/api/v1/auth/challenges/${id}/verify`, { code: codeIn(entry?.text ?? '') })).status,
    ).toBe(200);
  });

  it('logs that a message went to the dev outbox with the masked target only: no code, full number or address in any log line', async () => {
    await t.close();
    t = await startTestServer({ withProviders: false });
    await createUser(t);
    await login(t, 'ckiplock', 'wrongPassword9');
    const id = await challenge(t);
    expect((await t.send(id, 'sms')).status).toBe(200);
    t.clock.advance(31);
    expect((await t.send(id, 'email')).status).toBe(200);
    const [sms, email] = await outboxEntries(t.dataDir);
    const codes = [codeIn(sms?.text ?? ''), codeIn(email?.text ?? '')];
    expect((await t.verify(id, codes[1] as string)).status).toBe(200);

    const dev = t.logLines.filter((line) => line.includes('written to the dev outbox'));
    expect(dev.map((line) => JSON.parse(line).msg)).toEqual([
      'DEV sms to ••• - ••• - 3816: written to the dev outbox',
      'DEV email to cki•••wrshealth.com: written to the dev outbox',
    ]);
    const logs = t.logLines.join('\n');
    for (const secret of [...codes, PHONE, EMAIL, sms?.text ?? '', email?.text ?? '']) {
      expect(secret, 'each secret is a real value').toMatch(/\S{6,}/);
      expect(logs).not.toContain(secret);
    }
  });
});
