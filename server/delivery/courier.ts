/** A Courier carries one message to a phone or mailbox. Providers fail; DeliveryError says whether a retry may help. */
import type { Channel } from '../../src/shared/api';

export interface OutgoingMessage {
  channel: Channel;
  /** E.164 phone number or email address. */
  to: string;
  subject: string;
  text: string;
  /** Its outbox row, named in the provider's status callback so the callback finds it. */
  outboxId?: string;
}

export interface DeliveryReceipt {
  providerMessageId?: string;
  /** `sent` when a provider took it on (more news may follow); `delivered` when it is already in place. */
  status: 'sent' | 'delivered';
}

export interface Courier {
  /** 'dev' couriers write to the local outbox; only they may ever reveal a code. */
  readonly kind: 'dev' | 'provider';
  /** As recorded in the outbox table. */
  readonly provider: 'twilio' | 'smtp' | 'dev';
  send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryReceipt>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** 5xx, 429, timeouts and dropped connections; never a rejected number or address. */
    readonly transient: boolean,
    /** For the outbox: the provider's error code (21211, smtp_550) or timeout / unreachable. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface RetryOptions {
  attempts: number;
  /** The whole send, retries included, ends by then: the login screen must hear back within 12 s. */
  deadlineMs: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 2, deadlineMs: 10_000, baseDelayMs: 300 };

/** Sends with bounded retries, exponential backoff and full jitter, for transient failures only. */
export async function sendWithRetry(
  courier: Courier,
  message: OutgoingMessage,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<DeliveryReceipt> {
  const signal = AbortSignal.timeout(options.deadlineMs);
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await courier.send(message, signal);
    } catch (error) {
      lastError = error;
      const transient = error instanceof DeliveryError ? error.transient : true;
      if (!transient || signal.aborted || attempt === options.attempts) break;
      const delay = Math.random() * options.baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  if (lastError instanceof DeliveryError) throw lastError;
  throw signal.aborted
    ? new DeliveryError('provider timed out', true, 'timeout')
    : new DeliveryError('provider unreachable', true, 'unreachable');
}
