/**
 * GET /readyz: whether an instance can sign people in. It reports the database, each code channel's provider
 * and the outcome of its last message, from configuration and the outbox alone, never calling a provider.
 * GET /healthz stays the plain database check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { challenge, EMAIL, PHONE, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /readyz with Twilio and SMTP configured', () => {
  it('answers 200 ready, naming each provider, with no delivery yet', async () => {
    t = await startWithUser();

    const response = await t.get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ready',
      database: 'ok',
      channels: {
        sms: { provider: 'twilio', allowed: true, lastDelivery: null },
        email: { provider: 'smtp', allowed: true, lastDelivery: null },
      },
      reasons: [],
    });
  });

  it('reports the last message of each channel, status and time only: no contact, no code', async () => {
    t = await startWithUser();
    await t.send(await challenge(t), 'sms');
    t.smtp.behave({ kind: 'reject', responseCode: 550 });
    await t.send(await challenge(t), 'email');

    const response = await t.get('/readyz');

    // A failed message is reported, not judged: one bad address must not take every instance out of the
    // load balancer.
    expect(response.status).toBe(200);
    expect(response.body.channels.sms.lastDelivery).toEqual({
      status: 'sent',
      at: t.clock.now().toISOString(),
      errorCode: null,
    });
    expect(response.body.channels.email.lastDelivery).toEqual({
      status: 'failed',
      at: t.clock.now().toISOString(),
      errorCode: 'smtp_550',
    });
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(PHONE.slice(-4));
    expect(text).not.toContain(EMAIL.split('@')[0]);
    expect(text).not.toContain(t.lastSmsCode());
  });

  it('calls no provider, however often it is asked', async () => {
    t = await startWithUser();
    await t.send(await challenge(t), 'sms');
    const [texts, mails] = [t.twilio.requests, t.smtp.mails.length];

    for (let i = 0; i < 5; i += 1) expect((await t.get('/readyz')).status).toBe(200);

    expect([t.twilio.requests, t.smtp.mails.length]).toEqual([texts, mails]);
  });

  it('answers 503 not_ready, with the reason, when the database does not answer; /healthz says 503 too', async () => {
    t = await startWithUser();
    await t.server.db.destroy();

    const response = await t.get('/readyz');

    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: 'not_ready',
      database: 'unavailable',
      channels: null,
      reasons: ['the database does not answer'],
    });
    expect((await t.get('/healthz')).status).toBe(503);
    expect(t.logLines.some((line) => line.includes('readiness check: database did not answer'))).toBe(true);
  });
});

describe('GET /readyz with a channel on the dev outbox (WRSAUTH_DEV_OUTBOX=1)', () => {
  it('stays 200 ready, since the dev outbox was switched on on purpose, and names it as the provider', async () => {
    t = await startWithUser({ withProviders: false });

    const response = await t.get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body.channels).toMatchObject({
      sms: { provider: 'dev_outbox', allowed: true },
      email: { provider: 'dev_outbox', allowed: true },
    });
  });

  it('says which channels the practice allows, beside their providers', async () => {
    t = await startWithUser({
      withProviders: false,
      env: {
        WRSAUTH_SMTP_URL: 'smtp://127.0.0.1:1',
        WRSAUTH_MAIL_FROM: 'WRSAuth <no-reply@practice.example>',
      },
    });
    await t.server.db.updateTable('practices').set({ allowed_factors: 'email,totp' }).execute();

    const response = await t.get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body.channels).toMatchObject({
      sms: { provider: 'dev_outbox', allowed: false },
      email: { provider: 'smtp', allowed: true },
    });
  });
});

describe('GET /readyz in the API contract', () => {
  it('is in the OpenAPI document beside /healthz, with its 200 and 503 answers', async () => {
    t = await startWithUser();

    const paths = (await t.get('/api/v1/openapi.json')).body.paths;

    expect(paths['/healthz']).toBeDefined();
    expect(Object.keys(paths['/readyz'].get.responses).sort()).toEqual(['200', '503']);
  });
});
