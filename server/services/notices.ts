/**
 * Security notices to a user's own contacts ("a recovery code was used on your account"). They go out in the
 * background, so a slow provider never holds up a sign-in; each is on record in the outbox, and a failure is
 * logged (without the contact) rather than thrown.
 */
import type { Logger } from 'pino';
import type { Channel } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { type Courier, DeliveryError, type RetryOptions, sendWithRetry } from '../delivery/courier';
import { maskEmail, maskPhone } from '../masking';
import { advance, enqueue } from '../repositories/outbox';

export interface Notice {
  subject: string;
  text: string;
}

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly couriers: Record<Channel, Courier>,
    private readonly log: Logger,
    private readonly retry?: RetryOptions,
  ) {}

  /** Sends the notice to every contact on file, in the background. */
  notify(user: Pick<UserRow, 'id' | 'phone' | 'email'>, notice: Notice): void {
    const contacts: Array<{ channel: Channel; to: string; masked: string }> = [];
    if (user.phone) contacts.push({ channel: 'sms', to: user.phone, masked: maskPhone(user.phone) });
    if (user.email) contacts.push({ channel: 'email', to: user.email, masked: maskEmail(user.email) });
    for (const contact of contacts) {
      const sending = this.send(user.id, contact, notice).finally(() => this.pending.delete(sending));
      this.pending.add(sending);
    }
  }

  /** Resolves once every notice under way has been sent or has failed (for shutdown and tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async send(
    userId: string,
    contact: { channel: Channel; to: string; masked: string },
    notice: Notice,
  ): Promise<void> {
    const courier = this.couriers[contact.channel];
    try {
      const outboxId = await enqueue(
        this.db,
        {
          challenge_id: null,
          user_id: userId,
          channel: contact.channel,
          masked_target: contact.masked,
          provider: courier.provider,
        },
        this.clock.now(),
      );
      try {
        const receipt = await sendWithRetry(
          courier,
          { channel: contact.channel, to: contact.to, subject: notice.subject, text: notice.text, outboxId },
          this.retry,
        );
        await advance(
          this.db,
          outboxId,
          { status: receipt.status, providerMessageId: receipt.providerMessageId ?? null },
          this.clock.now(),
        );
      } catch (error) {
        const code = error instanceof DeliveryError ? error.code : 'error';
        await advance(this.db, outboxId, { status: 'failed', errorCode: code }, this.clock.now());
        this.log.warn({ channel: contact.channel, masked: contact.masked, code }, 'security notice not sent');
      }
    } catch (error) {
      this.log.warn({ err: error, channel: contact.channel }, 'security notice not recorded');
    }
  }
}
