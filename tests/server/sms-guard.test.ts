/**
 * SMS pumping guard: a practice-wide cap on texts an hour and an optional list of country calling codes,
 * each answered with 429 and an audit event, while email keeps working.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { challenge, createUser, startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(() => t.close());

async function auditCount(type: string): Promise<number> {
  const rows = await t.server.db
    .selectFrom('audit_events')
    .select('id')
    .where('event_type', '=', type)
    .execute();
  return rows.length;
}

/** Users with their own phone and email, so the per-contact cooldown never gets in the way. */
async function staff(count: number, phoneOf: (i: number) => string = (i) => `+1202555014${i}`) {
  for (let i = 0; i < count; i++) {
    await createUser(t, { username: `staff${i}`, phone: phoneOf(i), email: `staff${i}@wrshealth.com` });
  }
}

describe('SMS pumping guard', () => {
  it('caps texts practice-wide per hour: past --sms-per-hour a text gets 429 until the hour is over', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', smsPerHour: 2 });
    await staff(3);

    for (const i of [0, 1]) expect((await t.send(await challenge(t, `staff${i}`), 'sms')).status).toBe(200);
    t.clock.set(
      new Date(Math.floor(t.clock.now().getTime() / 3_600_000) * 3_600_000 + 3_599_000).toISOString(),
    );
    const refused = await t.send(await challenge(t, 'staff2'), 'sms');

    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.retryAfter).toBe(1);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(t.twilio.requests).toBe(2);
    expect(await auditCount('sms_limit_reached')).toBe(1);

    t.clock.advance(1);
    expect((await t.send(await challenge(t, 'staff2'), 'sms')).status).toBe(200);
  });

  it('still sends email when the text cap is reached, and audits the cap once, not per refused text', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', smsPerHour: 0 });
    await staff(2);

    const id = await challenge(t, 'staff0');
    expect((await t.send(id, 'sms')).status).toBe(429);
    expect((await t.send(await challenge(t, 'staff1'), 'sms')).status).toBe(429);
    expect((await t.send(id, 'email')).status).toBe(200);
    expect(await auditCount('sms_limit_reached')).toBe(1);
  });

  it('refuses texts outside --sms-countries with 429 sms_country_blocked, suggesting email', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', smsCountries: '1' });
    await staff(1, () => '+442079460958');

    const id = await challenge(t, 'staff0');
    const refused = await t.send(id, 'sms');

    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'sms_country_blocked' });
    expect(refused.body.message).toMatch(/Choose email/);
    expect(t.twilio.requests).toBe(0);
    expect(await auditCount('sms_country_blocked')).toBe(1);
    expect((await t.send(id, 'email')).status).toBe(200);
  });

  it('sends texts to an allowed country calling code', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', smsCountries: '44, 1' });
    await staff(1);

    expect((await t.send(await challenge(t, 'staff0'), 'sms')).status).toBe(200);
  });
});
