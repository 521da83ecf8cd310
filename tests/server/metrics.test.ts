/** GET /metrics: Prometheus text with the counters operators need, no secrets, and not open to the world. */
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../server/repositories/audit';
import { challenge, login, startWithUser, type TestServer, wrongCode } from '../support/test-server';

let t: TestServer;
afterEach(() => t.close());

async function scrape(headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${t.url}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
}

/** The value of one series, e.g. `wrsauth_lockouts_total` or `wrsauth_codes_sent_total{channel="sms",…}`. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts codes sent by channel, verify outcomes and request durations by route template', async () => {
    t = await startWithUser();
    const id = await challenge(t);
    await t.send(id, 'sms');
    const code = t.lastSmsCode();
    await t.verify(id, wrongCode(code));
    await t.verify(id, code);

    const { status, text } = await scrape();

    expect(status).toBe(200);
    expect(seriesValue(text, 'wrsauth_codes_sent_total{channel="sms",status="sent"}')).toBe(1);
    expect(seriesValue(text, 'wrsauth_verify_outcomes_total{outcome="invalid_code"}')).toBe(1);
    expect(seriesValue(text, 'wrsauth_verify_outcomes_total{outcome="authenticated"}')).toBe(1);
    expect(seriesValue(text, 'wrsauth_verify_outcomes_total{outcome="too_many_attempts"}')).toBe(0);
    expect(
      seriesValue(
        text,
        'wrsauth_http_request_duration_seconds_count{route="/api/v1/auth/challenges/:id/verify",method="POST",status_code="400"}',
      ),
    ).toBe(1);
    expect(seriesValue(text, 'wrsauth_password_hash_queue_depth')).toBe(0);
    expect(text).toContain('wrsauth_process_resident_memory_bytes');
    // The challenge id is in the URL; only the template may reach a label.
    expect(text).not.toContain(id);
  });

  it('counts a failed delivery apart from a sent one', async () => {
    t = await startWithUser();
    t.twilio.behave({ kind: 'fail', status: 500 });
    await t.send(await challenge(t), 'sms');

    const { text } = await scrape();

    expect(seriesValue(text, 'wrsauth_codes_sent_total{channel="sms",status="failed"}')).toBe(1);
    expect(seriesValue(text, 'wrsauth_codes_sent_total{channel="sms",status="sent"}')).toBeUndefined();
  });

  it('counts a lockout after 10 consecutive wrong passwords', async () => {
    t = await startWithUser();
    expect(seriesValue((await scrape()).text, 'wrsauth_lockouts_total')).toBe(0);
    for (let i = 0; i < 10; i += 1) await login(t, 'ckiplock', 'wrongPassword1');

    expect(seriesValue((await scrape()).text, 'wrsauth_lockouts_total')).toBe(1);
  });

  it('counts and logs an audit event only once its transaction commits, never one that rolled back', async () => {
    t = await startWithUser();
    const { db } = t.server;
    const { audit } = t.server.services;
    const context = { ip: '127.0.0.1', userAgent: 'metrics-test' };
    const lockout = { type: 'account_locked', username: 'rolled.back' } as const;
    const logged = () => t.logLines.filter((line) => line.includes('"audit":"account_locked"')).length;
    const stored = async () => (await listAuditEvents(db, { username: 'rolled.back', limit: 10 })).length;

    await expect(
      audit.transaction(async (tx) => {
        await audit.record(context, lockout, tx);
        throw new Error('the rest of the work failed');
      }),
    ).rejects.toThrow('the rest of the work failed');

    expect(await stored()).toBe(0);
    expect(logged()).toBe(0);
    expect(seriesValue((await scrape()).text, 'wrsauth_lockouts_total')).toBe(0);

    let loggedBeforeCommit = -1;
    await audit.transaction(async (tx) => {
      await audit.record(context, lockout, tx);
      loggedBeforeCommit = logged();
    });

    expect(loggedBeforeCommit).toBe(0);
    expect(await stored()).toBe(1);
    expect(logged()).toBe(1);
    expect(seriesValue((await scrape()).text, 'wrsauth_lockouts_total')).toBe(1);
  });

  it('files every unknown path under one "unmatched" route, so random URLs cannot grow the series', async () => {
    t = await startWithUser();
    for (const path of ['/api/v1/nope-1', '/api/v1/nope-2', '/wp-admin']) await t.get(path);

    const { text } = await scrape();

    expect(
      seriesValue(
        text,
        'wrsauth_http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"}',
      ),
    ).toBe(3);
    expect(text).not.toMatch(/nope-|wp-admin/);
  });

  it('refuses a request forwarded by a proxy when no metrics token is set', async () => {
    t = await startWithUser();

    const forwarded = await scrape({ 'x-forwarded-for': '203.0.113.9' });

    expect(forwarded.status).toBe(403);
    expect(JSON.parse(forwarded.text)).toMatchObject({ error: 'forbidden' });
  });

  it('with WRSAUTH_METRICS_TOKEN, answers only that bearer token', async () => {
    const token = 'metrics-token-0123456789abcdef0123456789';
    t = await startWithUser({ env: { WRSAUTH_METRICS_TOKEN: token } });

    expect((await scrape()).status).toBe(403);
    expect((await scrape({ authorization: `Bearer ${token}x` })).status).toBe(403);
    const allowed = await scrape({ authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('wrsauth_lockouts_total');
  });
});
