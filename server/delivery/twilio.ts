/** SMS through Twilio's Messages API, with undici: POST {base}/2010-04-01/Accounts/{sid}/Messages.json. */
import { Agent, errors, request } from 'undici';
import type { TwilioConfig } from '../config';
import { type Courier, DeliveryError, type DeliveryReceipt, type OutgoingMessage } from './courier';

const ATTEMPT_TIMEOUT_MS = 5_000;

export class TwilioCourier implements Courier {
  readonly kind = 'provider';
  readonly provider = 'twilio';
  private readonly agent = new Agent({
    connect: { timeout: ATTEMPT_TIMEOUT_MS },
    headersTimeout: ATTEMPT_TIMEOUT_MS,
    bodyTimeout: ATTEMPT_TIMEOUT_MS,
  });
  private readonly url: string;
  private readonly authorization: string;

  constructor(private readonly config: TwilioConfig) {
    this.url = `${config.apiBase}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryReceipt> {
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (this.config.messagingServiceSid) form.set('MessagingServiceSid', this.config.messagingServiceSid);
    else if (this.config.from) form.set('From', this.config.from);
    if (this.config.statusCallbackUrl && message.outboxId) {
      form.set('StatusCallback', statusCallbackFor(this.config.statusCallbackUrl, message.outboxId));
    }

    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      });
    } catch (error) {
      const timedOut =
        error instanceof errors.HeadersTimeoutError ||
        error instanceof errors.ConnectTimeoutError ||
        (error as Error).name === 'AbortError' ||
        (error as Error).name === 'TimeoutError';
      throw timedOut
        ? new DeliveryError('SMS provider timed out', true, 'timeout')
        : new DeliveryError('SMS provider unreachable', true, 'unreachable');
    }

    const body = (await response.body.json().catch(() => ({}))) as { sid?: string; code?: number };
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return { providerMessageId: body.sid, status: 'sent' };
    }
    const transient = response.statusCode >= 500 || response.statusCode === 429;
    const detail = body.code ? ` (Twilio error ${body.code})` : '';
    throw new DeliveryError(
      `SMS provider answered ${response.statusCode}${detail}`,
      transient,
      body.code ? String(body.code) : `http_${response.statusCode}`,
    );
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The callback URL for one message: the configured URL, naming the outbox row in its query. */
export function statusCallbackFor(base: string, outboxId: string): string {
  const url = new URL(base);
  url.searchParams.set('outbox', outboxId);
  return url.toString();
}
