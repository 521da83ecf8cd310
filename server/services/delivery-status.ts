/**
 * Delivery you can see: the outbox rows behind each code, as the verify screen polls them and as Twilio's
 * status callbacks and the sweep move them on.
 */
import type { Channel, DeliveryStatus, DeliveryStatusValue } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { OutboxRow, UserRow } from '../db/schema';
import { DEFAULT_RETRY } from '../delivery/courier';
import {
  advance,
  FINAL_STATUSES,
  findMessage,
  lastForChallenge,
  settleAbandoned,
} from '../repositories/outbox';
import { findUserById } from '../repositories/users';
import type { AuditLog, RequestContext } from './audit-log';

/** Words for why a message did not arrive, by the provider's error code (Twilio's 30xxx/21xxx, SMTP's). */
const REASONS: Record<string, string> = {
  '21211': 'the number is not valid',
  '21610': 'the number has opted out of texts (it replied STOP)',
  '21614': 'the number is not a mobile phone',
  '30003': 'the phone is switched off or out of reach',
  '30004': 'the number blocks messages',
  '30005': 'the number is unknown or no longer in service',
  '30006': 'the number is a landline or cannot receive texts',
  '30007': 'the carrier filtered it',
  timeout: 'the provider did not answer in time',
  unreachable: 'the provider could not be reached',
  abandoned: 'the server stopped while sending it',
};

const CHANNEL_NOUNS: Record<Channel, string> = { sms: 'text message', email: 'email' };

/** Twilio's MessageStatus values, as outbox statuses; the ones not listed carry no news for us. */
const TWILIO_STATUSES: Record<string, DeliveryStatusValue> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** Queued rows older than this belong to a send that died: every send ends within its deadline. */
export const ABANDONED_AFTER_MS = DEFAULT_RETRY.deadlineMs * 3;

export interface Alternative {
  channel: Channel;
  masked: string;
}

export class DeliveryTracker {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    /** Whether Twilio was given a status callback, so a `sent` text may still turn delivered or failed. */
    private readonly smsReportsBack: boolean,
  ) {}

  /** The latest send for a challenge, in the words the verify screen shows. */
  describe(row: OutboxRow, alternative: Alternative | undefined): DeliveryStatus {
    const final =
      (FINAL_STATUSES as readonly string[]).includes(row.status) ||
      (row.status === 'sent' && !(row.provider === 'twilio' && this.smsReportsBack));
    const failed = row.status === 'failed' || row.status === 'undelivered';
    return {
      channel: row.channel,
      masked: row.masked_target,
      status: row.status,
      final,
      ...(failed ? { message: failureMessage(row, alternative) } : {}),
      updatedAt: row.updated_at,
    };
  }

  lastForChallenge(challengeId: string): Promise<OutboxRow | undefined> {
    return lastForChallenge(this.db, challengeId);
  }

  /**
   * Applies one Twilio status callback (already authenticated by its signature). Returns false when the
   * message is not ours, or the news is stale: callbacks can come late and out of order.
   */
  async applyTwilioStatus(
    outboxId: string,
    callback: { messageSid: string; messageStatus: string; errorCode?: string },
    context: RequestContext,
  ): Promise<boolean> {
    const status = TWILIO_STATUSES[callback.messageStatus];
    const row = await findMessage(this.db, outboxId);
    if (!status || row?.provider !== 'twilio') return false;
    if (row.provider_message_id && row.provider_message_id !== callback.messageSid) return false;
    const failed = status === 'failed' || status === 'undelivered';
    const moved = await advance(
      this.db,
      outboxId,
      {
        status,
        providerMessageId: callback.messageSid,
        ...(failed ? { errorCode: callback.errorCode || null } : {}),
      },
      this.clock.now(),
    );
    if (moved && status !== 'sent') {
      const user: UserRow | undefined = row.user_id ? await findUserById(this.db, row.user_id) : undefined;
      await this.audit.record(context, {
        type: 'code_delivery_reported',
        userId: row.user_id,
        username: user?.username ?? null,
        detail: {
          channel: row.channel,
          masked: row.masked_target,
          status,
          errorCode: failed ? (callback.errorCode ?? null) : null,
        },
      });
    }
    return moved;
  }

  /** Settles sends left queued by a process that died mid-send. */
  settleAbandoned(): Promise<number> {
    const now = this.clock.now();
    return settleAbandoned(this.db, new Date(now.getTime() - ABANDONED_AFTER_MS), now);
  }
}

function failureMessage(row: OutboxRow, alternative: Alternative | undefined): string {
  const reason = row.error_code ? REASONS[row.error_code] : undefined;
  const what = `Your ${CHANNEL_NOUNS[row.channel]} to ${row.masked_target} could not be delivered`;
  const next = alternative
    ? `Send a code by ${CHANNEL_NOUNS[alternative.channel]} to ${alternative.masked} instead.`
    : 'Request another code, or ask your account manager to check your contact details.';
  return `${what}${reason ? `: ${reason}` : ''}. ${next}`;
}
