/** No code, password, token or full contact in logs or the audit trail when real providers are configured. */
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
      { password: 'hunter22a', nested: { code: '123456', deviceToken: 'tok' }, phone: PHONE },
      'probe',
    );
    const line = t.logLines.find((l) => l.includes('"probe"')) ?? '';
    expect(line).toContain('[redacted]');
    for (const secret of ['hunter22a', '123456', '"tok"', PHONE]) expect(line).not.toContain(secret);
  });

  it('keeps no code, password, token or full contact in the audit trail', async () => {
    const secrets = await walkEveryStep();
    const events = await t.server.services.admin.auditTrail({ limit: 1000 });
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
    const db = t.server.services.db;
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
    const [event] = await t.server.services.admin.auditTrail({ username: 'ckiplock', limit: 1 });
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

describe('dev outbox', () => {
  it('with no provider configured, puts the message in the data dir outbox and one DEV log line', async () => {
    await t.close();
    t = await startTestServer({ withProviders: false });
    await createUser(t);
    const id = await challenge(t);
    await t.send(id, 'sms');
    const fs = await import('node:fs');
    const lines = fs.readFileSync(`${t.dataDir}/dev-outbox.jsonl`, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ channel: 'sms', to: PHONE });
    const code = codeIn(entry.text);
    expect(t.logLines.filter((l) => l.includes('DEV') && l.includes(code))).toHaveLength(1);
    expect(fs.statSync(`${t.dataDir}/dev-outbox.jsonl`).mode & 0o777).toBe(0o600);
    expect((await t.post(`/api/v1/auth/challenges/${id}/verify`, { code })).status).toBe(200);
  });
});
