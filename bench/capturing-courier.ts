/**
 * The courier of the bench's server children: it keeps what would have been sent, so the bench can read a
 * code the way a user would, and sends nothing. Only the last message per recipient is kept, so a long run
 * (thousands of sign-ins in the scale section) holds no growing outbox.
 */
import type { Courier, DeliveryReceipt, OutgoingMessage } from '../server/delivery/courier';

export class CapturingCourier implements Courier {
  readonly kind = 'provider';
  readonly provider = 'smtp';
  private sent = 0;
  private readonly lastTo = new Map<string, OutgoingMessage>();
  private last: OutgoingMessage | undefined;

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    this.sent++;
    this.last = message;
    this.lastTo.set(message.to, message);
    return { providerMessageId: `bench-${this.sent}`, status: 'sent' };
  }

  /** The code in the last message, to anyone or to `to`; undefined when there is none. */
  lastCode(to?: string): string | undefined {
    const message = to === undefined ? this.last : this.lastTo.get(to);
    return /code is (\d{6})/.exec(message?.text ?? '')?.[1];
  }
}
