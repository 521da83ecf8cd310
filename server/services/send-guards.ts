/**
 * The budgets a code send draws on, one place for real sends (CodeSender) and a decoy reset's (ResetDecoys),
 * so that the two meet the same limits in the same order and answer alike:
 *
 * - the 30 s resend cooldown per contact;
 * - per client address, `WRSAUTH_SEND_LIMIT_PER_HOUR` sign-in and password-reset sends in a clock hour;
 * - per contact, at most 10 codes in any 24 hours, over every flow, of which password resets may take half:
 *   a reset needs only a User ID, so without that share anyone who knows one could use up the day's codes of
 *   its owner's phone, and sign-in always keeps the other half;
 * - per practice, `sms_per_hour` texts in a clock hour, of which password resets may take a quarter: sign-in
 *   always keeps the rest.
 *
 * Each claim is counted in the database, which every instance shares, by one statement or (per contact) a
 * write before a count. Each answers how to give it back, so that a send a later guard refuses costs none of
 * the budgets before it (see `claiming`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import { type AppError, rateLimited } from '../errors';
import {
  deleteContactSendsBefore,
  forgetContactSend,
  recordContactSend,
} from '../repositories/contact-sends';
import { claimCooldown, cooldownEnd, releaseCooldown } from '../repositories/cooldowns';
import { hit, unhit } from '../repositories/rate-limits';
import { newSortableId } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';

export const RESEND_COOLDOWN_SECONDS = 30;
/** Codes one phone number or address may receive in any 24 hours, whatever the flow. */
export const CODES_PER_CONTACT = 10;
export const CONTACT_WINDOW_SECONDS = 24 * 3600;
/** Of those, the codes password resets may send to one contact in the same 24 hours. */
export const RESET_CODES_PER_CONTACT = CODES_PER_CONTACT / 2;
/** Password-reset texts take at most this share of the practice's hourly budget. */
export const RESET_SMS_SHARE = 4;

/** The flows a code is sent for; a contact change sends to a contact not yet on file. */
export type CodePurpose = 'sign_in' | 'password_reset' | 'contact_change';

/** Gives a claim back. */
export type Release = () => Promise<void>;

/** Whom a refusal is audited under: a decoy reset has nobody. */
export interface SendSubject {
  userId: string | null;
  username: string | null;
}

/** Where the code was to go, as the audit trail may hold it: the masked contact only. */
export interface SendTarget {
  channel: Channel;
  masked: string;
}

/** A claim on the per-contact budget: taken (with its release), or refused with the 429 to answer. */
export type ContactClaim = { release: Release } | { refusal: AppError };

export interface SendGuardDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  /** Sign-in and password-reset sends per client address per clock hour (WRSAUTH_SEND_LIMIT_PER_HOUR). */
  sendLimitPerHour: number;
}

/** A provider's usual time to accept a message, for a send that sends nothing (a decoy, a withheld code). */
const IMITATED_SEND_MS: [number, number] = [150, 600];

const hourOf = (now: Date) => new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);

/** "45 seconds", "12 minutes", "3 hours": a wait as a person reads it. */
export function waitWords(seconds: number): string {
  const [amount, unit] =
    seconds < 90
      ? [seconds, 'second']
      : seconds < 90 * 60
        ? [Math.ceil(seconds / 60), 'minute']
        : [Math.ceil(seconds / 3600), 'hour'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * Runs the claims of one send. When any of them, or anything else in `work`, refuses the send, every claim
 * taken so far is given back, newest first, and the refusal goes on.
 */
export async function claiming<T>(work: (claim: (release: Release) => void) => Promise<T>): Promise<T> {
  const taken: Release[] = [];
  try {
    return await work((release) => taken.push(release));
  } catch (error) {
    for (const release of taken.reverse()) await release();
    throw error;
  }
}

export class SendGuards {
  constructor(private readonly deps: SendGuardDeps) {}

  /** For the sweep: forgets the sends to contacts that are past the 24-hour window. Answers how many. */
  forgetPastSends(): Promise<number> {
    const { db, clock } = this.deps;
    return deleteContactSendsBefore(db, addSeconds(clock.now(), -CONTACT_WINDOW_SECONDS));
  }

  /** Waits as long as a provider usually takes, so a send that sends nothing cannot be told apart by time. */
  async imitateDelivery(): Promise<void> {
    const [low, high] = IMITATED_SEND_MS;
    await sleep(low + Math.random() * (high - low));
  }

  /**
   * The 30 s resend cooldown of one contact (by its key), across flows and instances. The release ends it
   * early: after a refusal or a failed delivery the user may try the same contact again.
   */
  async claimCooldown(
    contactKey: string,
    context: RequestContext,
    subject: SendSubject,
    target: SendTarget,
  ): Promise<Release> {
    const { db, clock, audit } = this.deps;
    const now = clock.now();
    const until = addSeconds(now, RESEND_COOLDOWN_SECONDS);
    if (await claimCooldown(db, contactKey, now, until)) return () => releaseCooldown(db, contactKey, until);
    const retryAfter = secondsUntil((await cooldownEnd(db, contactKey)) ?? until, now);
    await audit.record(context, {
      type: 'code_send_rate_limited',
      ...subject,
      detail: { channel: target.channel, masked: target.masked, retryAfter },
    });
    throw rateLimited(
      retryAfter,
      `A code was just sent there. You can request another in ${retryAfter} seconds.`,
    );
  }

  /**
   * Sign-in and password-reset sends from one client address in a clock hour, decoys alike. The refusal is
   * audited once per address and hour, not once per refused send.
   */
  async claimAddress(context: RequestContext, subject: SendSubject, target: SendTarget): Promise<Release> {
    const { db, clock, audit, sendLimitPerHour: limit } = this.deps;
    const now = clock.now();
    const hour = hourOf(now);
    const key = `send:${context.ip ?? 'unknown'}`;
    const sent = await hit(db, key, hour);
    if (sent <= limit) return () => unhit(db, key, hour);
    const retryAfter = secondsUntil(addSeconds(hour, 3600), now);
    if (sent === limit + 1) {
      await audit.record(context, {
        type: 'code_send_rate_limited',
        ...subject,
        detail: { limit: 'client_address', perHour: limit, channel: target.channel, retryAfter },
      });
    }
    throw rateLimited(
      retryAfter,
      `Too many codes were requested from this workstation in the last hour. You can request another in ${waitWords(retryAfter)}.`,
    );
  }

  /**
   * At most 10 codes to one contact (by its key) in any 24 hours, over every flow, and at most 5 of them for
   * password resets. A refusal is audited and handed back, not thrown: a password reset answers it as a
   * decoy would (see CodeFlow.withhold).
   */
  async claimContact(
    contactKey: string,
    purpose: CodePurpose,
    context: RequestContext,
    subject: SendSubject,
    target: SendTarget,
  ): Promise<ContactClaim> {
    const { db, clock, audit } = this.deps;
    const now = clock.now();
    const id = newSortableId(now);
    const since = addSeconds(now, -CONTACT_WINDOW_SECONDS);
    const sent = await recordContactSend(db, { contactKey, purpose, id }, now, since);
    const resets = sent.filter((send) => send.purpose === 'password_reset');
    const overResets = purpose === 'password_reset' && resets.length > RESET_CODES_PER_CONTACT;
    if (sent.length <= CODES_PER_CONTACT && !overResets) return { release: () => forgetContactSend(db, id) };
    await forgetContactSend(db, id);
    // Another code may go once enough of the others are 24 hours old: all but 9 of them, and for a reset
    // all but 4 of the resets'.
    const freedAt = (sends: typeof sent, limit: number) =>
      sends.length > limit ? Date.parse(sends[sends.length - 1 - limit]?.sent_at ?? '') : 0;
    const freedBy = Math.max(
      freedAt(sent, CODES_PER_CONTACT),
      overResets ? freedAt(resets, RESET_CODES_PER_CONTACT) : 0,
    );
    const retryAfter = secondsUntil(addSeconds(new Date(freedBy), CONTACT_WINDOW_SECONDS), now);
    const resetShare = overResets && sent.length <= CODES_PER_CONTACT;
    await audit.record(context, {
      type: 'code_send_rate_limited',
      ...subject,
      detail: {
        limit: resetShare ? 'contact_resets' : 'contact',
        perDay: resetShare ? RESET_CODES_PER_CONTACT : CODES_PER_CONTACT,
        channel: target.channel,
        masked: target.masked,
        retryAfter,
      },
    });
    return {
      refusal: rateLimited(
        retryAfter,
        `${CODES_PER_CONTACT} codes have been sent to ${target.masked} in the last 24 hours, the most it may receive. Choose another way, or request another in ${waitWords(retryAfter)}.`,
      ),
    };
  }

  /**
   * SMS pumping guard, part two: at most `sms_per_hour` texts in a practice-wide clock hour. Password-reset
   * texts (decoys' included, which count as if they went) may take a quarter of it, rounded down, so that
   * resets for known User IDs cannot use up sign-in's texts; sign-in and contact changes are held only by
   * the whole. Each cap is audited once in the hour that reaches it.
   */
  async claimPracticeSms(
    practice: { id: string; smsPerHour: number },
    purpose: CodePurpose,
    context: RequestContext,
    subject: SendSubject,
  ): Promise<Release> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const hour = hourOf(now);
    const retryAfter = secondsUntil(addSeconds(hour, 3600), now);
    const taken: string[] = [];
    const giveBack: Release = async () => {
      for (const key of taken.splice(0).reverse()) await unhit(db, key, hour);
    };
    if (purpose === 'password_reset') {
      const share = Math.floor(practice.smsPerHour / RESET_SMS_SHARE);
      const key = `sms-reset:${practice.id}`;
      const resets = await hit(db, key, hour);
      if (resets > share) {
        await this.auditCapOnce(resets, share, 'password_reset', context, subject);
        throw rateLimited(
          retryAfter,
          'This practice has sent too many password reset text messages in the last hour. Choose email, or try again later.',
        );
      }
      taken.push(key);
    }
    const key = `sms:${practice.id}`;
    const sent = await hit(db, key, hour);
    if (sent > practice.smsPerHour) {
      await giveBack();
      await this.auditCapOnce(sent, practice.smsPerHour, 'all', context, subject);
      throw rateLimited(
        retryAfter,
        'This practice has sent too many text messages in the last hour. Choose email, or try again later.',
      );
    }
    taken.push(key);
    return giveBack;
  }

  /** One audit event for the hour that reaches a cap, not one per refused text. */
  private async auditCapOnce(
    count: number,
    limit: number,
    texts: 'all' | 'password_reset',
    context: RequestContext,
    subject: SendSubject,
  ): Promise<void> {
    if (count !== limit + 1) return;
    await this.deps.audit.record(context, {
      type: 'sms_limit_reached',
      ...subject,
      detail: { limit, ...(texts === 'password_reset' && { texts }) },
    });
  }
}
