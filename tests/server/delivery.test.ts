/** Provider failures: a clear delivery_failed in bounded time, bounded retries, and the other channel still works. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeIn } from '../support/smtp-catcher';
import { auditEventsOf, challenge, outboxOf, startWithUser, type TestServer } from '../support/test-server';

/** Nothing is left stuck: every message in the outbox ended sent, delivered or failed, with why. */
const statuses = async (t: TestServer) =>
  (await outboxOf(t)).map((m) => `${m.channel} ${m.status}${m.error_code ? ` ${m.error_code}` : ''}`);

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

describe('SMS provider failures', () => {
  it('answers 502 delivery_failed suggesting email when Twilio keeps answering 500, and email still works', async () => {
    t.twilio.behave({ kind: 'fail', status: 500 });
    const id = await challenge(t);
    const failed = await t.send(id, 'sms');
    expect(failed.status).toBe(502);
    expect(failed.body.error).toBe('delivery_failed');
    expect(failed.body.message).toContain('cki•••wrshealth.com');
    expect(t.twilio.requests).toBe(2);

    const mailed = await t.send(id, 'email');
    expect(mailed.status).toBe(200);
    const verified = await t.post(`/api/v1/auth/challenges/${id}/verify`, {
      code: codeIn(t.smtp.mails[0]?.raw ?? ''),
    });
    expect(verified.status).toBe(200);
    expect(await statuses(t)).toEqual(['sms failed 20500', 'email sent']);
  });

  it('treats a 429 from Twilio as transient and retries it once, and email still works', async () => {
    t.twilio.behave({ kind: 'fail', status: 429 });
    const id = await challenge(t);
    expect((await t.send(id, 'sms')).status).toBe(502);
    expect(t.twilio.requests).toBe(2);
    expect((await t.send(id, 'email')).status).toBe(200);
    expect(await statuses(t)).toEqual(['sms failed 20500', 'email sent']);
  });

  it('never retries a 4xx such as an invalid number', async () => {
    t.twilio.behave({ kind: 'fail', status: 400, code: 21211 });
    const id = await challenge(t);
    const failed = await t.send(id, 'sms');
    expect(failed.status).toBe(502);
    expect(t.twilio.requests).toBe(1);
    expect(await statuses(t)).toEqual(['sms failed 21211']);
  });

  it('lets the user try the same phone again at once after a failure (no cooldown is held)', async () => {
    t.twilio.behave({ kind: 'fail', status: 503 });
    const id = await challenge(t);
    expect((await t.send(id, 'sms')).status).toBe(502);
    t.twilio.behave({ kind: 'accept' });
    expect((await t.send(id, 'sms')).status).toBe(200);
  });

  it('keeps the code delivered earlier valid when a later send fails, and records where that code went', async () => {
    const id = await challenge(t);
    await t.send(id, 'email');
    const code = codeIn(t.smtp.mails[0]?.raw ?? '');
    t.twilio.behave({ kind: 'fail', status: 500 });
    expect((await t.send(id, 'sms')).status).toBe(502);
    expect((await t.post(`/api/v1/auth/challenges/${id}/verify`, { code })).status).toBe(200);
    // The code typed went by email: the failed text message (the latest message sent) did not carry it.
    const [signedIn] = await auditEventsOf(t, 'login_succeeded');
    expect(signedIn?.detail).toMatchObject({ method: 'code', challengeId: id, channel: 'email' });
  });

  it('answers delivery_failed within 12 s when Twilio hangs, and email still works', {
    timeout: 20_000,
  }, async () => {
    t.twilio.behave({ kind: 'hang' });
    const id = await challenge(t);
    const started = process.hrtime.bigint();
    const failed = await t.send(id, 'sms');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(failed.status).toBe(502);
    expect(failed.body.error).toBe('delivery_failed');
    // A contract bound (the issue's 12 s), not a performance target: the timeouts make it ~10 s.
    expect(seconds).toBeLessThan(12);
    expect((await t.send(id, 'email')).status).toBe(200);
    expect(await statuses(t)).toEqual(['sms failed timeout', 'email sent']);
  });
});

describe('email provider failures', () => {
  it('answers 502 delivery_failed suggesting the text message when SMTP refuses permanently, without retrying', async () => {
    t.smtp.behave({ kind: 'reject', responseCode: 550 });
    const id = await challenge(t);
    const failed = await t.send(id, 'email');
    expect(failed.status).toBe(502);
    expect(failed.body.error).toBe('delivery_failed');
    expect(failed.body.message).toContain('••• - ••• - 3816');
    expect((await t.send(id, 'sms')).status).toBe(200);
    expect(await statuses(t)).toEqual(['email failed smtp_550', 'sms sent']);
  });

  it('answers delivery_failed within 12 s when SMTP hangs, and SMS still works', {
    timeout: 20_000,
  }, async () => {
    t.smtp.behave({ kind: 'hang' });
    const id = await challenge(t);
    const started = process.hrtime.bigint();
    const failed = await t.send(id, 'email');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(failed.status).toBe(502);
    expect(seconds).toBeLessThan(12);
    expect((await t.send(id, 'sms')).status).toBe(200);
    expect(await statuses(t)).toEqual(['email failed timeout', 'sms sent']);
  });

  it('records the failure in the audit trail with the masked target only', async () => {
    t.smtp.behave({ kind: 'reject', responseCode: 550 });
    const id = await challenge(t);
    await t.send(id, 'email');
    const events = await t.server.services.cli.auditTrail({ username: 'ckiplock' });
    const failure = events.find((e) => e.event_type === 'code_delivery_failed');
    expect(JSON.parse(failure?.detail ?? '{}')).toMatchObject({
      channel: 'email',
      masked: 'cki•••wrshealth.com',
    });
    expect(failure?.detail).not.toContain('ckiplock@');
  });
});
