/**
 * Delivery you can see: the outbox records every message, Twilio's signed status callbacks move it on, SMTP's
 * answer settles email, and the verify screen can poll what became of the latest code.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twilioSignature, validTwilioSignature } from '../../server/delivery/twilio-signature';
import { enqueue } from '../../server/repositories/outbox';
import { Sweeps, serverSweepJobs } from '../../server/sweeps';
import {
  challenge,
  EMAIL,
  eventually,
  outboxOf,
  PHONE,
  startWithUser,
  type TestServer,
} from '../support/test-server';

/** The public URL a deployment gives Twilio; the endpoint relays to the test server, as a proxy would. */
const CALLBACK_URL = 'https://auth.practice.example/api/v1/webhooks/twilio/status';
const WEBHOOK = '/api/v1/webhooks/twilio/status';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser({ env: { TWILIO_STATUS_CALLBACK_URL: CALLBACK_URL } });
  t.twilio.relayCallbacksTo(t.url);
});
afterEach(() => t.close());

const delivery = (id: string) => t.get(`/api/v1/auth/challenges/${id}/delivery`);
const settled = (id: string) =>
  eventually(
    () => delivery(id),
    (r) => r.body?.final === true,
  );

/** Posts a status callback the way Twilio would, signed over `signedUrl` with `token`. */
async function postCallback(
  outboxQuery: string,
  params: Record<string, string>,
  sign: { url?: string; token?: string } = {},
) {
  const signature = twilioSignature(
    sign.token ?? t.twilio.authToken,
    sign.url ?? `${CALLBACK_URL}?outbox=${outboxQuery}`,
    params,
  );
  const response = await fetch(`${t.url}${WEBHOOK}?outbox=${outboxQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text() };
}

async function sentText() {
  const id = await challenge(t);
  expect((await t.send(id, 'sms')).status).toBe(200);
  const message = t.twilio.messages.at(-1);
  if (!message) throw new Error('no text reached the endpoint');
  const outboxId = new URL(message.statusCallback ?? '').searchParams.get('outbox') ?? '';
  return { id, message, outboxId };
}

describe('the outbox', () => {
  it('records a text with its masked target and Twilio message id, never the number or the code', async () => {
    t.twilio.holdReports();
    const { message } = await sentText();
    const [row] = await outboxOf(t);
    expect(row).toMatchObject({
      channel: 'sms',
      masked_target: '••• - ••• - 3816',
      provider: 'twilio',
      provider_message_id: message.sid,
      status: 'sent',
      error_code: null,
    });
    const raw = JSON.stringify(await t.server.db.selectFrom('outbox').selectAll().execute());
    expect(raw).not.toContain(PHONE.slice(2));
    expect(raw).not.toContain(/\d{6}/.exec(message.body)?.[0]);
  });

  it('gives Twilio a StatusCallback: the configured URL naming the outbox row', async () => {
    const { message } = await sentText();
    const callback = new URL(message.statusCallback ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK_URL);
    expect(callback.searchParams.get('outbox')).toMatch(/^[0-9a-z]{13}[0-9a-f]{16}$/);
  });

  it('marks an email sent once the SMTP server accepts it, with no further news to wait for', async () => {
    const id = await challenge(t);
    expect((await t.send(id, 'email')).status).toBe(200);
    const status = await delivery(id);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      channel: 'email',
      masked: 'cki•••wrshealth.com',
      status: 'sent',
      final: true,
    });
    expect(JSON.stringify(status.body)).not.toContain(EMAIL);
  });

  it('marks an email failed with the SMTP reply code when the server rejects it', async () => {
    t.smtp.behave({ kind: 'reject', responseCode: 550 });
    const id = await challenge(t);
    expect((await t.send(id, 'email')).status).toBe(502);
    const status = await delivery(id);
    expect(status.body).toMatchObject({ channel: 'email', status: 'failed', final: true });
    expect(status.body.message).toContain('Send a code by text message to ••• - ••• - 3816 instead.');
    expect((await outboxOf(t))[0]?.error_code).toBe('smtp_550');
  });
});

describe('the delivery status a sign-in can poll', () => {
  it('answers 404 before any code was sent', async () => {
    const id = await challenge(t);
    const status = await delivery(id);
    expect(status.status).toBe(404);
    expect(status.body.error).toBe('not_found');
  });

  it('answers challenge_expired for an unknown sign-in, revealing nothing', async () => {
    const status = await delivery('no-such-challenge');
    expect(status.status).toBe(410);
    expect(status.body.error).toBe('challenge_expired');
  });

  it('follows a text from sent to delivered as Twilio reports it', async () => {
    const { id } = await sentText();
    const status = await settled(id);
    expect(status.body).toMatchObject({ channel: 'sms', status: 'delivered', final: true });
    expect(status.body.message).toBeUndefined();
    // The endpoint notes each answer after the server has already acted on it.
    const answered = await eventually(
      async () => t.twilio.callbacks.map((c) => `${c.status} ${c.httpStatus}`),
      (all) => all.length === 2,
    );
    expect(answered).toEqual(['sent 204', 'delivered 204']);
  });

  it('keeps a text "sent" and not final while Twilio has not reported back', async () => {
    t.twilio.holdReports();
    const id = await challenge(t);
    await t.send(id, 'sms');
    expect((await delivery(id)).body).toMatchObject({ status: 'sent', final: false });
  });

  it('says a text to a landline was undelivered, and offers the email target', async () => {
    t.twilio.reportFor(PHONE, { status: 'undelivered', errorCode: '30006' });
    const { id } = await sentText();
    const status = await settled(id);
    expect(status.body).toMatchObject({ status: 'undelivered', final: true });
    expect(status.body.message).toBe(
      'Your text message to ••• - ••• - 3816 could not be delivered: the number is a landline or cannot receive texts. Send a code by email to cki•••wrshealth.com instead.',
    );
    expect((await outboxOf(t))[0]).toMatchObject({ status: 'undelivered', error_code: '30006' });
  });

  it('audits an undelivered text with its masked target and counts it in /metrics', async () => {
    t.twilio.reportFor(PHONE, { status: 'failed', errorCode: '30005' });
    const { id } = await sentText();
    await settled(id);
    // The status is written first and its audit event right after, so wait for the event itself.
    const events = await eventually(
      () => t.server.services.cli.auditTrail({ username: 'ckiplock' }),
      (all) => all.some((e) => e.event_type === 'code_delivery_reported'),
    );
    const reported = events.find((e) => e.event_type === 'code_delivery_reported');
    expect(JSON.parse(reported?.detail ?? '{}')).toEqual({
      channel: 'sms',
      masked: '••• - ••• - 3816',
      status: 'failed',
      errorCode: '30005',
    });
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/wrsauth_codes_sent_total\{channel="sms",status="undelivered"\} 1/);
  });
});

describe("Twilio's request signature", () => {
  // The known answer in Twilio's own validation examples (twilio-node's webhook tests): this auth token,
  // URL and form give this X-Twilio-Signature. The callback tests below sign with our own signer, so only
  // this one shows that the signer is Twilio's algorithm.
  const AUTH_TOKEN = '12345';
  const URL_TWILIO_CALLED = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const FORM = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };
  const PUBLISHED_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

  it("gives Twilio's published signature for Twilio's published request", () => {
    expect(twilioSignature(AUTH_TOKEN, URL_TWILIO_CALLED, FORM)).toBe(PUBLISHED_SIGNATURE);
  });

  it('accepts that signature for that request only: not for another token, URL or form', () => {
    expect(validTwilioSignature(AUTH_TOKEN, URL_TWILIO_CALLED, FORM, PUBLISHED_SIGNATURE)).toBe(true);
    expect(validTwilioSignature('12346', URL_TWILIO_CALLED, FORM, PUBLISHED_SIGNATURE)).toBe(false);
    expect(validTwilioSignature(AUTH_TOKEN, `${URL_TWILIO_CALLED}&baz=3`, FORM, PUBLISHED_SIGNATURE)).toBe(
      false,
    );
    expect(
      validTwilioSignature(AUTH_TOKEN, URL_TWILIO_CALLED, { ...FORM, Digits: '1235' }, PUBLISHED_SIGNATURE),
    ).toBe(false);
  });
});

describe('the Twilio status callback', () => {
  it('refuses a callback without a valid X-Twilio-Signature, and changes nothing', async () => {
    t.twilio.holdReports();
    const { message, outboxId } = await sentText();
    const params = { AccountSid: t.twilio.accountSid, MessageSid: message.sid, MessageStatus: 'undelivered' };
    const forged = await postCallback(outboxId, params, { token: 'not-the-auth-token' });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error).toBe('forbidden');

    const unsigned = await fetch(`${t.url}${WEBHOOK}?outbox=${outboxId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await outboxOf(t))[0]?.status).toBe('sent');
  });

  it('checks the signature against the configured public URL, not the address the request reached', async () => {
    t.twilio.holdReports();
    const { message, outboxId } = await sentText();
    const params = { AccountSid: t.twilio.accountSid, MessageSid: message.sid, MessageStatus: 'delivered' };
    const local = await postCallback(outboxId, params, { url: `${t.url}${WEBHOOK}?outbox=${outboxId}` });
    expect(local.status).toBe(403);
    expect((await postCallback(outboxId, params)).status).toBe(204);
    expect((await outboxOf(t))[0]?.status).toBe('delivered');
  });

  it('refuses a signed callback whose parameters were changed on the way', async () => {
    t.twilio.holdReports();
    const { message, outboxId } = await sentText();
    const signed = { AccountSid: t.twilio.accountSid, MessageSid: message.sid, MessageStatus: 'delivered' };
    const signature = twilioSignature(t.twilio.authToken, `${CALLBACK_URL}?outbox=${outboxId}`, signed);
    const response = await fetch(`${t.url}${WEBHOOK}?outbox=${outboxId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams({ ...signed, MessageStatus: 'undelivered' }).toString(),
    });
    expect(response.status).toBe(403);
  });

  it('never moves a message backwards when callbacks arrive out of order', async () => {
    t.twilio.holdReports();
    const { message, id } = await sentText();
    expect(await t.twilio.report(message, 'delivered')).toBe(204);
    expect(await t.twilio.report(message, 'sent')).toBe(204);
    expect(await t.twilio.report(message, 'undelivered', '30003')).toBe(204);
    expect((await delivery(id)).body).toMatchObject({ status: 'delivered', final: true });
  });

  it('ignores a callback naming another message than the one the row was sent as', async () => {
    t.twilio.holdReports();
    const { message, outboxId } = await sentText();
    const other = { ...message, sid: 'SMffffffffffffffffffffffffffffffff' };
    expect(await t.twilio.report(other, 'undelivered', '30006')).toBe(204);
    expect((await outboxOf(t))[0]).toMatchObject({ status: 'sent', provider_message_id: message.sid });
    expect(outboxId).not.toBe('');
  });

  it('answers 404 where no status callback URL is configured', async () => {
    const plain = await startWithUser();
    try {
      const response = await fetch(`${plain.url}${WEBHOOK}?outbox=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered',
      });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('answers a malformed callback with 400, never a 5xx', async () => {
    const response = await fetch(`${t.url}${WEBHOOK}?outbox=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'MessageStatus=delivered',
    });
    expect(response.status).toBe(400);
  });
});

describe('the outbox sweep', () => {
  it('settles a send left queued by a stopped server as failed "abandoned", and leaves recent ones alone', async () => {
    const { db } = t.server;
    const { clock } = t.server.services;
    const message = {
      challenge_id: null,
      user_id: null,
      channel: 'sms' as const,
      masked_target: '••• - ••• - 3816',
      provider: 'twilio' as const,
    };
    await enqueue(db, message, clock.now());
    t.clock.advance(31);
    await enqueue(db, message, clock.now());
    await new Sweeps(serverSweepJobs(t.server.services), pino({ level: 'silent' })).runOnce();
    expect((await outboxOf(t)).map((m) => `${m.status} ${m.error_code}`)).toEqual([
      'failed abandoned',
      'queued null',
    ]);
  });
});
