/** Sending and checking 6-digit codes: delivery, resend, cooldowns, attempt limits and expiry. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { challenge, EMAIL, PHONE, startWithUser, type TestServer, wrongCode } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

describe('sending a code', () => {
  it('texts a 6-digit code through the Twilio Messages API with Basic auth, To, From and Body', async () => {
    const id = await challenge(t);
    const response = await t.send(id, 'sms');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      channel: 'sms',
      masked: '••• - ••• - 3816',
      expiresAt: new Date(t.clock.now().getTime() + 600_000).toISOString(),
      resendAfter: 30,
    });
    expect(t.twilio.messages).toHaveLength(1);
    const sms = t.twilio.messages[0];
    expect(sms?.username).toBe(t.twilio.accountSid);
    expect(sms?.password).toBe(t.twilio.authToken);
    expect(sms?.to).toBe(PHONE);
    expect(sms?.from).toBe(t.twilio.fromNumber);
    expect(t.lastSmsCode()).toMatch(/^\d{6}$/);
  });

  it('emails a 6-digit code through a real SMTP server', async () => {
    const id = await challenge(t);
    const response = await t.send(id, 'email');
    expect(response.status).toBe(200);
    expect(response.body.masked).toBe('cki•••wrshealth.com');
    expect(t.smtp.mails).toHaveLength(1);
    expect(t.smtp.mails[0]?.to).toEqual([EMAIL]);
    expect(t.lastMailCode()).toMatch(/^\d{6}$/);
  });

  it('refuses a target the challenge does not list with 400 invalid_target', async () => {
    const id = await challenge(t);
    const response = await t.send(id, 'pager');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_target');
    expect(t.twilio.requests + t.smtp.mails.length).toBe(0);
  });

  it('answers 410 challenge_expired for an unknown challenge', async () => {
    const response = await t.send('no-such-challenge', 'sms');
    expect(response.status).toBe(410);
    expect(response.body.error).toBe('challenge_expired');
  });

  it('holds a 30 s cooldown per contact, with retryAfter and a Retry-After header', async () => {
    const id = await challenge(t);
    expect((await t.send(id, 'sms')).status).toBe(200);
    t.clock.advance(10);
    const early = await t.send(id, 'sms');
    expect(early.status).toBe(429);
    expect(early.body).toMatchObject({ error: 'rate_limited', retryAfter: 20 });
    expect(early.headers.get('retry-after')).toBe('20');
    expect(t.twilio.messages).toHaveLength(1);
    t.clock.advance(20);
    expect((await t.send(id, 'sms')).status).toBe(200);
  });

  it('keeps the cooldown across challenges, so a fresh login does not skip it', async () => {
    expect((await t.send(await challenge(t), 'sms')).status).toBe(200);
    t.clock.advance(5);
    const again = await t.send(await challenge(t), 'sms');
    expect(again.status).toBe(429);
    expect(again.body.retryAfter).toBe(25);
  });

  it('allows switching to the other target at once', async () => {
    const id = await challenge(t);
    expect((await t.send(id, 'sms')).status).toBe(200);
    expect((await t.send(id, 'email')).status).toBe(200);
    expect(t.twilio.messages).toHaveLength(1);
    expect(t.smtp.mails).toHaveLength(1);
  });

  it('allows at most 5 sends per challenge, then retryAfter runs to the challenge expiry', async () => {
    const id = await challenge(t);
    for (let i = 0; i < 5; i++) {
      expect((await t.send(id, i % 2 ? 'email' : 'sms')).status).toBe(200);
      t.clock.advance(31);
    }
    const sixth = await t.send(id, 'sms');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toBe('rate_limited');
    expect(sixth.body.retryAfter).toBe(15 * 60 - 5 * 31);
    expect(t.twilio.messages.length + t.smtp.mails.length).toBe(5);
  });

  it('makes a fresh code on each send and invalidates the earlier one', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const first = t.lastSmsCode();
    await t.send(id, 'email');
    let second = t.lastMailCode();
    if (second === first) {
      // Two fair draws agree once in a million sends: draw once more after the cooldown. A generator that
      // repeats itself still fails below.
      t.clock.advance(31);
      await t.send(id, 'email');
      second = t.lastMailCode();
    }
    expect(second).not.toBe(first);
    const stale = await t.verify(id, first);
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_code');
    expect((await t.verify(id, second)).status).toBe(200);
  });
});

describe('checking a code', () => {
  it('signs in with the right code and returns a session', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const response = await t.verify(id, t.lastSmsCode());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'authenticated',
      user: { username: 'ckiplock', firstName: 'Casey', lastName: 'Kiplock', role: 'staff' },
      locations: [{ name: 'Main Office' }],
    });
    expect(response.body.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body.deviceToken).toBeUndefined();
  });

  it('uses a code once: a second verify of the same challenge is 410 challenge_expired', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const code = t.lastSmsCode();
    expect((await t.verify(id, code)).status).toBe(200);
    const replay = await t.verify(id, code);
    expect(replay.status).toBe(410);
    expect(replay.body.error).toBe('challenge_expired');
  });

  it('counts wrong codes down to attemptsRemaining 0, then answers 429 too_many_attempts even for the right code', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const right = t.lastSmsCode();
    for (const remaining of [4, 3, 2, 1, 0]) {
      const response = await t.verify(id, wrongCode(right));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: remaining });
    }
    const dead = await t.verify(id, right);
    expect(dead.status).toBe(429);
    expect(dead.body.error).toBe('too_many_attempts');
  });

  it('weighs at most 5 of 20 parallel wrong guesses', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const right = t.lastSmsCode();
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.verify(id, wrongCode(right))));
    const invalid = responses.filter((r) => r.status === 400 && r.body.error === 'invalid_code');
    const refused = responses.filter((r) => r.status === 429 && r.body.error === 'too_many_attempts');
    expect(invalid).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(invalid.map((r) => r.body.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await t.verify(id, right)).status).toBe(429);
  });

  it('lets exactly one of several parallel right answers sign in', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const right = t.lastSmsCode();
    const responses = await Promise.all(Array.from({ length: 8 }, () => t.verify(id, right)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 410)).toHaveLength(7);
  });

  it('answers 400 code_expired once the code is past its TTL while the challenge lives', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const code = t.lastSmsCode();
    t.clock.advance(601);
    const response = await t.verify(id, code);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('code_expired');
    await t.send(id, 'sms');
    expect((await t.verify(id, t.lastSmsCode())).status).toBe(200);
  });

  it('follows the policy code TTL set by the account manager', async () => {
    await t.server.services.cli.setPolicy({ mode: 'optional', codeTtlSeconds: 120 });
    const id = await challenge(t);
    const sent = await t.send(id, 'sms');
    expect(sent.body.expiresAt).toBe(new Date(t.clock.now().getTime() + 120_000).toISOString());
    t.clock.advance(121);
    expect((await t.verify(id, t.lastSmsCode())).body.error).toBe('code_expired');
  });

  it('answers 410 challenge_expired after the 15-minute challenge life', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    t.clock.advance(9 * 60);
    await t.send(id, 'email');
    const code = t.lastMailCode();
    t.clock.advance(6 * 60 + 1);
    const response = await t.verify(id, code);
    expect(response.status).toBe(410);
    expect(response.body.error).toBe('challenge_expired');
    expect((await t.send(id, 'sms')).status).toBe(410);
  });

  it('does not accept a code from another challenge', async () => {
    const first = await challenge(t);
    await t.send(first, 'sms');
    const code = t.lastSmsCode();
    const second = await challenge(t);
    await t.send(second, 'email');
    if (code !== t.lastMailCode()) {
      expect((await t.verify(second, code)).body.error).toBe('invalid_code');
    }
    expect((await t.verify(first, code)).status).toBe(200);
  });
});

describe('code shape', () => {
  it('answers a code that is not 6 digits with invalid_code, without spending an attempt', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    for (const typo of ['12345', '1234567', 'abcdef', '']) {
      const response = await t.verify(id, typo);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_code', attemptsRemaining: 5 });
    }
    expect((await t.verify(id, wrongCode(t.lastSmsCode()))).body.attemptsRemaining).toBe(4);
  });

  it('accepts the code typed with a space or dash in the middle', async () => {
    const id = await challenge(t);
    await t.send(id, 'sms');
    const code = t.lastSmsCode();
    expect((await t.verify(id, `${code.slice(0, 3)} ${code.slice(3)}`)).status).toBe(200);
  });
});
