/**
 * Nobody can drain the practice's texts or bomb a phone: code sends are limited per client address
 * (WRSAUTH_SEND_LIMIT_PER_HOUR), per contact (10 in any 24 hours, over every flow), and password-reset texts
 * to a quarter of the practice's hourly budget, so sign-in keeps the rest. A decoy reset meets each limit as
 * a real one does and answers alike. The client address is set through a trusted proxy (this test, on
 * 127.0.0.1), so each test can speak for several workstations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, call, secondFactorSession } from '../support/self-service';
import {
  auditEventsOf,
  createUser,
  type JsonResponse,
  PASSWORD,
  PHONE,
  startTestServer,
  type TestServer,
} from '../support/test-server';

const RESET = '/api/v1/auth/password-reset';
const DAY = 24 * 3600;

let t: TestServer;
afterEach(() => t.close());

async function serve(env: Record<string, string> = {}) {
  t = await startTestServer({ env: { WRSAUTH_TRUST_PROXY: '127.0.0.1', ...env } });
  await createUser(t);
}

/** A client at one address, as the proxy reports it. */
function clientAt(ip: string) {
  const from = { 'x-forwarded-for': ip };
  return {
    async challenge(username = 'ckiplock'): Promise<string> {
      const answer = await t.post('/api/v1/auth/login', { username, password: PASSWORD }, from);
      if (answer.body?.status !== 'challenge')
        throw new Error(`no challenge: ${JSON.stringify(answer.body)}`);
      return answer.body.challengeId;
    },
    send: (challengeId: string, targetId: string) =>
      t.post(`/api/v1/auth/challenges/${challengeId}/send`, { targetId }, from),
    async reset(username: string): Promise<string> {
      return (await t.post(RESET, { username }, from)).body.resetId;
    },
    resetSend: (resetId: string, targetId: string) => t.post(`${RESET}/${resetId}/send`, { targetId }, from),
    resetVerify: (resetId: string, code: string) => t.post(`${RESET}/${resetId}/verify`, { code }, from),
  };
}

/** What a client sees of a refusal: status, body and Retry-After. */
const seen = (answer: JsonResponse) => ({
  status: answer.status,
  body: answer.body,
  retryAfter: answer.headers.get('retry-after'),
});

/** Seconds from the test clock to the end of its clock hour. */
const restOfHour = () => 3600 - Math.floor((t.clock.now().getTime() % 3_600_000) / 1000);

/** Users with a phone and an email of their own, so cooldowns and per-contact counts stay apart. */
async function staff(count: number) {
  for (let i = 0; i < count; i++) {
    await createUser(t, {
      username: `staff${i}`,
      phone: `+1202555${String(100 + i).padStart(4, '0')}`,
      email: `staff${i}@wrshealth.com`,
    });
  }
}

describe('per client address: WRSAUTH_SEND_LIMIT_PER_HOUR', () => {
  it('refuses sign-in sends past the limit from one address with 429 rate_limited and Retry-After to the end of the hour; refused sends cost nothing, and another address is not held back', async () => {
    await serve({ WRSAUTH_SEND_LIMIT_PER_HOUR: '3' });
    const desk = clientAt('203.0.113.10');
    const id = await desk.challenge();

    expect((await desk.send(id, 'sms')).status).toBe(200);
    // A send the cooldown refuses does not use the address's budget.
    for (let i = 0; i < 3; i++) expect((await desk.send(id, 'sms')).status).toBe(429);
    expect((await desk.send(id, 'email')).status).toBe(200);
    t.clock.advance(31);
    expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(200);
    t.clock.advance(31);
    const refused = await desk.send(await desk.challenge(), 'email');

    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.message).toMatch(/from this workstation/);
    expect(refused.body.retryAfter).toBe(restOfHour());
    expect(refused.headers.get('retry-after')).toBe(String(refused.body.retryAfter));
    expect(t.smtp.mails).toHaveLength(1);
    const [audited] = await auditEventsOf(t, 'code_send_rate_limited').then((events) =>
      events.filter((event) => event.detail.limit === 'client_address'),
    );
    expect(audited?.detail).toMatchObject({ perHour: 3, channel: 'email' });

    expect((await clientAt('203.0.113.11').send(await desk.challenge(), 'email')).status).toBe(200);
    t.clock.advance(restOfHour());
    expect((await desk.send(await desk.challenge(), 'email')).status).toBe(200);
  });

  it("counts password-reset sends, the second proof's included, and a decoy reset's exactly as a real one's, and refuses both alike past the limit", async () => {
    await serve({ WRSAUTH_SEND_LIMIT_PER_HOUR: '3' });
    await staff(1);
    const desk = clientAt('203.0.113.20');
    const real = await desk.reset('ckiplock');
    expect((await desk.resetSend(real, 'sms')).status).toBe(200);
    const first = await desk.resetVerify(real, t.lastSmsCode());
    expect(first.body.status).toBe('second_factor_required');
    expect((await desk.resetSend(real, 'email')).status).toBe(200);
    // The third send of the hour is a decoy's; had it not counted, the real send after it would go out.
    const decoy = await desk.reset('nobody');
    expect((await desk.resetSend(decoy, 'sms')).status).toBe(200);

    const realRefused = await desk.resetSend(await desk.reset('staff0'), 'email');
    const decoyRefused = await desk.resetSend(await desk.reset('nobody'), 'email');

    expect(realRefused.status).toBe(429);
    expect(realRefused.body.error).toBe('rate_limited');
    expect(realRefused.body.message).toMatch(/from this workstation/);
    expect(t.smtp.mails).toHaveLength(1);
    expect(seen(decoyRefused)).toEqual(seen(realRefused));
  });
});

describe('per contact: at most 10 codes in 24 hours, over every flow', () => {
  it('counts sign-in, password-reset and contact-change codes to one phone, and answers the 11th at sign-in with 429 and Retry-After until the oldest is a day old', async () => {
    await serve();
    await createUser(t, { username: 'colleague', phone: '+12025550177', email: undefined });
    const desk = clientAt('203.0.113.30');
    const started = t.clock.now().getTime();
    const wait = () => t.clock.advance(31);

    for (let i = 0; i < 4; i++) {
      expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(200);
      wait();
    }
    for (let i = 0; i < 3; i++) {
      expect((await desk.resetSend(await desk.reset('ckiplock'), 'sms')).status).toBe(200);
      wait();
    }
    // A colleague "adding" the same phone to their account: a contact-change code to it.
    const colleague = await secondFactorSession(t, 'colleague');
    for (let i = 0; i < 3; i++) {
      const change = await call(
        t,
        'POST',
        '/api/v1/me/contacts',
        { currentPassword: PASSWORD, channel: 'sms', value: PHONE },
        bearer(colleague),
      );
      expect(change.status).toBe(200);
      wait();
    }
    expect(t.twilio.messages.filter((m) => m.to === PHONE)).toHaveLength(10);

    const refused = await desk.send(await desk.challenge(), 'sms');

    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.message).toMatch(/in the last 24 hours/);
    const elapsed = (t.clock.now().getTime() - started) / 1000;
    expect(refused.body.retryAfter).toBe(DAY - elapsed);
    expect(refused.headers.get('retry-after')).toBe(String(DAY - elapsed));
    expect(t.twilio.messages.filter((m) => m.to === PHONE)).toHaveLength(10);
    const [audited] = (await auditEventsOf(t, 'code_send_rate_limited')).filter(
      (event) => event.detail.limit === 'contact',
    );
    expect(audited?.detail).toMatchObject({ channel: 'sms', masked: '••• - ••• - 3816' });
    expect(JSON.stringify(audited)).not.toContain(PHONE.slice(2));

    // The user's mailbox is another contact; the phone takes codes again once the first is a day old.
    expect((await desk.send(await desk.challenge(), 'email')).status).toBe(200);
    t.clock.advance(DAY - elapsed - 1);
    expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(429);
    t.clock.advance(1);
    expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(200);
  });

  it('answers a password reset past the daily limit of its contact as a decoy does: 200, nothing sent, no code matches', async () => {
    await serve();
    const desk = clientAt('203.0.113.31');
    for (let i = 0; i < 10; i++) {
      expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(200);
      t.clock.advance(31);
    }
    const texts = t.twilio.messages.length;

    const real = await desk.reset('ckiplock');
    const withheld = await desk.resetSend(real, 'sms');
    const decoy = await desk.resetSend(await desk.reset('nobody'), 'sms');

    expect(withheld.status).toBe(200);
    expect(Object.keys(withheld.body).sort()).toEqual(Object.keys(decoy.body).sort());
    expect(withheld.body).toMatchObject({ channel: 'sms', masked: '••• - ••• - 3816', resendAfter: 30 });
    expect(t.twilio.messages).toHaveLength(texts);
    for (const code of ['000000', '123456']) {
      expect((await desk.resetVerify(real, code)).body.error).toBe('invalid_code');
    }
  });
});

describe("password resets: at most half of a contact's 10 codes a day", () => {
  it('withholds the sixth reset code to one phone in 24 hours (as a decoy answers), and sign-in still gets the other half', async () => {
    await serve();
    // Resets need only a User ID: from several addresses, so the address limit is not what stops them.
    for (let i = 0; i < 5; i++) {
      const desk = clientAt(`203.0.113.${40 + i}`);
      expect((await desk.resetSend(await desk.reset('ckiplock'), 'sms')).status).toBe(200);
      t.clock.advance(31);
    }
    expect(t.twilio.messages.filter((m) => m.to === PHONE)).toHaveLength(5);

    const attacker = clientAt('203.0.113.50');
    const sixth = await attacker.resetSend(await attacker.reset('ckiplock'), 'sms');
    expect(sixth.status).toBe(200);
    expect(t.twilio.messages.filter((m) => m.to === PHONE)).toHaveLength(5);
    const [audited] = (await auditEventsOf(t, 'code_send_rate_limited')).filter(
      (event) => event.detail.limit === 'contact_resets',
    );
    expect(audited?.detail).toMatchObject({ perDay: 5, channel: 'sms', masked: '••• - ••• - 3816' });

    // The user at their own desk: sign-in's five codes are still there.
    const desk = clientAt('203.0.113.60');
    for (let i = 0; i < 5; i++) {
      t.clock.advance(31);
      expect((await desk.send(await desk.challenge(), 'sms')).status).toBe(200);
    }
    expect(t.twilio.messages.filter((m) => m.to === PHONE)).toHaveLength(10);
  });
});

describe("password-reset texts: at most a quarter of the practice's hourly budget", () => {
  it('refuses the reset text past floor(sms_per_hour / 4) with 429 and Retry-After; sign-in texts still use the rest of the hour', async () => {
    await serve();
    await t.server.services.cli.setPolicy({ mode: 'optional', smsPerHour: 9 });
    await staff(10);
    const desk = clientAt('203.0.113.40');

    for (const i of [0, 1])
      expect((await desk.resetSend(await desk.reset(`staff${i}`), 'sms')).status).toBe(200);
    const reset = await desk.reset('staff2');
    const refused = await desk.resetSend(reset, 'sms');

    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(refused.body.message).toMatch(/password reset text messages/);
    expect(refused.body.retryAfter).toBe(restOfHour());
    expect(refused.headers.get('retry-after')).toBe(String(restOfHour()));
    expect((await desk.resetSend(reset, 'email')).status).toBe(200);
    expect(await auditEventsOf(t, 'sms_limit_reached')).toEqual([
      { username: 'staff2', detail: { limit: 2, texts: 'password_reset' } },
    ]);

    // Sign-in: the 7 texts left of the 9, then the whole cap.
    for (let i = 3; i < 10; i++)
      expect((await desk.send(await desk.challenge(`staff${i}`), 'sms')).status).toBe(200);
    expect((await desk.send(await desk.challenge('staff2'), 'sms')).status).toBe(429);
    expect(t.twilio.messages).toHaveLength(9);
  });

  it("counts a decoy reset's text as a real one's, and answers the reset cap and the practice cap alike for both", async () => {
    await serve();
    await t.server.services.cli.setPolicy({ mode: 'optional', smsPerHour: 4 });
    await staff(4);
    const desk = clientAt('203.0.113.41');

    // The one reset text of the hour goes to a decoy; the real reset after it is refused.
    expect((await desk.resetSend(await desk.reset('nobody'), 'sms')).status).toBe(200);
    const real = await desk.resetSend(await desk.reset('staff0'), 'sms');
    const decoy = await desk.resetSend(await desk.reset('someone'), 'sms');
    expect(real.status).toBe(429);
    expect(real.body.message).toMatch(/password reset text messages/);
    expect(seen(decoy)).toEqual(seen(real));

    // Next hour, sign-in texts fill the whole cap: a real reset and a decoy are refused alike again.
    t.clock.advance(restOfHour());
    for (let i = 0; i < 4; i++)
      expect((await desk.send(await desk.challenge(`staff${i}`), 'sms')).status).toBe(200);
    const realCapped = await desk.resetSend(await desk.reset('ckiplock'), 'sms');
    const decoyCapped = await desk.resetSend(await desk.reset('anyone'), 'sms');
    expect(realCapped.status).toBe(429);
    expect(realCapped.body.message).toMatch(/too many text messages in the last hour/);
    expect(seen(decoyCapped)).toEqual(seen(realCapped));
    expect(t.twilio.messages).toHaveLength(4);
  });
});

describe('a reset text to a country the practice does not allow', () => {
  it('answers as a decoy does, not with sms_country_blocked, so the answer tells nobody there is an account', async () => {
    await serve();
    await t.server.services.cli.setPolicy({ mode: 'optional', smsCountries: '44' });
    const desk = clientAt('203.0.113.50');

    const real = await desk.resetSend(await desk.reset('ckiplock'), 'sms');
    const decoy = await desk.resetSend(await desk.reset('nobody'), 'sms');

    expect(real.status).toBe(200);
    expect(Object.keys(real.body).sort()).toEqual(Object.keys(decoy.body).sort());
    expect(t.twilio.messages).toHaveLength(0);
    expect(await auditEventsOf(t, 'sms_country_blocked')).toHaveLength(1);
    // Sign-in, past the password, still says why.
    expect((await desk.send(await desk.challenge(), 'sms')).body.error).toBe('sms_country_blocked');
  });
});
